/**
 * The federated example's DP mode over real libp2p nodes, short: six peers in a session whose encoding
 * adds distributed DP noise. Each sum carries the noise calibrated for the session's few honest peers,
 * every peer's budget is charged once a round, and training through it learns.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_PRIVATE, trainPrivately, type PrivateOptions } from '../../examples/federated-mnist/private.js'
import { privateAggregator } from '../../examples/federated-mnist/private-aggregation.js'
import { noisePlan } from '../../examples/federated-mnist/private-session.js'
import { PARAMETERS } from '../../examples/federated-mnist/model.js'

const OPTIONS: PrivateOptions = {
  ...DEFAULT_PRIVATE,
  transport: 'libp2p',
  peers: 6,
  rounds: 3,
  dropsPerRound: 1,
  seed: 'dp-e2e',
  training: { ...DEFAULT_PRIVATE.training, epochs: 2 },
  privacy: { ...DEFAULT_PRIVATE.privacy, epsilon: 20 }
}

describe('the federated MNIST example with distributed DP over libp2p', () => {
  it('sums the survivors\' clipped updates with the noise calibrated for the honest peers', async () => {
    const noise = noisePlan(OPTIONS)
    // six peers, one dropping out, one corrupt peer planned for: each peer's share is large
    expect(noise.honestPeers).toBe(4)
    const aggregator = await privateAggregator('libp2p', OPTIONS)
    try {
      const direction = Float32Array.from({ length: PARAMETERS }, (_, i) => Math.cos(i))
      const length = Math.sqrt(direction.reduce((s, v) => s + v * v, 0))
      const clipped = direction.map(v => v * OPTIONS.privacy.l2Clip / length)
      for (const round of [1, 2]) {
        // norm 2 and 3 times the clip (a new update each round), so every update is scaled to the clip
        const update = clipped.map(v => v * (round + 1))
        const { mean, survivors, dropped, failed } = await aggregator.aggregate(Array(OPTIONS.peers).fill(update), round)
        expect(failed).toEqual([])
        expect(survivors).toHaveLength(round === 2 ? 5 : 6)
        expect(survivors.some(i => dropped.includes(i))).toBe(false)
        let squares = 0
        for (let i = 0; i < PARAMETERS; i++) squares += (mean[i] - clipped[i]) ** 2
        const expected = Math.sqrt(survivors.length) * noise.peerStd / survivors.length
        expect(Math.sqrt(squares / PARAMETERS) / expected).toBeGreaterThan(0.95)
        expect(Math.sqrt(squares / PARAMETERS) / expected).toBeLessThan(1.05)
      }
      // charged once a round, with the survivors of each round's result
      const spent = aggregator.privacy()
      expect(spent?.rounds.map(r => [r.round, r.survivors])).toEqual([[1, 6], [2, 5]])
    } finally {
      await aggregator.close()
    }
  }, 120_000)

  it('trains through it within the budget, and learns', async () => {
    const run = await trainPrivately(OPTIONS)
    expect(run.rounds.map(r => r.survivors)).toEqual([6, 5, 6])
    expect(run.rounds.flatMap(r => r.failed)).toEqual([])
    // each round charged once, at the calibration's worst case: the three spend exactly the budget
    expect(run.spent?.epsilonSpent).toBeCloseTo(20, 2)
    expect(run.spent?.roundsLeft).toBe(0)
    // more survivors than the honest peers planned for: less spent in fact
    expect(run.spent!.realisedEpsilon).toBeLessThan(run.spent!.epsilonSpent)
    const last = run.rounds[2]
    expect(last.distributed).toBeGreaterThan(0.3)
    expect(last.nonPrivate).toBeGreaterThan(last.distributed)
  }, 120_000)
})
