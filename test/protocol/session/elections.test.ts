/**
 * Elections and attempts on the session simulator: views that differ in an open session, a closed
 * session electing from its list past a member that is down, the aggregator's repeated announcement for
 * a member that gets ready late, attempts that drift apart and come back together, and an update retried
 * after its round failed. (These ran on real libp2p nodes with wall-clock windows before; the rules are
 * the session core's, so they run here, deterministically, in virtual time.)
 */
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { SessionSimulation } from '../../../src/simulation/session-simulation.js'
import { RoundFailedError } from '../../../src/protocol/session/errors.js'
import { electedIndex, plainSum, simulatedSession, startSimulation, updateFor } from '../../support/session-fixtures.js'

const sums = (sum: Float64Array): number[] => Array.from(sum).map(v => Math.round(v * 8) / 8)

describe('members of an open session whose views elect different aggregators', () => {
  it('follow only their own: the odd one out is in no one else\'s round, then adopts its checked result and its update moves to round 2', async () => {
    const sim = await startSimulation(5, 'views', { presenceInterval: 250, gatherDelay: 1000 }, { members: 'open', minParticipants: 4, maxAttempts: 2, announceTimeout: 6000 })
    // The odd one out is elected by the full view in neither attempt, so only a view of its own makes it aggregate.
    const odd = [0, 1, 2, 3, 4].find(i => i !== electedIndex(sim, 1, 0) && i !== electedIndex(sim, 1, 1))!
    const others = [0, 1, 2, 3, 4].filter(i => i !== odd)
    const oddId = sim.submit(odd, updateFor(odd, 1))
    await sim.run(() => false, 1500)
    const ids = others.map(i => sim.submit(i, updateFor(i, 1)))
    await sim.runUntilSettled([0, 1, 2, 3, 4], 120_000)
    for (const [k, i] of others.entries()) {
      const result = sim.members[i].settled.get(ids[k])!
      expect(result.aggregator).toBe(sim.members[electedIndex(sim, 1, 0)].peer.identity.id)
      expect(result.attempt).toBe(0)
      expect(sums(result.sum)).toEqual(plainSum(others, 1))
    }
    expect(sim.members[odd].logs.some(l => l.includes(`attempt 0: ${sim.members[odd].peer.identity.id} is elected`))).toBe(true)
    expect(sim.members[odd].rejected.get(oddId)).toMatchObject({ failure: 'max-attempts', round: 2 })
    expect(sim.members[odd].core!.latestResult?.round).toBe(1)
    expect(sim.internalErrors()).toEqual([])
  })
})

describe('a closed session', () => {
  it('elects from its list without presence: a listed member that is down costs one attempt, and a member hears no presence but the aggregator\'s, with its announcement', async () => {
    const sim = await startSimulation(6, 'closed-down', { presenceInterval: 60_000 }, { minParticipants: 4 })
    const down = electedIndex(sim, 1, 0)
    sim.kill(down)
    const live = [0, 1, 2, 3, 4, 5].filter(i => i !== down)
    let attempt = 1
    while (electedIndex(sim, 1, attempt) === down) attempt++
    const observer = live.find(i => i !== electedIndex(sim, 1, attempt))!
    const heard: Array<{ from: number, announcement: boolean }> = []
    ;(sim as any).options.observe = (d: any) => { if (d.kind === 'notice' && d.to === observer) heard.push({ from: d.from, announcement: d.announcement !== undefined }) }
    const ids = live.map(i => sim.submit(i, updateFor(i, 1)))
    await sim.runUntilSettled(live, 60_000)
    for (const [k, i] of live.entries()) {
      const result = sim.members[i].settled.get(ids[k])
      expect(result, sim.members[i].logs.join('\n') + String(sim.members[i].rejected.get(ids[k]))).toBeDefined()
      expect(result!.attempt).toBe(attempt)
      expect(sums(result!.sum)).toEqual(plainSum(live, 1))
    }
    expect(heard.filter(h => !h.announcement)).toEqual([])
    expect(new Set(heard.map(h => h.from))).toEqual(new Set([electedIndex(sim, 1, attempt)]))
  })
})

