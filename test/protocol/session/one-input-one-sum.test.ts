/**
 * Attacks on the promise that no party learns a single input through the sums of several attempts of
 * one round. Each runs on the session simulator, and the privacy oracle checks every party's sums.
 */
import { describe, expect, it } from 'vitest'
import { genesisBeacon, rankAggregators } from '../../../src/protocol/election.js'
import { PrivacyOracle } from '../../../src/simulation/privacy-oracle.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { SessionSimulation, type Delivery } from '../../../src/simulation/session-simulation.js'
import { simulatedSession, updateFor } from '../../support/session-fixtures.js'
import type { SessionAction } from '../../../src/protocol/session/actions.js'
import type { RoundFailedError } from '../../../src/protocol/session/errors.js'

interface Hooks {
  intercept?: (member: number, action: SessionAction) => SessionAction[] | undefined
  observe?: (delivery: Delivery) => void
}

/** A simulation whose members are ordered so that member a aggregates attempt a of round 1. */
async function ranked (n: number, seed: string, hooks: Hooks): Promise<{ sim: SessionSimulation, oracle: PrivacyOracle }> {
  const peers = await simulatedPeers(n, seed)
  const config = simulatedSession(peers)
  const probe = new SessionSimulation({ config, peers, seed })
  const order = rankAggregators(probe.session.id, 1, genesisBeacon(probe.session.id), peers.map(p => p.identity))
  const sorted = order.map(identity => peers.find(p => p.identity.id === identity.id)!)
  const box: { oracle?: PrivacyOracle } = {}
  const sim = new SessionSimulation({
    config,
    peers: sorted,
    seed,
    intercept: (member, action) => hooks.intercept?.(member, action) ?? [action],
    observe: (delivery) => {
      box.oracle!.observe(delivery)
      hooks.observe?.(delivery)
    }
  })
  box.oracle = new PrivacyOracle(sim)
  await sim.start()
  return { sim, oracle: box.oracle }
}

/** What lets others learn of a result: sending it, its notice, and presence saying the round is done. */
const tellsOfResult = (action: SessionAction): boolean => (action.type === 'send' && action.message === 'result') || (action.type === 'publish' && (action.result !== undefined || (action.presence?.latestRound ?? 0) > 0))

describe('one input, one sum', () => {
  it('holds when attempt 0\'s aggregator (with a colluding member) withholds its result and attempt 1\'s crashes after the reveal: no party can isolate an input, and the revealers drop their updates', async () => {
    let crashed = false
    const hooks: Hooks = {
      // Member 0 aggregates attempt 0, collects every share, and tells no one of its result.
      intercept: (member, action) => member === 0 && tellsOfResult(action) ? [] : undefined,
      // Member 1 aggregates attempt 1 and crashes as soon as a reveal reaches it.
      observe: (d) => {
        if (!crashed && d.kind === 'message' && d.type === 'unmask-shares' && d.to === 1 && d.route.attempt === 1) {
          crashed = true
          sim.kill(1)
        }
      }
    }
    const { sim, oracle } = await ranked(7, 'withhold-then-crash', hooks)
    const ids = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    const honest = [2, 3, 4, 5, 6]
    await sim.run(() => honest.every(i => sim.members[i].pendingUpdate === undefined), 120_000)
    // Member 2 colludes with attempt 0's aggregator: it plays by the rules and pools what it receives.
    expect(oracle.leaks([[0, 2]]), oracle.describe()).toEqual([])
    for (const i of honest) {
      const settled = sim.members[i].settled.get(ids[i])
      const rejected = sim.members[i].rejected.get(ids[i]) as RoundFailedError | undefined
      expect(settled === undefined || settled.attempt === 0, sim.members[i].logs.join('\n')).toBe(true)
      if (rejected !== undefined) expect(rejected.sharesRevealed).toBe(true)
    }
    expect(sim.internalErrors()).toEqual([])
  })

  it('holds when an honest aggregator is too slow: the sum it finishes after the participants\' result deadline is never sent, and no later attempt sums other survivors', async () => {
    let reveals = 0
    const hooks: Hooks = {
      // Every reveal reaches member 0, attempt 0's aggregator; removing the masks then takes it 20 s (a
      // long vector on a busy machine), past its participants' result deadline.
      observe: (d) => {
        if (d.kind === 'message' && d.type === 'unmask-shares' && d.to === 0 && ++reveals === 4) sim.stall(0, 20_000)
      }
    }
    const { sim, oracle } = await ranked(5, 'slow-aggregator', hooks)
    const ids = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    await sim.runUntilSettled([0, 1, 2, 3, 4], 120_000)
    expect(reveals).toBe(4)
    expect(oracle.leaks(), oracle.describe()).toEqual([])
    const results = sim.members.flatMap((m, i) => m.settled.has(ids[i]) ? [m.settled.get(ids[i])!] : [])
    expect(new Set(results.map(r => r.survivors.join(','))).size).toBeLessThanOrEqual(1)
    expect(sim.internalErrors()).toEqual([])
  })
})
