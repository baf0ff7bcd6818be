/**
 * A member whose process dies at the worst moment, right after it revealed its unmask shares, and
 * comes back from what it persisted: the promises its update carries survive the crash.
 */
import { describe, expect, it } from 'vitest'
import { electedIndex, startSimulation, updateFor } from '../../support/session-fixtures.js'
import { nextBeacon } from '../../../src/protocol/election.js'
import { RoundFailedError } from '../../../src/protocol/session/errors.js'
import type { SessionSimulation } from '../../../src/simulation/session-simulation.js'

/** Kills member `victim` as soon as its unmask shares have left it. */
function killAfterReveal (sim: SessionSimulation, victim: number): () => boolean {
  let killed = false
  ;(sim as any).options.intercept = (member: number, action: any) => {
    if (!killed && member === victim && action.type === 'send' && action.message === 'unmask-shares') {
      killed = true
      queueMicrotask(() => { sim.kill(victim) })
    }
    return [action]
  }
  return () => killed
}

describe('a member killed right after it revealed', () => {
  it('has persisted the survivors and the rounding before its shares left, and after a restart takes that round\'s result as its update\'s, never sending it again', async () => {
    const sim = await startSimulation(5, 'restart-after-reveal')
    const aggregatorOf = (): number => sim.members.findIndex(m => m.logs.some(l => l.includes('is elected') && l.includes(m.peer.identity.id)))
    sim.members.forEach((_, i) => sim.submit(i, updateFor(i, 1), undefined, `update-${i}`))
    await sim.run(() => aggregatorOf() >= 0, 10_000)
    const victim = (aggregatorOf() + 1) % 5
    const killed = killAfterReveal(sim, victim)
    await sim.run(() => killed(), 30_000)
    const record = sim.members[victim].record!
    expect(record.round?.required).toHaveLength(5)
    expect(record.round?.maskedIn).toEqual([0])
    const seed = record.round!.roundingSeed
    await sim.runUntilSettled([0, 1, 2, 3, 4].filter(i => i !== victim), 60_000)
    await sim.restart(victim)
    // the same update, by its name, as a daemon restores it from disk
    const again = sim.submit(victim, updateFor(victim, 1), undefined, `update-${victim}`)
    await sim.runUntilSettled([victim], 60_000)
    const result = sim.members[victim].settled.get(again)
    expect(result?.round, sim.members[victim].logs.join('\n')).toBe(1)
    expect(result?.survivors).toContain(sim.members[victim].peer.identity.id)
    expect(sim.members[victim].record!.round?.roundingSeed ?? seed).toEqual(seed)
    expect(sim.internalErrors()).toEqual([])
  })

  it('whose round then fails, refuses the same update after a restart: it may be in a sum that was never released', async () => {
    const sim = await startSimulation(5, 'restart-round-fails')
    const aggregatorOf = (): number => sim.members.findIndex(m => m.logs.some(l => l.includes('is elected') && l.includes(m.peer.identity.id)))
    sim.members.forEach((_, i) => sim.submit(i, updateFor(i, 1), undefined, `update-${i}`))
    await sim.run(() => aggregatorOf() >= 0, 10_000)
    const aggregator = aggregatorOf()
    const victim = (aggregator + 1) % 5
    const killed = killAfterReveal(sim, victim)
    // The aggregator keeps its sum to itself: the round cannot end with attempt 0's result.
    const base = (sim as any).options.intercept
    ;(sim as any).options.intercept = (member: number, action: any) => member === aggregator && ((action.type === 'send' && action.message === 'result') || action.type === 'publish') ? [] : base(member, action)
    await sim.run(() => killed(), 30_000)
    sim.kill(aggregator)
    await sim.runUntilSettled([0, 1, 2, 3, 4].filter(i => i !== victim && i !== aggregator), 120_000)
    await sim.restart(victim)
    // the same update, by its name, as a daemon restores it from disk
    const again = sim.submit(victim, updateFor(victim, 1), undefined, `update-${victim}`)
    await sim.runUntilSettled([victim], 120_000)
    const error = sim.members[victim].rejected.get(again)
    expect(error, sim.members[victim].logs.join('\n')).toBeInstanceOf(RoundFailedError)
    expect((error as RoundFailedError).sharesRevealed).toBe(true)
    expect(sim.members[victim].settled.size).toBe(0)
    expect(sim.internalErrors()).toEqual([])
  })
})

describe('a member restarted after a round ended without it', () => {
  it('asks the members it connects to for their latest result, and joins the next round without waiting for their presence', async () => {
    // Presence every ten minutes: catching up from it would miss the next round by far.
    const sim = await startSimulation(6, 'restart-catch-up', { presenceInterval: 600_000 })
    let victim = -1
    ;(sim as any).options.intercept = (member: number, action: any) => {
      // the first member to send its keys' shares is killed before its masked input
      if (victim < 0 && action.type === 'send' && action.message === 'share-keys') {
        victim = member
        queueMicrotask(() => { sim.kill(member) })
      }
      return [action]
    }
    const first = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    const live = (): number[] => [...Array(6).keys()].filter(i => i !== victim)
    expect(await sim.run(() => victim >= 0 && live().every(i => sim.members[i].settled.has(first[i])), 60_000)).toBe(true)
    // (the round's result notices, sent as it ended, have reached everyone up by now)
    await sim.run(() => false, 5000)
    await sim.restart(victim)
    const restarted = sim.now
    expect(await sim.run(() => sim.members[victim].core?.latestResult?.round === 1, 1000), sim.members[victim].logs.join('\n')).toBe(true)
    expect(sim.now - restarted).toBeLessThan(100)
    // Its next update goes into round 2 with everyone's.
    const second = sim.members.map((_, i) => sim.submit(i, updateFor(i, 2)))
    expect(await sim.run(() => sim.members.every((m, i) => m.settled.has(second[i])), 60_000)).toBe(true)
    const result = sim.members[victim].settled.get(second[victim])
    expect(result?.round).toBe(2)
    expect(result?.survivors).toHaveLength(6)
  })
})

