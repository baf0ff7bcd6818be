/**
 * `npm start` until the local testnet exists: a few simulated peers run real secure rounds in this
 * process (real keys, shares, masks and signatures; only the network is simulated), one peer drops out
 * of each round at a random phase, and each result is printed beside the plaintext sum.
 */
import { nodeCryptoSuite } from '../protocol/crypto/suite-node.js'
import { deterministicRandom, systemRandom } from '../protocol/crypto/random.js'
import { electAggregator, genesisBeacon, nextBeacon } from '../protocol/election.js'
import { resolveParams, DEFAULT_PHASE_TIMEOUTS, graphParametersFor } from '../protocol/round/params.js'
import { toHex } from '../protocol/crypto/bytes.js'
import { simulatedPeers } from '../simulation/peers.js'
import { simulateRound, type DropPoint } from '../simulation/simulation.js'

const PEERS = 8
const ROUNDS = 3
const DIMENSION = 10_000
const SHOWN = 4
const DROP_POINTS: DropPoint[] = ['announce', 'share-keys', 'masked-input', 'masked-input-partial', 'consistency-check', 'unmask']

const sessionId = globalThis.crypto.getRandomValues(new Uint8Array(32))
const params = resolveParams({
  sessionId,
  dimension: DIMENSION,
  encoding: { clip: 1, bits: 16, maxParticipants: PEERS, maxWeight: 1 },
  graph: { shape: 'harary', dropoutRate: 0.25, corruptRate: 0.05, threatModel: 'malicious' },
  minParticipants: 4,
  phaseTimeouts: DEFAULT_PHASE_TIMEOUTS
})
const graph = graphParametersFor(params, PEERS)
const peers = await simulatedPeers(PEERS, toHex(sessionId))
const names = new Map(peers.map((p, i) => [p.identity.id, `peer-${i}`]))
const pick = (list: readonly number[] | readonly DropPoint[], random: (n: number) => Uint8Array): number => random(1)[0] % list.length

console.log(`libp2p-secagg demo: ${PEERS} simulated peers, ${ROUNDS} rounds of secure aggregation over ${DIMENSION.toLocaleString('en')} coordinates`)
console.log(`neighbour graph: ${graph.degree} neighbours per peer, threshold ${graph.threshold}, rounds survive ${PEERS - graph.minSurvivors} dropouts; ${params.encoding.bits}-bit fixed point summed mod 2^${params.encoding.modulusBits}`)

let beacon = genesisBeacon(sessionId)
let failures = 0
for (let round = 1; round <= ROUNDS; round++) {
  const random = deterministicRandom(systemRandom(32))
  const aggregator = peers.findIndex(p => p.identity.id === electAggregator(sessionId, round, 0, beacon, peers.map(q => q.identity)).id)
  const others = [...peers.keys()].filter(i => i !== aggregator)
  const dropped = others[pick(others, random)]
  const point = DROP_POINTS[pick(DROP_POINTS, random)]
  const updates = peers.map(() => Float32Array.from({ length: DIMENSION }, () => (random(1)[0] / 255 - 0.5) * 1.6))
  const started = performance.now()
  const report = await simulateRound({
    params, peers, updates, aggregator, round, beacon, crypto: nodeCryptoSuite,
    drops: new Map([[dropped, point]]), seed: toHex(random(16)), chunkCoordinates: 1024
  })
  const ms = performance.now() - started
  console.log(`\nround ${round}: aggregator ${names.get(peers[aggregator].identity.id)} (elected from the beacon), ${names.get(peers[dropped].identity.id)} drops out at ${point}`)
  const outcome = report.aggregator.outcome
  if (outcome === undefined) {
    console.log(`  aborted: ${report.aggregator.abort?.reason} (${report.aggregator.abort?.message})`)
    failures++
    continue
  }
  const survivors = peers.map((p, i) => outcome.survivors.includes(p.identity.id) ? i : -1).filter(i => i >= 0)
  const plaintext = new Float64Array(DIMENSION)
  for (const i of survivors) updates[i].forEach((v, j) => { plaintext[j] += v })
  let maxError = 0
  for (let j = 0; j < DIMENSION; j++) maxError = Math.max(maxError, Math.abs(outcome.sum[j] - plaintext[j]))
  const bound = survivors.length / params.encoding.scale
  const agree = report.participants.filter((r, i) => i !== dropped && r.outcome !== undefined && r.outcome.sum.every((v, j) => v === outcome.sum[j])).length
  console.log(`  survivors: ${survivors.length} of ${PEERS} (${survivors.map(i => `peer-${i}`).join(' ')})`)
  console.log(`  secure sum : ${Array.from(outcome.sum.subarray(0, SHOWN), v => v.toFixed(5).padStart(9)).join(' ')} ...`)
  console.log(`  plaintext  : ${Array.from(plaintext.subarray(0, SHOWN), v => v.toFixed(5).padStart(9)).join(' ')} ...`)
  console.log(`  max |error| ${maxError.toExponential(2)} (quantization bound ${bound.toExponential(2)}); ${agree} survivors hold the same result; ${ms.toFixed(0)} ms`)
  if (maxError > bound || agree !== PEERS - 1) failures++
  beacon = nextBeacon(sessionId, outcome.signedResult)
}
console.log(failures === 0 ? '\nPASS: every round matched the plaintext sum within the quantization bound' : `\nFAIL: ${failures} round(s) went wrong`)
process.exitCode = failures === 0 ? 0 : 1
