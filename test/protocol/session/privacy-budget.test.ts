import { describe, expect, it } from 'vitest'
import { PrivacyBudgetError } from '../../../src/protocol/dp/budget.js'
import { epsilonOf } from '../../../src/protocol/dp/accountant.js'
import { roundMechanism } from '../../../src/protocol/dp/calibration.js'
import { startSimulation, updateFor } from '../../support/session-fixtures.js'

const encoding = (n: number): any => ({ clip: 4, bits: 16, maxParticipants: n, maxWeight: 1, privacy: { mechanism: 'discrete-gaussian', l2Clip: 1, modulusBits: 20, epsilon: 2, delta: 1e-5, rounds: 2 } })

describe('a DP session\'s privacy budget', () => {
  it('lets each peer put inputs in as many rounds as the budget was planned for, then refuses, also after a restart', async () => {
    const n = 5
    const sim = await startSimulation(n, 'privacy-budget', {}, { encoding: encoding(n) })
    const all = [0, 1, 2, 3, 4]
    for (const round of [1, 2]) {
      for (const i of all) sim.submit(i, updateFor(i, round))
      await sim.runUntilSettled(all, 60_000)
      for (const m of sim.members) expect([...m.settled.values()].map(r => r.round)).toContain(round)
    }
    const report = sim.members[0].core!.privacyReport!
    expect(report.rounds.map(r => [r.round, r.survivors])).toEqual([[1, n], [2, n]])
    expect(report.epsilonSpent).toBeLessThanOrEqual(2)
    expect(report.epsilonSpent).toBeGreaterThan(1.9)
    expect(report.roundsLeft).toBe(0)
    // the realised spend counts the survivors that were there: no fewer than the charge assumed
    expect(report.realisedEpsilon).toBeLessThanOrEqual(report.epsilonSpent)
    expect(() => sim.submit(0, updateFor(0, 3))).toThrow(PrivacyBudgetError)
    expect(() => sim.submit(0, updateFor(0, 3))).toThrow(/would spend epsilon 2\.[0-9]+ of this session's budget of 2/)

    // the spending is in the record the peer persisted: a restart does not forget it
    expect(sim.members[1].record?.privacy?.spent.map(s => s.round)).toEqual([1, 2])
    sim.kill(1)
    await sim.restart(1)
    expect(sim.members[1].core!.privacyReport!.rounds.map(r => r.round)).toEqual([1, 2])
    expect(() => sim.submit(1, updateFor(1, 3))).toThrow(PrivacyBudgetError)
    expect(sim.internalErrors()).toEqual([])
  })

  it('charges a round before the peer\'s masked input leaves it, even when the peer then dies', async () => {
    const n = 5
    const sim = await startSimulation(n, 'privacy-charge', {}, { encoding: encoding(n) })
    for (const i of [0, 1, 2, 3, 4]) sim.submit(i, updateFor(i, 1))
    // the first upload action of member 2 is the moment its noisy input leaves: it must already be charged
    let charged: number[] | undefined
    await sim.run(() => {
      const record = sim.members[2].record
      if (charged === undefined && record?.round?.maskedIn.length === 1) charged = record.privacy?.spent.map(s => s.round)
      return charged !== undefined
    }, 30_000)
    expect(charged).toEqual([1])
  })

  it('charges each round at the fewest honest peers any accepted round has', async () => {
    const n = 5
    const sim = await startSimulation(n, 'privacy-worst-case', {}, { encoding: encoding(n) })
    const dp = sim.session.params.encoding.privacy!
    // minParticipants 4 with a quarter allowed to drop: 3 survivors at least, none planned corrupt
    expect(dp.honestPeers).toBe(3)
    expect(epsilonOf([{ mechanism: roundMechanism(dp), count: dp.rounds }], dp.accountedDelta).epsilon).toBeLessThanOrEqual(dp.epsilon)
    expect(epsilonOf([{ mechanism: roundMechanism(dp, dp.honestPeers - 1), count: dp.rounds }], dp.accountedDelta).epsilon).toBeGreaterThan(dp.epsilon)
  })
})
