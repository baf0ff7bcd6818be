/**
 * Costs of one round at n = 100, d = 1,000,000, k from the finder, 10% of peers dropping out after
 * sharing keys (the aggregator's worst case: their pairwise masks must be regenerated).
 *
 * One simulated round is recorded; then one participant's masking and the aggregator's summing and
 * unmasking are replayed from the recording several times, each run next to a run of its floor, so the
 * two are measured under the same conditions on this noisy machine and the medians compared.
 */
import { nodeCryptoSuite } from '../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../src/protocol/crypto/random.js'
import { Aggregator } from '../src/protocol/round/aggregator/aggregator.js'
import { Participant } from '../src/protocol/round/participant/participant.js'
import { PHASE_OF, rosterOfMessage, simulateRound, SIMULATION_START_TIME, type Delivery } from '../src/simulation/simulation.js'
import { commitmentContext, Committer } from '../src/protocol/verification/commitment.js'
import { MASKED_CHUNK_COORDINATES } from '../src/protocol/round/participant/masked-input.js'
import { keystreamAddFloor, keystreamJsAddFloor, median, vectorAddFloor, vectorJsAddFloor } from './floors.js'
import type { Identity } from '../src/protocol/crypto/identity.js'
import type { ResolvedParams } from '../src/protocol/round/params.js'
import { benchRound, SEED } from './bench-round.js'
import type { BenchResult } from './result.js'

const REPEATS = 5

export async function roundCosts (n = 100, dimension = 1_000_000): Promise<BenchResult[]> {
  const { params, peers, dropped, updates } = await benchRound(n, dimension)
  const client = 1
  const toClient: Delivery[] = []
  const toAggregator: Delivery[] = []
  const report = await simulateRound({
    params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, drops: dropped, seed: SEED,
    observe: (d) => {
      if (d.to === client) toClient.push(d)
      if (d.to === 'aggregator') toAggregator.push(d)
    }
  })
  if (report.aggregator.outcome === undefined) throw new Error(`benchmark round aborted: ${report.aggregator.abort?.message}`)

  // The same graph the round used, to count the masks each side expands.
  const roster = rosterOfMessage(toClient.find(d => d.type === 'roster')!.bytes, params, { sessionId: params.sessionId, round: 1, attempt: 0 }, new Uint8Array(32))
  const survivors = new Set(report.aggregator.outcome.survivors)
  const clientMasks = 1 + roster.neighboursOf(peers[client].identity.bytes).length
  let pairwise = 0
  for (const i of dropped.keys()) {
    pairwise += roster.neighboursOf(peers[i].identity.bytes).filter(p => survivors.has(roster.identityOf(p).id)).length
  }
  const selfMasks = survivors.size
  const target = new Uint32Array(dimension + 1)
  const members = new Set(peers.map(p => p.identity.id))
  const common = { params, round: 1, attempt: 0, beacon: new Uint8Array(32), crypto: nodeCryptoSuite, now: () => SIMULATION_START_TIME, isMember: (peer: Identity) => members.has(peer.id) }

  const clientRuns: number[] = []
  const clientFloors: number[] = []
  const clientJsFloors: number[] = []
  const commitmentRuns: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    clientFloors.push(keystreamAddFloor(target.length, clientMasks))
    clientJsFloors.push(keystreamJsAddFloor(target.length, clientMasks))
    const participant = new Participant({
      ...common,
      aggregator: peers[0].identity,
      identity: peers[client].identity,
      privateKey: peers[client].privateKey,
      update: updates[client],
      weight: 1,
      random: deterministicRandom(`${SEED}/participant/${client}`)
    })
    for (const d of toClient) if (participant.status !== 'masked-input') await participant.handle(peers[0].identity, d.type, d.bytes)
    const started = performance.now()
    for await (const chunk of participant.maskedInput()) void chunk
    clientRuns.push(performance.now() - started)
    commitmentRuns.push(await commitmentAlone(params, target))
  }

  const aggregatorRuns: number[] = []
  const aggregatorFloors: number[] = []
  const aggregatorJsFloors: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    aggregatorFloors.push(keystreamAddFloor(target.length, selfMasks + pairwise) + vectorAddFloor(target.length, survivors.size))
    aggregatorJsFloors.push(keystreamJsAddFloor(target.length, selfMasks + pairwise) + vectorJsAddFloor(target.length, survivors.size))
    const aggregator = new Aggregator({ ...common, identity: peers[0].identity, privateKey: peers[0].privateKey, random: deterministicRandom(`${SEED}/aggregator`), expectedParticipants: n })
    await aggregator.announce()
    let timed = 0
    for (const d of toAggregator) {
      // the recorded round closed a phase at its deadline when peers were missing: do the same
      const phase = PHASE_OF[d.type]
      while (aggregator.status !== phase) {
        if (aggregator.status === 'done' || aggregator.status === 'aborted') throw new Error(`round-costs: the replayed aggregator ended in ${aggregator.status} before a ${d.type} message`)
        await aggregator.close()
      }
      const started = performance.now()
      await aggregator.handle(peers[d.from].identity, d.type, d.bytes)
      if (d.type === 'masked-input' || d.type === 'unmask-shares') timed += performance.now() - started
    }
    if (aggregator.status !== 'done') throw new Error(`the replayed aggregator ended in ${aggregator.status}`)
    aggregatorRuns.push(timed)
  }

  const honest = [...peers.keys()].filter(i => !dropped.has(i))
  const uploadBytes = median(honest.map(i => report.bytesSent[i]))
  return [
    { name: 'client-mask', value: median(clientRuns), unit: 'ms', floor: median(clientFloors), detail: `${clientMasks} masks of ${dimension + 1} words, quantized, packed and committed to (the commitment timed alone ${median(commitmentRuns).toFixed(1)} ms: the rest about ${((median(clientRuns) - median(commitmentRuns)) / median(clientFloors)).toFixed(2)} of the floor); ${against(clientRuns, clientJsFloors)}` },
    { name: 'aggregator-unmask', value: median(aggregatorRuns), unit: 'ms', floor: median(aggregatorFloors), detail: `${survivors.size} vectors unpacked and summed, ${selfMasks} self and ${pairwise} pairwise masks removed; ${against(aggregatorRuns, aggregatorJsFloors)}` },
    { name: 'upload-bytes', value: uploadBytes, unit: 'bytes', floor: dimension * 4, detail: `one participant's whole round against a float32 vector, m = ${params.encoding.modulusBits}` }
  ]
}

/**
 * Milliseconds to commit to a vector as a participant does to its masked one, chunk by chunk (the
 * values do not change the cost): the part of client-mask that makes the sum verifiable, not masking,
 * so the detail beside it can say what the masking alone costs against the floor.
 */
async function commitmentAlone (params: ResolvedParams, vector: Uint32Array): Promise<number> {
  const started = performance.now()
  const committer = new Committer(nodeCryptoSuite.prg, commitmentContext(params, { sessionId: params.sessionId, round: 1, attempt: 0 }), vector.length)
  for (let offset = 0; offset < vector.length; offset += MASKED_CHUNK_COORDINATES) await committer.absorb(vector.subarray(offset, offset + MASKED_CHUNK_COORDINATES))
  await committer.finish()
  return performance.now() - started
}

/** The ratio against the plain-loop floor that runs before this one reported. */
function against (runs: number[], jsFloors: number[]): string {
  return `${(median(runs) / median(jsFloors)).toFixed(2)} of the plain-loop floor (${median(jsFloors).toFixed(0)} ms)`
}
