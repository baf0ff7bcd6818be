/**
 * Members that replay, forge or withhold session-level messages, on the session simulator: what they
 * send must be dropped, never end an attempt or move anyone between attempts or rounds.
 */
import { describe, expect, it } from 'vitest'
import { Announcement, Signed } from '../../../src/protocol/pb/messages.js'
import { signed } from '../../../src/protocol/round/wire.js'
import { SignatureDomain } from '../../../src/protocol/crypto/identity.js'
import { genesisBeacon } from '../../../src/protocol/election.js'
import { electedIndex, plainSum, startSimulation, updateFor } from '../../support/session-fixtures.js'
import type { SessionSimulation } from '../../../src/simulation/session-simulation.js'

const sums = (sum: Float64Array): number[] => Array.from(sum).map(v => Math.round(v * 8) / 8)
const all = [0, 1, 2, 3, 4]

async function round (sim: SessionSimulation, r: number, members = all): Promise<Map<number, number>> {
  const ids = new Map(members.map(i => [i, sim.submit(i, updateFor(i, r))]))
  await sim.runUntilSettled(members, 60_000)
  return ids
}

function expectExact (sim: SessionSimulation, ids: Map<number, number>, r: number, attempt = 0): void {
  for (const [i, id] of ids) {
    const result = sim.members[i].settled.get(id)
    expect(result, sim.members[i].logs.join('\n')).toBeDefined()
    expect(result!.round).toBe(r)
    expect(result!.attempt).toBe(attempt)
    expect(sums(result!.sum)).toEqual(plainSum([...ids.keys()], r))
  }
  expect(sim.internalErrors()).toEqual([])
}

describe('replayed messages', () => {
  it('of round 1, by a member and by round 2\'s own aggregator to each participant before its roster, leave round 2 the exact sum of its own inputs', async () => {
    const sim = await startSimulation(5, 'replays')
    const oldAnnouncements: Uint8Array[] = []
    ;(sim as any).options.observe = (d: any) => { if (d.kind === 'notice' && d.announcement !== undefined) oldAnnouncements.push(d.announcement) }
    expectExact(sim, await round(sim, 1), 1)
    const oldResult = sim.members[0].core!.latestResult!.signedResult
    const oldAnnouncement = oldAnnouncements[0]
    ;(sim as any).options.observe = undefined
    let replayed = 0
    ;(sim as any).options.intercept = (_member: number, action: any) => {
      if (action.type === 'send' && action.message === 'roster' && action.route.round === 2) {
        replayed++
        return [{ ...action, message: 'announcement', bytes: oldAnnouncement }, { ...action, message: 'result', bytes: oldResult }, action]
      }
      return [action]
    }
    const ids = new Map(all.map(i => [i, sim.submit(i, updateFor(i, 2))]))
    for (let k = 0; k < 3; k++) {
      for (const to of all.filter(i => i !== 1)) {
        const core = sim.members[to].core!
        const from = sim.members[1].peer.identity
        await core.notice(from, { announcement: oldAnnouncement })
        await core.message(from, { session: sim.session.id, round: 2, attempt: 0 }, 'announcement', oldAnnouncement)
        await core.message(from, { session: sim.session.id, round: 2, attempt: 0 }, 'result', oldResult)
        await core.message(from, { session: sim.session.id, round: 1, attempt: 0 }, 'result', oldResult)
      }
      await sim.run(() => false, 300)
    }
    await sim.runUntilSettled(all, 60_000)
    expect(replayed).toBe(4)
    expectExact(sim, ids, 2)
  })
})

describe('a member cut off after its masked input', () => {
  it('that moves on when the survivor set never reaches it still takes that attempt\'s result as its own, and its update goes into no later round', async () => {
    const sim = await startSimulation(5, 'cut-off')
    const cut = (electedIndex(sim, 1, 0) + 1) % 5
    ;(sim as any).options.intercept = (_member: number, action: any) => action.type === 'send' && action.message === 'survivor-set' && action.to.id === sim.members[cut].peer.identity.id && action.route.attempt === 0 ? [] : [action]
    const ids = await round(sim, 1)
    const result = sim.members[cut].settled.get(ids.get(cut)!)
    expect(result?.round).toBe(1)
    expect(result?.survivors).toContain(sim.members[cut].peer.identity.id)
    expect(sim.members[cut].pendingUpdate).toBeUndefined()
  })
})

describe('a member that misbehaves', () => {
  it('sending a message for the next attempt does not pull the others out of the current one', async () => {
    const sim = await startSimulation(5, 'next-attempt')
    const cheat = (electedIndex(sim, 1, 0) + 1) % 5
    const ids = new Map(all.map(i => [i, sim.submit(i, updateFor(i, 1))]))
    await sim.run(() => false, 1002)
    for (const i of all.filter(i => i !== cheat)) await sim.members[i].core!.message(sim.members[cheat].peer.identity, { session: sim.session.id, round: 1, attempt: 1 }, 'key-advertisement', new Uint8Array(100))
    await sim.runUntilSettled(all, 60_000)
    expectExact(sim, ids, 1)
  })

  it('forging an announcement in the elected aggregator\'s name derails no one', async () => {
    const sim = await startSimulation(5, 'forged-announcement')
    const aggregator = electedIndex(sim, 1, 0)
    const cheat = (aggregator + 1) % 5
    const forged = (await signed(Announcement, {
      ref: { session: sim.session.id as Uint8Array<ArrayBuffer>, round: 1n, attempt: 0 },
      aggregator: sim.members[aggregator].peer.identity.bytes as Uint8Array<ArrayBuffer>,
      beacon: genesisBeacon(sim.session.id) as Uint8Array<ArrayBuffer>,
      deadlines: [1n, 2n, 3n, 4n, 5n].map(d => BigInt(sim.now) + d * 1000n)
    }, sim.members[cheat].peer.privateKey, SignatureDomain.announcement)).bytes
    expect(Signed.decode(forged).signature.length).toBe(64)
    const ids = new Map(all.map(i => [i, sim.submit(i, updateFor(i, 1))]))
    for (const i of all.filter(i => i !== cheat)) {
      await sim.members[i].core!.notice(sim.members[cheat].peer.identity, { announcement: forged })
      await sim.members[i].core!.message(sim.members[cheat].peer.identity, { session: sim.session.id, round: 1, attempt: 0 }, 'announcement', forged)
    }
    await sim.runUntilSettled(all, 60_000)
    expectExact(sim, ids, 1)
  })

  it('claiming a later round and never answering a fetch does not keep a member that fell behind from the result', async () => {
    const sim = await startSimulation(5, 'lying-ahead')
    const liar = (electedIndex(sim, 1, 0) + 1) % 5
    const behind = (electedIndex(sim, 1, 0) + 2) % 5
    sim.members[liar].answersFetch = false
    const ids = await round(sim, 1, all.filter(i => i !== behind))
    expect(ids.size).toBe(4)
    const lie = async (): Promise<void> => { await sim.members[behind].core!.notice(sim.members[liar].peer.identity, { presence: { latestRound: 99n, ready: false } }) }
    for (let k = 0; k < 5; k++) await lie()
    await sim.run(() => sim.members[behind].core!.latestResult !== undefined, 30_000)
    expect(sim.members[behind].core!.latestResult?.round).toBe(1)
    expect(sim.internalErrors()).toEqual([])
  })
})
