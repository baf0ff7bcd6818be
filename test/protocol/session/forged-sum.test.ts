/**
 * An elected aggregator that signs a wrong sum, in every attempt it aggregates: every participant finds
 * it out from the transcript the result travels in, convicts it, and goes on to the next-ranked
 * aggregator, which sums the same survivors less the cheat, so the round completes with the right sum.
 * A member that took no part and is offered the forged result later refuses it and convicts it too.
 */
import { describe, expect, it } from 'vitest'
import { RoundResult, RoundTranscript, Signed } from '../../../src/protocol/pb/messages.js'
import { signed } from '../../../src/protocol/round/wire.js'
import { SignatureDomain } from '../../../src/protocol/crypto/identity.js'
import { electedIndex, plainSum, startSimulation, updateFor } from '../../support/session-fixtures.js'
import { PrivacyOracle } from '../../../src/simulation/privacy-oracle.js'
import type { SessionSimulation } from '../../../src/simulation/session-simulation.js'
import type { SessionAction } from '../../../src/protocol/session/actions.js'

/** The cheat's result with the first byte of its sum changed, re-signed by the cheat, in the same transcript. */
async function forged (sim: SessionSimulation, cheat: number, transcript: Uint8Array): Promise<Uint8Array> {
  const decoded = RoundTranscript.decode(transcript)
  const result = RoundResult.decode(Signed.decode(decoded.result).body)
  const sum = result.sum.slice()
  sum[0] ^= 1
  const resigned = await signed(RoundResult, { ...result, sum }, sim.members[cheat].peer.privateKey, SignatureDomain.result)
  return RoundTranscript.encode({ ...decoded, result: resigned.bytes as Uint8Array<ArrayBuffer> })
}

describe('an aggregator that signs a wrong sum', () => {
  it('is convicted by every participant, and the next-ranked aggregator completes the round with the right sum', async () => {
    const box: { oracle?: PrivacyOracle } = {}
    const sim = await startSimulation(6, 'forged-sum', { observe: d => box.oracle?.observe(d) }, { minParticipants: 4, maxAttempts: 3 })
    const oracle = box.oracle = new PrivacyOracle(sim)
    const cheat = electedIndex(sim, 1, 0)
    // it keeps the genuine result to itself: serving it would hand everyone the right sum after all
    sim.members[cheat].answersFetch = false
    const sent: Uint8Array[] = []
    ;(sim as any).options.intercept = (member: number, action: SessionAction) => {
      if (member !== cheat || action.type !== 'send' || action.message !== 'result') return [action]
      void forged(sim, cheat, action.bytes).then(bytes => {
        sent.push(bytes)
        ;(sim as any).carryOut(sim.members[cheat], { ...action, bytes })
      })
      return []
    }
    const honest = [0, 1, 2, 3, 4, 5].filter(i => i !== cheat)
    const ids = new Map(honest.map(i => [i, sim.submit(i, updateFor(i, 1))]))
    sim.submit(cheat, updateFor(cheat, 1))
    await sim.runUntilSettled(honest, 120_000)
    expect(sent.length).toBeGreaterThan(0)
    const cheatId = sim.members[cheat].peer.identity.id
    for (const [i, id] of ids) {
      const result = sim.members[i].settled.get(id)
      expect(result, sim.members[i].logs.join('\n')).toBeDefined()
      expect(result!.attempt).toBeGreaterThan(0)
      expect(result!.aggregator).not.toBe(cheatId)
      // the survivors of the attempt the shares were revealed in, less the cheat: the same inputs, summed right
      expect(result!.survivors).not.toContain(cheatId)
      expect(Array.from(result!.sum).map(v => Math.round(v * 8) / 8)).toEqual(plainSum(honest, 1))
      expect(sim.members[i].logs.some(l => l.includes(`${cheatId} signed a wrong sum`)), sim.members[i].logs.join('\n')).toBe(true)
    }
    // The cheat alone holds the true sum over the first survivor set; the next attempt's sum leaves out
    // only its input. No party, not the cheat with any one member, isolates an honest input (the cheat's
    // own may show through its forged sum, as it chose).
    const cheatsInput = [...sim.members[cheat].updates.values()]
    const leaks = oracle.leaks(honest.map(i => [cheat, i])).filter(l => !cheatsInput.includes(l.input))
    expect(leaks, oracle.describe()).toEqual([])
    expect(oracle.describe()).toMatch(/result of round 1 attempt 0/)
    expect(sim.internalErrors()).toEqual([])
  })

  it('is refused, and its aggregator convicted, by a member that is offered it without having taken part', async () => {
    const sim = await startSimulation(5, 'forged-sum-offered')
    sim.members.forEach((_, i) => sim.submit(i, updateFor(i, 1)))
    await sim.runUntilSettled([0, 1, 2, 3, 4])
    const genuine = [...sim.members[0].settled.values()][0]
    const aggregator = sim.members.findIndex(m => m.peer.identity.id === genuine.aggregator)
    const bad = await forged(sim, aggregator, genuine.transcript)
    const fresh = await startSimulation(5, 'forged-sum-offered')
    const reader = fresh.members[(aggregator + 1) % 5]
    await reader.core!.fetched(fresh.members[aggregator].peer.identity, bad)
    expect(reader.core!.latestResult).toBeUndefined()
    expect(reader.logs.join('\n')).toMatch(new RegExp(`${genuine.aggregator} signed a wrong sum`))
    // the genuine one, from the same member, is still taken
    await reader.core!.fetched(fresh.members[aggregator].peer.identity, genuine.transcript)
    expect(reader.core!.latestResult?.round).toBe(1)
  })
})
