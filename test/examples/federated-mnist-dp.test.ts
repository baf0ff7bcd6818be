/**
 * The federated example's DP mode, small: the noise each way of aggregating adds is the one calibrated,
 * and a short in-process run trains with distributed DP about as well as with central DP at the same
 * (epsilon, delta), and learns.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_PRIVATE, DP_PARITY, LIBP2P_PEERS, meanRounds, trainPrivately, type PrivateOptions, type PrivateRound } from '../../examples/federated-mnist/private.js'
import { privateAggregator } from '../../examples/federated-mnist/private-aggregation.js'
import { noisePlan } from '../../examples/federated-mnist/private-session.js'
import { renderPrivateChart } from '../../examples/federated-mnist/chart.js'
import { parseOptions } from '../../examples/federated-mnist/options.js'
import { PARAMETERS } from '../../examples/federated-mnist/model.js'

/** The sample std of `values` about `centre`. */
function stdAbout (values: ArrayLike<number>, centre: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += (values[i] - centre[i]) ** 2
  return Math.sqrt(sum / values.length)
}

/** n updates pointing the same way, each of L2 norm `norm`. */
function alignedUpdates (n: number, norm: number): Float32Array[] {
  const direction = Float32Array.from({ length: PARAMETERS }, (_, i) => Math.sin(i))
  const length = Math.sqrt(direction.reduce((s, v) => s + v * v, 0))
  return Array.from({ length: n }, () => direction.map(v => v * norm / length))
}

describe('the federated MNIST example with differential privacy', () => {
  it('reads --epsilon as DP mode: 100 peers in process and 30 rounds by default, a dozen over libp2p', () => {
    const run = parseOptions(['--epsilon', '3'])
    if (run.mode !== 'private') throw new Error('not DP mode')
    expect(run.private).toMatchObject({ peers: 100, rounds: 30, transport: 'in-process', privacy: { epsilon: 3, delta: 1e-5 } })
    const overLibp2p = parseOptions(['--epsilon', '3', '--transport', 'libp2p'])
    expect(overLibp2p.mode === 'private' && overLibp2p.private.peers).toBe(LIBP2P_PEERS)
    expect(parseOptions([]).mode).toBe('plain')
    expect(() => parseOptions(['--epsilon', '3', '--clip', '0.5'])).toThrow(/--clip applies without --epsilon/)
    expect(() => parseOptions(['--l2-clip', '0.5'])).toThrow(/--l2-clip applies with --epsilon/)
    expect(() => parseOptions(['--epsilon', '3', '--transport', 'pigeons'])).toThrow(/--transport/)
    // flags the library would refuse fail before any training
    expect(() => parseOptions(['--epsilon', '3', '--bits', '8'])).toThrow(/modulus/)
    const repeated = parseOptions(['--epsilon', '3', '--runs', '4'])
    expect(repeated.mode === 'private' && repeated.runs).toBe(4)
  })

  it('averages runs round by round', () => {
    const round = (distributed: number, central: number): PrivateRound =>
      ({ round: 1, distributed, central, nonPrivate: 0.9, survivors: 10, dropped: [], failed: [], clipped: 10, medianNorm: 1, aggregationMs: 5 })
    const [mean] = meanRounds([[round(0.7, 0.8)], [round(0.8, 0.7)], [round(0.9, 0.75)]])
    expect(mean.distributed).toBeCloseTo(0.8, 12)
    expect(mean.central).toBeCloseTo(0.75, 12)
    expect(mean.nonPrivate).toBeCloseTo(0.9, 12)
  })

  it('calibrates 100 peers\' noise for nearly all of them: a sum of the honest ones carries central DP\'s noise', () => {
    const noise = noisePlan(DEFAULT_PRIVATE)
    expect(noise.honestPeers).toBeGreaterThanOrEqual(95)
    // the rounded updates' norm bound costs a little more noise than central DP's exact sensitivity
    expect(noise.targetStd / noise.centralStd).toBeGreaterThan(1)
    expect(noise.targetStd / noise.centralStd).toBeLessThan(1.01)
    expect(noise.sumStd).toBeCloseTo(noise.peerStd * 10, 10)
  })

  for (const transport of ['in-process', 'round-core'] as const) {
    it(`${transport}: the mean is the survivors' clipped mean plus the calibrated noise`, async () => {
      const plan = { ...DEFAULT_PRIVATE, peers: 12, rounds: 2, dropsPerRound: 1, seed: `noise-${transport}`, privacy: { ...DEFAULT_PRIVATE.privacy, epsilon: 2 } }
      const noise = noisePlan(plan)
      const aggregator = await privateAggregator(transport, plan)
      try {
        // norm 0.6, twice the clip: every update is scaled to the clip
        const updates = alignedUpdates(plan.peers, 2 * plan.privacy.l2Clip)
        for (const round of [1, 2]) {
          const { mean, survivors, dropped } = await aggregator.aggregate(updates, round)
          expect(survivors).toHaveLength(round === 2 ? 11 : 12)
          expect(survivors.some(i => dropped.includes(i))).toBe(false)
          const clippedMean = updates[0].map(v => v / 2)
          // the noise of the survivors' sum, over their number; 7,850 coordinates estimate it within a few per cent
          const expected = Math.sqrt(survivors.length) * noise.peerStd / survivors.length
          expect(stdAbout(mean, clippedMean) / expected).toBeGreaterThan(0.95)
          expect(stdAbout(mean, clippedMean) / expected).toBeLessThan(1.05)
        }
      } finally {
        await aggregator.close()
      }
    })
  }

  it('trains 100 peers in process with distributed DP about as well as with central DP, and learns', async () => {
    // Five rounds at epsilon 16: a few seconds of training. Early rounds swing with the noise drawn,
    // whichever way it is added (over seeds the final difference spread with a std of about 1.3
    // points), hence a looser bound than the 30-round goal's.
    const options: PrivateOptions = {
      ...DEFAULT_PRIVATE,
      rounds: 5,
      seed: 'dp-ci',
      training: { ...DEFAULT_PRIVATE.training, epochs: 1 },
      privacy: { ...DEFAULT_PRIVATE.privacy, epsilon: 16 }
    }
    const { rounds } = await trainPrivately(options)
    expect(rounds.map(r => r.survivors)).toEqual([100, 98, 100, 98, 100])
    const [first, last] = [rounds[0], rounds[4]]
    expect(Math.abs(last.distributed - last.central)).toBeLessThanOrEqual(3 * DP_PARITY)
    expect(last.distributed).toBeGreaterThan(first.distributed)
    expect(last.distributed).toBeGreaterThan(0.65)
    // the noise costs accuracy
    expect(last.nonPrivate).toBeGreaterThan(last.central)
    const page = renderPrivateChart(options, noisePlan(options), rounds)
    expect(page.match(/<polyline/g)).toHaveLength(3)
    expect(page).toContain('epsilon 16, delta 0.00001, 100 peers, 5 rounds')
    expect(page.match(/<tr>/g)).toHaveLength(6)
  }, 60_000)
})