describe('a member restarted after a round it missed, whose first connection is to a member as far behind', () => {
  it('asks the next members it connects to as well, and catches up at once', async () => {
    // Presence every ten minutes: catching up from it would miss the next round by far.
    const sim = await startSimulation(6, 'behind-together', { presenceInterval: 600_000 })
    const [early, late] = [2, 4]
    const first = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    expect(await sim.run(() => sim.members.every((m, i) => m.settled.has(first[i])), 60_000)).toBe(true)
    ;(sim as any).options.intercept = (member: number, action: any) => {
      // both go before their masked input in round 2, so it ends without them
      if (action.type === 'send' && action.message === 'share-keys' && (member === early || member === late) && sim.members[member].core !== undefined) queueMicrotask(() => { sim.kill(member) })
      return [action]
    }
    const second = sim.members.map((_, i) => sim.submit(i, updateFor(i, 2)))
    const live = [0, 1, 3, 5]
    expect(await sim.run(() => live.every(i => sim.members[i].settled.has(second[i])), 60_000)).toBe(true)
    await sim.run(() => false, 5000)
    ;(sim as any).options.intercept = undefined
    const others = (i: number): number[] => [...Array(6).keys()].filter(j => j !== i)
    // `early` comes back connected to no one yet; `late` connects to `early` first, which has only round 0 to give
    await sim.restart(early, others(early))
    await sim.restart(late, others(late).filter(j => j !== early))
    await sim.run(() => false, 100)
    expect(sim.members[late].core?.latestResult?.round).toBe(1)
    // then the others' connections come up
    for (const j of live) {
      await sim.members[late].core!.peerSeen(sim.members[j].peer.identity)
      await sim.members[j].core!.peerSeen(sim.members[late].peer.identity)
    }
    const back = sim.now
    expect(await sim.run(() => sim.members[late].core?.latestResult?.round === 2, 1000), sim.members[late].logs.join('\n')).toBe(true)
    expect(sim.now - back).toBeLessThan(100)
    expect(sim.internalErrors()).toEqual([])
  })
})

describe('a member whose loss is heard only after its round ended, restarted before the next', () => {
  it('is waited for by the next round\'s aggregator, which has not seen it reconnect: knowledge of a loss is its round\'s', async () => {
    // Losses are heard 2 s after a kill: later than the rest of the round takes once its victim is gone
    // in unmask (which needs none of its shares), as a ping over a link that does not close takes.
    const sim = await startSimulation(6, 'late-loss', { lossDetection: 2000 })
    let victim = -1
    ;(sim as any).options.intercept = (member: number, action: any) => {
      if (victim < 0 && action.type === 'progress' && action.progress.role === 'aggregator' && action.progress.phase === 'unmask') {
        victim = (member + 1) % 6
        queueMicrotask(() => { sim.kill(victim) })
      }
      return [action]
    }
    const first = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    const live = (): number[] => [...Array(6).keys()].filter(i => i !== victim)
    expect(await sim.run(() => victim >= 0 && live().every(i => sim.members[i].settled.has(first[i])), 60_000)).toBe(true)
    const ended = sim.now
    // the losses come in now, after every member adopted the result
    await sim.run(() => false, 3000)
    expect(sim.now - ended).toBeGreaterThanOrEqual(2000)
    const latest = sim.members[live()[0]].core!.latestResult!
    expect(latest.survivors).toContain(sim.members[victim].peer.identity.id)
    const aggregator = electedIndex(sim, 2, 0, nextBeacon(sim.session.id, latest.signedResult))
    expect(aggregator).not.toBe(victim)
    // Back on new addresses, connected to every member but the next aggregator, and slower than the others to send its keys.
    await sim.restart(victim, [aggregator])
    sim.stall(victim, 300)
    const second = sim.members.map((_, i) => sim.submit(i, updateFor(i, 2)))
    expect(await sim.run(() => live().every(i => sim.members[i].settled.has(second[i])), 60_000)).toBe(true)
    await sim.run(() => sim.members[victim].settled.has(second[victim]), 5000)
    // (left out, it would wait for a round 3 that no one else has an update for)
    const result = sim.members[victim].settled.get(second[victim])
    expect(result?.round, sim.members[aggregator].logs.join('\n')).toBe(2)
    expect(result?.survivors).toHaveLength(6)
    expect(sim.internalErrors()).toEqual([])
  })
})

describe('an update with the same values as the one before', () => {
  it('is a new update, aggregated in a round of its own: only the same name after a restart resumes one', async () => {
    const sim = await startSimulation(4, 'same-values-twice')
    const first = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    expect(await sim.run(() => sim.members.every((m, i) => m.settled.has(first[i])), 60_000)).toBe(true)
    // a peer with nothing new to learn from sends what it sent before
    const second = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    expect(await sim.run(() => sim.members.every((m, i) => m.settled.has(second[i])), 60_000)).toBe(true)
    for (const [i, member] of sim.members.entries()) {
      const result = member.settled.get(second[i])
      expect(result?.round, member.logs.join('\n')).toBe(2)
      expect(result?.survivors).toHaveLength(4)
    }
    expect(sim.internalErrors()).toEqual([])
  })
})
