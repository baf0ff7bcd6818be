/**
 * A member that deals bad shares in every attempt it is in: the aggregator convicts it from the
 * holders' complaints, publishes the proof, and every member leaves it out of the session's rosters,
 * so it costs the round one attempt at most, never the reveal and never the round.
 */
import { describe, expect, it } from 'vitest'
import { electedIndex, forgedShareKeys, plainSum, startSimulation, updateFor } from '../../support/session-fixtures.js'
import type { SessionAction } from '../../../src/protocol/session/actions.js'

describe('a member that deals bad shares in every attempt', () => {
  it('is convicted, left out of every later roster by every member, and the round completes without it', async () => {
    const sim = await startSimulation(6, 'bad-dealer', {}, { minParticipants: 4, maxAttempts: 3 })
    const cheat = (electedIndex(sim, 1, 0) + 1) % 6
    // the cheat's share-keys go out forged, once re-signed
    ;(sim as any).options.intercept = (member: number, action: SessionAction) => {
      if (member !== cheat || action.type !== 'send' || action.message !== 'share-keys') return [action]
      void forgedShareKeys(sim, cheat, action).then(forged => { (sim as any).carryOut(sim.members[cheat], forged) })
      return []
    }
    const honest = [0, 1, 2, 3, 4, 5].filter(i => i !== cheat)
    const ids = new Map(honest.map(i => [i, sim.submit(i, updateFor(i, 1))]))
    sim.submit(cheat, updateFor(cheat, 1))
    await sim.runUntilSettled(honest, 120_000)
    for (const [i, id] of ids) {
      const result = sim.members[i].settled.get(id)
      expect(result, sim.members[i].logs.join('\n')).toBeDefined()
      // convicted in attempt 0, it is in no later roster (not even its keys are taken), so the very next
      // attempt completes: without the conviction it deals bad shares there too, and that one fails as well
      expect(result!.attempt).toBe(1)
      expect(result!.participants).not.toContain(sim.members[cheat].peer.identity.id)
      expect(Array.from(result!.sum).map(v => Math.round(v * 8) / 8)).toEqual(plainSum(honest, 1))
      expect(sim.members[i].logs.some(l => l.includes(`${sim.members[cheat].peer.identity.id} dealt bad shares`)), sim.members[i].logs.join('\n')).toBe(true)
    }
    expect(sim.internalErrors()).toEqual([])
  })
})
