import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { rehearseRoster, simulateRound, type DropPoint } from '../../../src/simulation/simulation.js'
import { graphParametersFor } from '../../../src/protocol/round/params.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'

const N = 20
const { minSurvivors } = graphParametersFor(testParams({ encoding: { maxParticipants: N } }), N)
const tolerated = N - minSurvivors
// Peers missing before the roster is fixed are not dropouts of the round, just absent: the session's
// minimum number of participants bounds them instead. Setting it to the survivor minimum makes the
// matrix uniform across phases.
const params = testParams({ dimension: 96, minParticipants: minSurvivors, encoding: { maxParticipants: N } })
const peersPromise = simulatedPeers(N, 'fault-matrix')
const updates = gridUpdates(params, N, 'fault-matrix')

/** Phases in which a dropped peer's input is already in the sum (it is in U3). */
const AFTER_INPUT: DropPoint[] = ['consistency-check', 'unmask']
/** Phases before the roster U1 is fixed. */
const BEFORE_ROSTER: DropPoint[] = ['announce', 'advertise-keys']
const POINTS: DropPoint[] = ['announce', 'advertise-keys', 'share-keys', 'masked-input', 'masked-input-partial', 'consistency-check', 'unmask']

// Each case drops peers spread around the roster; the "with the aggregator" cases drop the aggregator's
// own participant role (peer 0) while it goes on aggregating.
const SPREAD = [7, 13, 3, 17]
const WITH_AGGREGATOR = [0, 7, 13, 3]

const cases = POINTS.flatMap(point => [1, tolerated, tolerated + 1].flatMap(count => [
  { point, count, dropped: SPREAD.slice(0, count), label: 'other peers' },
  { point, count, dropped: WITH_AGGREGATOR.slice(0, count), label: 'the aggregator\'s own input among them' }
]))

describe(`fault matrix: ${N} peers tolerate ${tolerated} dropouts`, () => {
  it('tolerates at least one dropout, so the matrix is meaningful', () => {
    expect(tolerated).toBeGreaterThanOrEqual(1)
  })

  it.each(cases)('dropping $count at $point ($label) ends in the exact sum over survivors or a typed abort', async ({ point, count, dropped }) => {
    const peers = await peersPromise
    const drops = new Map<number, DropPoint>(dropped.map(i => [i, point]))
    // small chunks, so that a partial upload really stops half-way
    const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, drops, seed: `${point}-${count}-${dropped.join('.')}`, chunkCoordinates: 32 })
    const survivors = AFTER_INPUT.includes(point) ? [...peers.keys()] : [...peers.keys()].filter(i => !drops.has(i))
    const honest = [...peers.keys()].filter(i => !drops.has(i))
    if (count <= tolerated) {
      expect(report.aggregator.abort).toBeUndefined()
      const expected = Array.from(exactSum(updates, survivors))
      expect(Array.from(report.aggregator.outcome!.sum)).toEqual(expected)
      expect(report.aggregator.outcome!.weightSum).toBe(survivors.length)
      expect(report.aggregator.outcome!.survivors).toEqual(peers.filter((_, i) => survivors.includes(i)).map(p => p.identity.id).sort(sameOrderAs(report.aggregator.outcome!.participants)))
      for (const i of honest) expect(Array.from(report.participants[i].outcome!.sum)).toEqual(expected)
    } else {
      // never a partial plaintext: no one gets any sum
      expect(report.aggregator.abort?.reason).toBe(BEFORE_ROSTER.includes(point) ? 'too-few-participants' : 'too-many-dropouts')
      expect(report.aggregator.outcome).toBeUndefined()
      for (const i of peers.keys()) expect(report.participants[i].outcome).toBeUndefined()
      for (const i of honest) expect(report.participants[i].abort?.reason).toBeDefined()
    }
  })

  it('aborts with too-few-neighbours when most neighbours of one peer drop, even within the dropout budget', async () => {
    // semi-honest parameters at 20% dropout leave room to drop k - t + 1 neighbours of one peer
    const local = testParams({ dimension: 32, graph: { threatModel: 'semi-honest', dropoutRate: 0.2 }, encoding: { maxParticipants: 100 }, minParticipants: 50 })
    const n = 100
    const peers = await simulatedPeers(n, 'neighbourhood')
    const input = { params: local, peers, updates: gridUpdates(local, n), aggregator: 0, crypto: nodeCryptoSuite }
    // the graph hashes the fresh keys, which the seeded randomness repeats: rehearse to see it
    const roster = await rehearseRoster(input)
    const { degree, threshold } = roster.parameters
    const target = 5
    const neighbours = roster.neighboursOf(peers[target].identity.bytes).map(b => peers.findIndex(p => p.identity.id === roster.identityOf(b).id))
    const dropped = neighbours.filter(i => i !== 0).slice(0, degree - threshold + 1)
    expect(dropped).toHaveLength(degree - threshold + 1)
    expect(dropped.length).toBeLessThanOrEqual(n - roster.minSurvivors)
    const report = await simulateRound({ ...input, drops: new Map(dropped.map(i => [i, 'share-keys' as const])) })
    expect(report.aggregator.abort?.reason).toBe('too-few-neighbours')
    expect(report.aggregator.outcome).toBeUndefined()
    for (const i of peers.keys()) expect(report.participants[i].outcome).toBeUndefined()
  })
})

function sameOrderAs (order: string[]): (a: string, b: string) => number {
  return (a, b) => order.indexOf(a) - order.indexOf(b)
}