describe('a large closed session', () => {
  it('repeats the announcement while keys are taken, for a member that gets ready after it went out', async () => {
    // Five running members listed among 60: each publishes presence only every 6 intervals, but the
    // aggregator repeats its announcement every interval while it takes keys.
    const peers = await simulatedPeers(5, 'large-closed')
    const absent = await Promise.all(Array.from({ length: 55 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
    let sim: SessionSimulation
    let name = 0
    do {
      const config = simulatedSession(peers, {
        name: `large-${name++}`,
        members: [...peers.map(p => p.identity.id), ...absent],
        encoding: { clip: 4, bits: 16, maxParticipants: 60, maxWeight: 1 },
        minParticipants: 5,
        phaseTimeouts: { 'advertise-keys': 5000, 'share-keys': 3000, 'masked-input': 5000, 'consistency-check': 3000, unmask: 3000 }
      })
      sim = new SessionSimulation({ config, peers, seed: 'large-closed', presenceInterval: 1000 })
    } while (electedIndex(sim, 1, 0) < 0)
    await sim.start()
    const aggregator = electedIndex(sim, 1, 0)
    const late = (aggregator + 1) % 5
    const onTime = [0, 1, 2, 3, 4].filter(i => i !== late)
    const ids = new Map(onTime.map(i => [i, sim.submit(i, updateFor(i, 1))]))
    await sim.run(() => false, 2500)
    ids.set(late, sim.submit(late, updateFor(late, 1)))
    await sim.runUntilSettled([0, 1, 2, 3, 4], 60_000)
    for (const [i, id] of ids) {
      const result = sim.members[i].settled.get(id)!
      expect(result.attempt).toBe(0)
      expect(result.survivors).toHaveLength(5)
      expect(sums(result.sum)).toEqual(plainSum([0, 1, 2, 3, 4], 1))
    }
  })
})

describe('members whose attempts drift apart', () => {
  it('come back together in the earliest attempt still taking keys, and it completes with everyone', async () => {
    const sim = await startSimulation(6, 'drift', {}, { minParticipants: 6, announceTimeout: 1500, phaseTimeouts: { 'advertise-keys': 8000, 'share-keys': 3000, 'masked-input': 5000, 'consistency-check': 3000, unmask: 3000 } })
    // Three members get their updates early; attempt 0's aggregator is not among them, so they give up on
    // it and start attempt 1. Only then do the others get theirs, and attempt 0's aggregator announces.
    const early = [electedIndex(sim, 1, 1), ...[0, 1, 2, 3, 4, 5].filter(i => i !== electedIndex(sim, 1, 0) && i !== electedIndex(sim, 1, 1)).slice(0, 2)]
    const late = [0, 1, 2, 3, 4, 5].filter(i => !early.includes(i))
    const ids = new Map(early.map(i => [i, sim.submit(i, updateFor(i, 1))]))
    await sim.run(() => sim.members[early[0]].logs.some(l => l.includes('attempt 1:')), 10_000)
    await sim.run(() => false, 200)
    for (const i of late) ids.set(i, sim.submit(i, updateFor(i, 1)))
    await sim.runUntilSettled([0, 1, 2, 3, 4, 5], 60_000)
    for (const [i, id] of ids) {
      const result = sim.members[i].settled.get(id)
      expect(result, sim.members[i].logs.join('\n')).toBeDefined()
      expect(result!.attempt).toBe(0)
      expect(result!.survivors).toHaveLength(6)
      expect(sums(result!.sum)).toEqual(plainSum([0, 1, 2, 3, 4, 5], 1))
    }
  })
})

describe('an update retried after its round failed', () => {
  it('goes on from the attempts it used, so it never takes part in one attempt twice', async () => {
    const sim = await startSimulation(4, 'retry', {}, { minParticipants: 4, maxAttempts: 2, announceTimeout: 1500 })
    const early = electedIndex(sim, 1, 0)
    // the attempts the early member made keys in, as its persisted ledger says
    const keysIn: number[] = []
    ;(sim as any).options.intercept = (member: number, action: any) => {
      if (member === early && action.type === 'persist' && action.record.round !== undefined) keysIn.splice(0, keysIn.length, ...action.record.round.joined)
      return [action]
    }
    const first = sim.submit(early, updateFor(early, 1))
    await sim.runUntilSettled([early], 60_000)
    expect(sim.members[early].rejected.get(first)).toBeInstanceOf(RoundFailedError)
    expect(keysIn).toEqual([0])
    const ids = [0, 1, 2, 3].map(i => sim.submit(i, updateFor(i, 1)))
    await sim.runUntilSettled([0, 1, 2, 3], 60_000)
    for (const [i, member] of sim.members.entries()) {
      const result = member.settled.get(ids[i])!
      expect(result.attempt).toBe(1)
      expect(sums(result.sum)).toEqual(plainSum([0, 1, 2, 3], 1))
    }
    // Retried, it went on to attempt 1 and never made keys in attempt 0 again.
    expect(keysIn).toEqual([0, 1])
  })
})
