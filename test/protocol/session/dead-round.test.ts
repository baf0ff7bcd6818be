/**
 * A round that can no longer complete must not hold the session up. After the first reveal a round is
 * all or nothing: when its aggregator dies then, every member that revealed drops its update, and the
 * next update of a member whose input went into a round may not go into that round again (two sums of
 * one round would differ by the difference of its updates). If every member is barred like that, no one
 * can run the round; before the closedRound rule, their next updates waited for it for ever (seen
 * here: no result in ten virtual minutes). Members now say when they are barred, and once more of them
 * are than the round can do without, everyone goes on to the next round under the same beacon.
 */
import { describe, expect, it } from 'vitest'
import { PrivacyOracle } from '../../../src/simulation/privacy-oracle.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { SessionSimulation, type Delivery } from '../../../src/simulation/session-simulation.js'
import { electedIndex, plainSum, simulatedSession, updateFor } from '../../support/session-fixtures.js'
import type { SessionAction } from '../../../src/protocol/session/actions.js'
import type { RoundFailedError } from '../../../src/protocol/session/errors.js'

const N = 5

async function simulation (seed: string, hooks: { observe?: (d: Delivery, sim: SessionSimulation) => void, intercept?: (member: number, action: SessionAction) => SessionAction[] }): Promise<{ sim: SessionSimulation, oracle: PrivacyOracle }> {
  const peers = await simulatedPeers(N, seed)
  const box: { sim?: SessionSimulation, oracle?: PrivacyOracle } = {}
  const sim = new SessionSimulation({
    config: simulatedSession(peers),
    peers,
    seed,
    lossDetection: 1000,
    ...(hooks.intercept !== undefined ? { intercept: hooks.intercept } : {}),
    observe: (delivery) => {
      box.oracle!.observe(delivery)
      hooks.observe?.(delivery, box.sim!)
    }
  })
  box.sim = sim
  box.oracle = new PrivacyOracle(sim)
  await sim.start()
  return { sim, oracle: box.oracle }
}

describe('a round that can no longer complete', () => {
  it('is closed by the members barred from it, and their next updates complete the next round under the same beacon', async () => {
    let victim: number | undefined
    const { sim, oracle } = await simulation('dead-round', {
      // Attempt 0's aggregator dies as the first reveal reaches it: every survivor reveals to no one.
      observe: (d, sim) => {
        if (victim === undefined && d.kind === 'message' && d.type === 'unmask-shares' && d.route.round === 1) {
          victim = d.to
          sim.kill(victim)
        }
      }
    })
    expect(electedIndex(sim, 1, 0)).toBeGreaterThanOrEqual(0)
    const first = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    const live = (): number[] => [...Array(N).keys()].filter(i => i !== victim)
    expect(await sim.run(() => victim !== undefined && live().every(i => sim.members[i].pendingUpdate === undefined), 120_000)).toBe(true)
    // Round 1 failed for every survivor, after it revealed: those updates are never sent again.
    for (const i of live()) expect((sim.members[i].rejected.get(first[i]) as RoundFailedError | undefined)?.sharesRevealed, sim.members[i].logs.join('\n')).toBe(true)

    const second = live().map(i => sim.submit(i, updateFor(i, 2)))
    expect(await sim.run(() => live().every(i => sim.members[i].pendingUpdate === undefined), 600_000), live().map(i => sim.members[i].logs.slice(-8).join('\n')).join('\n----\n')).toBe(true)
    const results = live().map((i, k) => sim.members[i].settled.get(second[k]))
    for (const [k, result] of results.entries()) expect(result, sim.members[live()[k]].logs.join('\n')).toBeDefined()
    // Round 1 has no result; round 2 sums the fresh updates of the four left, and no party isolates an input.
    for (const result of results) {
      expect(result!.round).toBe(2)
      expect(Array.from(result!.sum).map(v => Math.round(v * 8) / 8)).toEqual(plainSum(live(), 2))
    }
    expect(oracle.leaks([]), oracle.describe()).toEqual([])

    // The dead aggregator comes back: its own round-1 update fails (it revealed in a round that ended
    // without it), it takes round 2's result on the members' signatures, and joins round 3.
    await sim.restart(victim!)
    const third = sim.members.map((_, i) => sim.submit(i, updateFor(i, 3)))
    expect(await sim.run(() => sim.members.every(m => m.pendingUpdate === undefined) && sim.members.every((m, i) => m.settled.has(third[i]) || m.rejected.has(third[i])), 600_000)).toBe(true)
    const roundThree = sim.members.map((m, i) => m.settled.get(third[i]))
    expect(roundThree.every(r => r?.round === 3), sim.members[victim!].logs.join('\n')).toBe(true)
    expect(roundThree[0]!.survivors).toHaveLength(N)
    expect(sim.internalErrors()).toEqual([])
  })

  it('is not closed by fewer members than it can do without: one member saying so, falsely, moves no one', async () => {
    let lied = false
    const { sim } = await simulation('dead-round-lie', {
      // Member 0 claims it is barred from round 1 as soon as it can say anything.
      intercept: (member, action) => {
        if (member !== 0 || lied) return [action]
        lied = true
        return [action, { type: 'publish', closedRound: 1 }]
      }
    })
    const ids = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    expect(await sim.run(() => sim.members.every(m => m.pendingUpdate === undefined), 120_000)).toBe(true)
    expect(lied).toBe(true)
    const results = sim.members.map((m, i) => m.settled.get(ids[i]))
    for (const result of results) expect(result?.round).toBe(1)
    expect(results[0]!.survivors).toHaveLength(N)
  })
})
