/**
 * Randomised DP rounds with dropouts in every phase, for the fast tier (a few dozen) and the slow tier (500):
 * every round that completes must carry the noise of enough honest peers that the epsilon recomputed from
 * its actual survivors stays within the target.
 */
import { expect } from 'vitest'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../src/protocol/crypto/random.js'
import { epsilonOf } from '../../src/protocol/dp/accountant.js'
import { roundMechanism } from '../../src/protocol/dp/calibration.js'
import { graphParametersFor } from '../../src/protocol/round/params.js'
import { PHASES } from '../../src/protocol/round/phases.js'
import { simulatedPeers } from '../../src/simulation/peers.js'
import { simulateRound, type DropPoint } from '../../src/simulation/simulation.js'
import { testParams } from './round-fixtures.js'

const MAX = 16
const CORRUPT_RATE = 0.1

/** Runs `rounds` randomised rounds; returns how each ended. */
export async function randomDropoutRounds (rounds: number, seed: string): Promise<Map<string, number>> {
  const params = testParams({
    dimension: 12,
    minParticipants: 10,
    encoding: { maxParticipants: MAX, privacy: { mechanism: 'discrete-gaussian', l2Clip: 1, modulusBits: 20, epsilon: 4, delta: 1e-6, rounds: 10 } },
    graph: { dropoutRate: 0.2, corruptRate: CORRUPT_RATE }
  })
  const dp = params.encoding.privacy!
  const corrupt = Math.floor(CORRUPT_RATE * MAX)
  expect(dp.honestPeers).toBe(graphParametersFor(params, 10).minSurvivors - corrupt)
  const peers = await simulatedPeers(MAX, 'dp-dropouts')
  const random = deterministicRandom(seed)
  const outcomes = new Map<string, number>()
  const points: readonly DropPoint[] = [...PHASES.slice(1), 'masked-input-partial']
  for (let r = 0; r < rounds; r++) {
    const [sizeByte, countByte, ...rest] = random(2 + 2 * MAX)
    const n = 10 + sizeByte % (MAX - 10 + 1)
    const tolerated = Math.floor(0.2 * n + 1e-9)
    // up to the tolerated dropouts, and now and then one more, which the round must refuse to finish with
    const dropping = countByte % (tolerated + 2)
    const drops = new Map<number, DropPoint>()
    for (let k = 0; k < dropping; k++) drops.set(1 + rest[2 * k] % (n - 1), points[rest[2 * k + 1] % points.length])
    const updates = Array.from({ length: n }, (_, i) => Float32Array.from({ length: 12 }, (_, j) => ((i + j + r) % 7 - 3) / 10))
    const report = await simulateRound({ params, peers: peers.slice(0, n), updates, aggregator: 0, crypto: nodeCryptoSuite, drops, seed: `${seed}/${r}`, round: 1 + r })
    const outcome = report.aggregator.outcome
    const key = outcome === undefined ? report.aggregator.abort?.reason ?? 'none' : 'completed'
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
    if (outcome === undefined) continue
    // the peers whose noise is in the sum, less every corrupt one the session plans for
    const honest = outcome.survivors.length - corrupt
    expect(honest).toBeGreaterThanOrEqual(dp.honestPeers)
    expect(epsilonOf([{ mechanism: roundMechanism(dp, honest), count: dp.rounds }], dp.accountedDelta).epsilon).toBeLessThanOrEqual(dp.epsilon)
    expect(epsilonOf([{ mechanism: roundMechanism(dp, honest), count: 1 }], dp.accountedDelta).epsilon).toBeLessThanOrEqual(dp.roundEpsilon)
  }
  // the others abort for too many dropouts, never finish with a sum short of noise
  const ends = ['completed', 'too-many-dropouts', 'too-few-participants', 'too-few-neighbours']
  expect([...outcomes.keys()].filter(k => !ends.includes(k)), JSON.stringify([...outcomes])).toEqual([])
  expect(outcomes.get('completed') ?? 0).toBeGreaterThan(rounds / 2)
  return outcomes
}
