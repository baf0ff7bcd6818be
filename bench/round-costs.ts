/**
 * Costs of one round at n = 100, d = 1,000,000, k from the finder, 10% of peers dropping out after
 * sharing keys (the aggregator's worst case: their pairwise masks must be regenerated). One simulated
 * round, run in this process, gives all three figures; each floor is measured in the same run.
 */
import { nodeCryptoSuite } from '../src/protocol/crypto/suite-node.js'
import { DEFAULT_ENCODING } from '../src/protocol/encoding/params.js'
import { DEFAULT_GRAPH, DEFAULT_PHASE_TIMEOUTS, resolveParams } from '../src/protocol/round/params.js'
import { RosterView, sortIdentities } from '../src/protocol/round/roster.js'
import { simulatedPeers } from '../src/simulation/peers.js'
import { simulateRound, type DropPoint } from '../src/simulation/simulation.js'
import { keystreamAddFloor, median, vectorAddFloor } from './floors.js'
import type { BenchResult } from './result.js'

export async function roundCosts (n = 100, dimension = 1_000_000): Promise<BenchResult[]> {
  const params = resolveParams({
    sessionId: new Uint8Array(32).fill(1),
    dimension,
    encoding: DEFAULT_ENCODING,
    graph: DEFAULT_GRAPH,
    minParticipants: 2,
    phaseTimeouts: DEFAULT_PHASE_TIMEOUTS
  })
  const peers = await simulatedPeers(n, 'bench')
  const dropped = new Map<number, DropPoint>(Array.from({ length: Math.floor(n / 10) }, (_, i) => [10 * i + 5, 'masked-input']))
  const updates = peers.map((_, p) => Float32Array.from({ length: dimension }, (_, i) => Math.sin(p + i) * 0.9))
  const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, drops: dropped, seed: 'bench' })
  if (report.aggregator.outcome === undefined) throw new Error(`benchmark round aborted: ${report.aggregator.abort?.message}`)

  // The same graph the round used, to count the masks each side had to expand.
  const roster = new RosterView(sortIdentities(peers.map(p => p.identity)), { sessionId: params.sessionId, round: 1, attempt: 0 }, new Uint8Array(32), params.graph)
  const survivors = new Set(report.aggregator.outcome.survivors)
  const clientMasks = 1 + roster.parameters.degree
  let pairwise = 0
  for (const i of dropped.keys()) {
    pairwise += roster.neighboursOf(peers[i].identity.bytes).filter(p => survivors.has(roster.identityOf(p).id)).length
  }
  const selfMasks = survivors.size
  const words = dimension + 1

  const honest = [...peers.keys()].filter(i => !dropped.has(i))
  const clientMs = median(honest.map(i => report.maskingMs[i]))
  const target = new Uint32Array(words)
  const clientFloor = median([0, 1, 2].map(() => keystreamAddFloor(target, clientMasks)))

  const aggregatorMs = (report.aggregatorMs['masked-input'] ?? 0) + (report.aggregatorMs['unmask-shares'] ?? 0)
  const aggregatorFloor = keystreamAddFloor(target, selfMasks + pairwise) + vectorAddFloor(target, survivors.size)

  const uploadBytes = median(honest.map(i => report.bytesSent[i]))
  return [
    { name: 'client-mask', value: clientMs, unit: 'ms', floor: clientFloor, detail: `${clientMasks} masks of ${words} words` },
    { name: 'aggregator-unmask', value: aggregatorMs, unit: 'ms', floor: aggregatorFloor, detail: `${survivors.size} vectors summed, ${selfMasks} self and ${pairwise} pairwise masks removed` },
    { name: 'upload-bytes', value: uploadBytes, unit: 'bytes', floor: dimension * 4, detail: `one participant's whole round against a float32 vector, m = ${params.encoding.modulusBits}` }
  ]
}
