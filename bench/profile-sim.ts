import { nodeCryptoSuite } from '../src/protocol/crypto/suite-node.js'
import { simulatedPeers } from '../src/simulation/peers.js'
import { simulateRound } from '../src/simulation/simulation.js'
import { resolveParams, DEFAULT_PHASE_TIMEOUTS } from '../src/protocol/round/params.js'
import { graphParametersFor } from '../src/protocol/round/params.js'
const n = Number(process.argv[2] ?? 100)
const params = resolveParams({ sessionId: new Uint8Array(32), dimension: 100, encoding: { clip: 4, bits: 16, maxParticipants: 1000, maxWeight: 1 }, graph: { shape: 'harary', dropoutRate: 0.1, corruptRate: 0.05, threatModel: 'malicious' }, minParticipants: 3, phaseTimeouts: DEFAULT_PHASE_TIMEOUTS })
console.log(graphParametersFor(params.graph, n))
const peers = await simulatedPeers(n)
const t0 = performance.now()
const updates = peers.map(() => new Float32Array(100))
const r = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite })
console.log(n, 'peers', (performance.now() - t0).toFixed(0), 'ms', r.aggregator.abort)
