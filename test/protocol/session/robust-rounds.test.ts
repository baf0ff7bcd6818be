/**
 * Robust rounds in the session core: the elected aggregator runs one instance per group of the round's
 * cut, every member gets the combined result, checks every group's sum from its transcript and applies
 * the rule again, and the next round runs under the beacon every group proved. A member that sends an
 * update far beyond the bounds loses its group, not the round.
 */
import { describe, expect, it } from 'vitest'
import { forgedShareKeys, simulatedSession, startSimulation, updateFor } from '../../support/session-fixtures.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { openSession } from '../../../src/node/session-config.js'
import { coordinateMedian } from '../../../src/protocol/robust/rules.js'
import { partitionGroups } from '../../../src/protocol/robust/groups.js'
import { genesisBeacon, nextBeacon } from '../../../src/protocol/election.js'
import { auditSessionTranscript, verifyTravelledResult } from '../../../src/protocol/session/result-verification.js'
import { RobustTranscript, RoundResult, RoundTranscript, Signed } from '../../../src/protocol/pb/messages.js'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import type { SessionSimulation } from '../../../src/simulation/session-simulation.js'
import type { SessionAction } from '../../../src/protocol/session/actions.js'

const N = 12
const robust = { groupSize: 3, rule: 'median' as const, byzantineRate: 0.1 }

/** The median of the cut's group means of the members' updates (each weight 1). */
function expectedMedian (sim: SessionSimulation, round: number, beacon: Uint8Array, update: (i: number) => Float32Array): number[] {
  const identities = sim.members.map(m => m.peer.identity)
  const groups = partitionGroups(sim.session.id, round, beacon, identities, robust.groupSize)
  const means = groups.map(group => {
    const mean = new Float64Array(8)
    for (const member of group) update(identities.indexOf(member)).forEach((v, j) => { mean[j] += v / group.length })
    return mean
  })
  return Array.from(coordinateMedian(means))
}

