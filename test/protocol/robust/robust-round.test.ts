/**
 * Robust rounds through the full round core: one instance per group, one aggregator for all. Every
 * group's sum must be exactly its members' (grid inputs quantize exactly), the rule's output must be
 * the rule applied in the clear to those group means, and a peer that does not clip must lose its
 * group, not steer the result.
 */
import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { simulateRobustRound } from '../../../src/simulation/robust-round.js'
import { robustSum } from '../../../src/simulation/robust-sum.js'
import { resolveRobust, type RobustParams } from '../../../src/protocol/robust/params.js'
import { coordinateMedian } from '../../../src/protocol/robust/rules.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { auditTranscript } from '../../../src/protocol/verification/audit.js'
import { groupParams } from '../../../src/protocol/robust/group-params.js'
import { nextBeacon } from '../../../src/protocol/election.js'
import { toHex } from '../../../src/protocol/crypto/bytes.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'

const N = 20
const params = testParams({ dimension: 64, encoding: { maxParticipants: N } })
const median: RobustParams = { groupSize: 5, rule: 'median', byzantineRate: 0.05 }
const beacon = new Uint8Array(32).fill(7)

describe('a robust round', () => {
  it('sums every group exactly and takes the median of the group means', async () => {
    const peers = await simulatedPeers(N, 'robust')
    const updates = gridUpdates(params, N)
    const robust = resolveRobust(median, N)
    const report = await simulateRobustRound({ params, robust, peers, updates, aggregator: 3, beacon, crypto: nodeCryptoSuite })
    expect(report.groups.map(g => g.length)).toEqual([5, 5, 5, 5])
    // the aggregator takes part in one group and runs all four
    expect(report.groups.filter(g => g.includes(3))).toHaveLength(1)
    report.groups.forEach((members, g) => {
      expect(report.rounds[g].aggregator.abort).toBeUndefined()
      expect(Array.from(report.sums[g]!.sum)).toEqual(Array.from(exactSum(updates, members)))
      expect(report.sums[g]!.weightSum).toBe(5)
      // every member of the group holds the same result as the aggregator
      for (const participant of report.rounds[g].participants) expect(participant.outcome!.quantizedSum).toEqual(report.rounds[g].aggregator.outcome!.quantizedSum)
    })
    // anyone can check each group's sum from its transcript, as a plain round's
    for (const [g, members] of report.groups.entries()) {
      const group = groupParams(params, robust, g, members.length)
      const transcript = report.rounds[g].aggregator.outcome!.transcript!
      expect((await auditTranscript(transcript, group, nodeCryptoSuite)).verdict).toBe('verified')
      // the commitments are under the session's matrix: under the group's own they do not add up
      expect((await auditTranscript(transcript, { ...group, parentSessionId: undefined }, nodeCryptoSuite)).verdict).not.toBe('verified')
    }
    // every group's result proves the one next beacon: leaving groups out cannot choose among several
    const beacons = report.rounds.map(r => toHex(nextBeacon(params.sessionId, r.aggregator.outcome!.signedResult)))
    expect(new Set(beacons).size).toBe(1)
    const means = report.groups.map(members => exactSum(updates, members).map(v => v / 5))
    expect(Array.from(report.outcome!.mean)).toEqual(Array.from(coordinateMedian(means)))
    expect(report.outcome!.used).toEqual([0, 1, 2, 3])
  })

  it('gives the group sums the in-process robustSum gives, whose masks it leaves out', async () => {
    const peers = await simulatedPeers(N, 'robust')
    const updates = gridUpdates(params, N, 'in-process')
    const robust = resolveRobust(median, N)
    const round = await simulateRobustRound({ params, robust, peers, updates, aggregator: 0, round: 4, beacon, crypto: nodeCryptoSuite })
    const inProcess = robustSum({ params, robust, peers: peers.map(p => p.identity), updates, weights: updates.map(() => 1), round: 4, beacon, random: deterministicRandom('rounding') })
    expect(inProcess.groups).toEqual(round.groups)
    inProcess.sums.forEach((sum, g) => expect(Array.from(sum!.sum)).toEqual(Array.from(round.sums[g]!.sum)))
  })

  it('completes a group that loses a peer above its minimum, and leaves out one that falls below it', async () => {
    const n = 17 // groups of 6, 6 and 5
    const peers = await simulatedPeers(n, 'robust-drops')
    const updates = gridUpdates(params, n)
    const robust = resolveRobust({ ...median, byzantineRate: 0 }, n)
    const groups = (await simulateRobustRound({ params, robust, peers, updates, aggregator: 0, beacon, crypto: nodeCryptoSuite })).groups
    const six = groups.find(g => g.length === 6 && !g.includes(0))!
    const five = groups.find(g => g.length === 5 && !g.includes(0))!
    const drops = new Map([[six[1], 'masked-input' as const], [five[2], 'unmask' as const]])
    const report = await simulateRobustRound({ params, robust, peers, updates, aggregator: 0, beacon, crypto: nodeCryptoSuite, drops })
    const g6 = groups.indexOf(six)
    const g5 = groups.indexOf(five)
    expect(Array.from(report.sums[g6]!.sum)).toEqual(Array.from(exactSum(updates, six.filter(i => i !== six[1]))))
    expect(report.sums[g5]).toBeUndefined()
    expect(report.rounds[g5].aggregator.abort?.reason).toBe('too-many-dropouts')
    expect(report.outcome!.used).toHaveLength(2)
  })

  it('drops the group of a peer that does not clip, before the rule', async () => {
    const peers = await simulatedPeers(N, 'robust')
    const updates = gridUpdates(params, N).map(u => u.map(v => v / 64))
    const l2Bound = Math.max(...updates.map(u => Math.hypot(...u))) * 1.01
    const robust = resolveRobust({ ...median, l2Bound }, N)
    const liar = 11
    // within the encoder's coordinate clip, far beyond the L2 bound: only the L2 check sees it
    updates[liar] = updates[liar].map(() => params.encoding.clip)
    const report = await simulateRobustRound({ params, robust, peers, updates, aggregator: 0, beacon, crypto: nodeCryptoSuite, byzantine: new Set([liar]) })
    const group = report.groups.findIndex(g => g.includes(liar))
    expect(report.outcome!.dropped.map(d => d.group)).toEqual([group])
    expect(report.outcome!.dropped[0].reason).toMatch(/L2 norm/)
    expect(report.outcome!.used).not.toContain(group)
  })

  it('costs each peer fewer bytes than a plain round of the whole roster', async () => {
    const n = 30
    const wide = testParams({ dimension: 4096, encoding: { maxParticipants: n } })
    const peers = await simulatedPeers(n, 'robust-bytes')
    const updates = gridUpdates(wide, n)
    const plain = await simulateRound({ params: wide, peers, updates, aggregator: 0, crypto: nodeCryptoSuite })
    const robust = await simulateRobustRound({ params: wide, robust: resolveRobust({ ...median, groupSize: 3 }, n), peers, updates, aggregator: 0, beacon, crypto: nodeCryptoSuite })
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(robust.bytesSent) / mean(plain.bytesSent)).toBeLessThan(1)
  })
})
