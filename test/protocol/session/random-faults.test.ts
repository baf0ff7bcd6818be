/**
 * Randomised runs of the session simulator: members killed and restarted at random points, aggregators
 * that withhold their results, machines that stall, a member cut off for a while. After each run the
 * privacy oracle checks that no member, and no pair of colluding members, can isolate an honest input
 * from the sums it holds, and every result anyone took is the exact sum of the updates of its survivors.
 */
import { describe, expect, it } from 'vitest'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { PrivacyOracle } from '../../../src/simulation/privacy-oracle.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { SessionSimulation } from '../../../src/simulation/session-simulation.js'
import { simulatedSession, updateFor } from '../../support/session-fixtures.js'
import type { SessionAction } from '../../../src/protocol/session/actions.js'
import type { MessageType } from '../../../src/protocol/round/events.js'

const RUNS = 16
const N = 6
const ROUNDS = 4
/** Messages whose sending sets off a fault in their sender: participants' and aggregators' alike. */
const TRIGGERS: MessageType[] = ['key-advertisement', 'roster', 'share-keys', 'share-delivery', 'survivor-set', 'consistency-signature', 'consistency-proof', 'unmask-shares', 'result']

async function randomRun (seed: number): Promise<{ sim: SessionSimulation, oracle: PrivacyOracle, completed: number }> {
  const peers = await simulatedPeers(N, `random-faults/${seed}`)
  const random = deterministicRandom(`random-faults/plan/${seed}`)
  const pick = (n: number): number => random(1)[0] % n
  const box: { oracle?: PrivacyOracle, intercept?: (m: number, a: SessionAction) => SessionAction[] } = {}
  const sim = new SessionSimulation({
    config: simulatedSession(peers),
    peers,
    seed: `random-faults/${seed}`,
    observe: (d) => { box.oracle!.observe(d) },
    intercept: (m, a) => box.intercept?.(m, a) ?? [a]
  })
  box.oracle = new PrivacyOracle(sim)
  await sim.start()
  const calls = new Array<number>(N).fill(0)
  let completed = 0
  for (let round = 1; round <= ROUNDS; round++) {
    const up = sim.members.filter(m => m.core !== undefined).map(m => m.index)
    for (const i of up) if (sim.members[i].pendingUpdate === undefined) sim.submit(i, updateFor(i, ++calls[i]), undefined, `${i}/${calls[i]}`)
    // Two faults a round, each striking the first member to send a chosen message: a kill, an aggregator
    // that withholds its result, a stall, or a member cut off from the rest.
    const faults = [0, 1].map(() => ({ kind: pick(4), trigger: TRIGGERS[pick(TRIGGERS.length)], victim: -1, stall: 5_000 + pick(20) * 1000 }))
    box.intercept = (member, action) => {
      for (const fault of faults) {
        if (fault.kind === 1 && fault.victim === member && ((action.type === 'send' && action.message === 'result') || (action.type === 'publish' && action.result !== undefined))) return []
        if (fault.victim < 0 && action.type === 'send' && action.message === fault.trigger) {
          fault.victim = member
          if (fault.kind === 0) queueMicrotask(() => { sim.kill(member) })
          if (fault.kind === 2) sim.stall(member, fault.stall)
          if (fault.kind === 3) sim.partition([member], [...Array(N).keys()].filter(i => i !== member))
        }
      }
      return [action]
    }
    const settledBefore = sim.members.map(m => m.settled.size)
    await sim.run(() => sim.members.every(m => m.core === undefined || m.pendingUpdate === undefined), 120_000)
    if (sim.members.some((m, i) => m.settled.size > settledBefore[i])) completed++
    // Heal: the cut is mended, the dead come back from what they persisted.
    for (const fault of faults) if (fault.victim >= 0) sim.partition([fault.victim], [...Array(N).keys()].filter(i => i !== fault.victim), true)
    for (const member of sim.members) if (member.core === undefined) await sim.restart(member.index)
  }
  return { sim, oracle: box.oracle, completed }
}

describe('randomised faults and withholding aggregators', () => {
  it(`over ${RUNS} runs of ${ROUNDS} rounds with two faults each, no member or pair of members can isolate an input, and every result is the exact sum of its survivors' updates`, async () => {
    let completed = 0
    for (let seed = 0; seed < RUNS; seed++) {
      const { sim, oracle, completed: c } = await randomRun(seed)
      completed += c
      const pairs: number[][] = []
      for (let a = 0; a < N; a++) for (let b = a + 1; b < N; b++) pairs.push([a, b])
      expect(oracle.leaks(pairs), `run ${seed}\n${oracle.describe()}`).toEqual([])
      expect(sim.internalErrors(), `run ${seed}`).toEqual([])
      for (const member of sim.members) {
        for (const result of member.settled.values()) {
          const labels = oracle.inputsOfResult(result.signedResult)
          const expected = new Array<number>(8).fill(0)
          for (const label of labels) {
            const [i, k] = label.split('/').map(Number)
            updateFor(i, k).forEach((v, j) => { expected[j] += v })
          }
          expect(Array.from(result.sum).map(v => Math.round(v * 8) / 8), `run ${seed} round ${result.round}`).toEqual(expected)
        }
      }
    }
    // Faults are one per round, so most rounds still end with a result.
    expect(completed).toBeGreaterThan(RUNS * ROUNDS / 2)
  }, 300_000)
})