describe('robust rounds in the session core', () => {
  it('give every member the median of the group means, round after round', async () => {
    const sim = await startSimulation(N, 'robust-session', {}, { robust, minParticipants: 4 })
    let beacon = genesisBeacon(sim.session.id)
    for (let round = 1; round <= 2; round++) {
      const ids = sim.members.map((_, i) => sim.submit(i, updateFor(i, round)))
      expect(await sim.runUntilSettled(sim.members.map((_, i) => i))).toBe(true)
      const expected = expectedMedian(sim, round, beacon, i => updateFor(i, round)).map(v => Math.round(v * 1024) / 1024)
      for (const [i, member] of sim.members.entries()) {
        const result = member.settled.get(ids[i])
        expect(result, member.logs.join('\n')).toBeDefined()
        expect(result!.round).toBe(round)
        expect(result!.robust).toMatchObject({ groups: 4, used: [0, 1, 2, 3], failed: [], dropped: [] })
        expect(Array.from(result!.mean).map(v => Math.round(v * 1024) / 1024)).toEqual(expected)
        expect(result!.survivors).toHaveLength(N)
      }
      // anyone holding the session checks the combined result from its transcript alone
      const first = sim.members[0].settled.get(ids[0])!
      const checked = await verifyTravelledResult(sim.session, nodeCryptoSuite, first.transcript)
      expect(Array.from(checked.mean)).toEqual(Array.from(first.mean))
      beacon = nextBeacon(sim.session.id, first.signedResult)
    }
    expect(sim.internalErrors()).toEqual([])
  })

  it('refuses a combined result with a group sum changed, or with too many groups left out', async () => {
    const sim = await startSimulation(N, 'robust-session-forged', {}, { robust, minParticipants: 4 })
    const ids = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    expect(await sim.runUntilSettled(sim.members.map((_, i) => i))).toBe(true)
    const { transcript } = sim.members[0].settled.get(ids[0])!
    expect((await auditSessionTranscript(sim.session, nodeCryptoSuite, transcript)).verdict).toBe('verified')
    const { groups } = RobustTranscript.decode(transcript)
    // one group's packed sum changed on the way: its aggregator's signature no longer holds
    const group = RoundTranscript.decode(groups[2])
    const signed = Signed.decode(group.result)
    const result = RoundResult.decode(signed.body)
    result.sum = result.sum.slice()
    result.sum[0] ^= 1
    const forged = RobustTranscript.encode({ groups: groups.map((g, i) => i === 2 ? RoundTranscript.encode({ ...group, result: Signed.encode({ ...signed, body: RoundResult.encode(result) }) }) : g) })
    expect((await auditSessionTranscript(sim.session, nodeCryptoSuite, forged)).verdict).not.toBe('verified')
    // an aggregator leaving out honest groups as if they had failed: with 4 groups of 12 members, c* = 1
    // and a median needs 3 groups; with 2 the Byzantine member's group could be half of them
    const thinned = RobustTranscript.encode({ groups: groups.map((g, i) => i < 2 ? new Uint8Array(0) : g) })
    await expect(verifyTravelledResult(sim.session, nodeCryptoSuite, thinned)).rejects.toThrow(/do not combine.*too few/)
  })

  it('drops the group of a member beyond the bounds, and the round goes on', async () => {
    // honest updates here have norms up to 0.5·√8: honest members clip to 1.5, a liar does not
    const sim = await startSimulation(N, 'robust-session-liar', {}, { robust: { ...robust, l2Bound: 1.5 }, minParticipants: 4 })
    const liar = 5
    // every coordinate at the clip: the encoder takes it, but no group of three clipped peers sums to it
    const update = (i: number): Float32Array => i === liar ? new Float32Array(8).fill(4) : updateFor(i, 1)
    // the liar's own core would clip it: it sends its masked input as if it had not
    const core = sim.members[liar].core as unknown as { session: typeof sim.session }
    core.session = { ...sim.session, robust: { ...sim.session.robust!, l2Bound: undefined } }
    const ids = sim.members.map((_, i) => sim.submit(i, update(i)))
    expect(await sim.runUntilSettled(sim.members.map((_, i) => i).filter(i => i !== liar))).toBe(true)
    const identities = sim.members.map(m => m.peer.identity)
    const groups = partitionGroups(sim.session.id, 1, genesisBeacon(sim.session.id), identities, robust.groupSize)
    const liarsGroup = groups.findIndex(g => g.some(m => m.id === identities[liar].id))
    const result = sim.members[0].settled.get(ids[0]) ?? sim.members[1].settled.get(ids[1])!
    expect(result.robust!.dropped.map(d => d.group)).toEqual([liarsGroup])
    expect(result.robust!.used).not.toContain(liarsGroup)
    expect(result.survivors).not.toContain(identities[liar].id)
  }, 60_000)

  it('bans a member that deals bad shares in its group, at every member, from the proof the aggregator publishes', async () => {
    const sim = await startSimulation(N, 'robust-session-dealer', {}, { robust, minParticipants: 4 })
    const cheat = 4
    // the cheat's share-keys go out forged, once re-signed
    ;(sim as any).options.intercept = (member: number, action: SessionAction) => {
      if (member !== cheat || action.type !== 'send' || action.message !== 'share-keys') return [action]
      void forgedShareKeys(sim, cheat, action).then(forged => { (sim as any).carryOut(sim.members[cheat], forged) })
      return []
    }
    const identities = sim.members.map(m => m.peer.identity)
    const groups = partitionGroups(sim.session.id, 1, genesisBeacon(sim.session.id), identities, robust.groupSize)
    const cheatsGroup = groups.find(g => g.some(m => m.id === identities[cheat].id))!
    const others = sim.members.map((_, i) => i).filter(i => !cheatsGroup.some(m => m.id === identities[i].id))
    const ids = sim.members.map((_, i) => sim.submit(i, updateFor(i, 1)))
    expect(await sim.runUntilSettled(others, 120_000)).toBe(true)
    // its group (3 members, threshold 2) cannot go on without it; the other three groups make the round
    expect(sim.members[others[0]].settled.get(ids[others[0]])!.robust!.failed).toHaveLength(1)
    // the proof is of a dealing in the cheat's group's instance: every member checks it under that
    // group's session id (under the session's own, it was ignored by all but the aggregator)
    for (const [i, member] of sim.members.entries()) {
      if (i === cheat) continue
      expect(member.logs.some(l => l.includes(`${identities[cheat].id} dealt bad shares`)), member.logs.join('\n')).toBe(true)
    }
    expect(sim.internalErrors()).toEqual([])
  }, 60_000)

  it('refuses an open session, DP and inadmissible settings', async () => {
    const peers = await simulatedPeers(N, 'robust-refusals')
    const config = simulatedSession(peers, { minParticipants: 4 })
    expect(() => openSession({ ...config, robust })).not.toThrow()
    expect(() => openSession({ ...config, robust: { ...robust, byzantineRate: 0.2 } })).toThrow(/robust.*no group size keeps both privacy and robustness/)
    expect(() => openSession({ ...config, robust, members: 'open' })).toThrow(/robust.*closed session/)
    expect(() => openSession({ ...config, robust: { ...robust, groupSize: 2 } })).toThrow(/robust.groupSize/)
    const dp = { ...config.encoding, privacy: { mechanism: 'discrete-gaussian' as const, l2Clip: 1, modulusBits: 24, epsilon: 10, delta: 1e-5, rounds: 1 } }
    expect(() => openSession({ ...config, encoding: dp, robust })).toThrow(/encoding.privacy/)
  })
})
