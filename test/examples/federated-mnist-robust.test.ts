/**
 * The federated example's attack mode, small: the command line refuses what the library would, the
 * attacks are the papers', plain secure averaging takes a liar's words as they come, both robust
 * transports cut and combine the same groups, and a short run of 30 peers, 3 of them Byzantine, trains
 * through robust secure aggregation about as well as with no attack, while plain secure averaging falls
 * apart.
 */
import { describe, expect, it } from 'vitest'
import { openSession } from 'libp2p-secagg'
import { ATTACK, IPM_EPSILON, alieZ, flipLabels, inverseNormal, pickByzantine } from '../../examples/federated-mnist/attacks.js'
import { renderRobustChart } from '../../examples/federated-mnist/chart.js'
import { PARAMETERS } from '../../examples/federated-mnist/model.js'
import { parseOptions } from '../../examples/federated-mnist/options.js'
import { DEFAULT_BYZANTINE, ROBUST_GOAL, trainUnderAttack, type ByzantineOptions } from '../../examples/federated-mnist/robust.js'
import { plaintextRobust, robustAggregator } from '../../examples/federated-mnist/robust-aggregation.js'
import { CLIP, L2_BOUND, robustParamsOf, robustSession } from '../../examples/federated-mnist/robust-session.js'
import { secureMean } from '../../examples/federated-mnist/secure-mean.js'
import { deterministicRandom } from '../../src/protocol/crypto/random.js'

const robustRun = (args: string[]): ByzantineOptions => {
  const run = parseOptions(args)
  if (run.mode !== 'robust') throw new Error(`not the attack mode: ${run.mode}`)
  return run.byzantine
}

/** `n` updates of `PARAMETERS` coordinates, each a seeded pattern of L2 norm `length`. */
function updates (n: number, length: number, seed: string): Float32Array[] {
  const random = deterministicRandom(seed)
  return Array.from({ length: n }, () => {
    const bytes = random(PARAMETERS)
    const u = Float32Array.from(bytes, b => b / 255 - 0.5)
    const norm = Math.hypot(...u)
    return u.map(v => v * length / norm)
  })
}

describe('the federated MNIST example under Byzantine attack', () => {
  it('reads --byzantine as the attack mode, with 100 peers in process and the median of groups of 5 by default', () => {
    expect(robustRun(['--byzantine', '0.05', '--attack', 'ipm'])).toMatchObject({ peers: 100, rounds: 30, groupSize: 5, rule: 'median', transport: 'in-process', byzantineRate: 0.05, attack: 'ipm' })
    expect(robustRun(['--byzantine', '0.1', '--attack', 'alie', '--group-size', '3', '--transport', 'round-core', '--rule', 'trimmed-mean']))
      .toMatchObject({ groupSize: 3, transport: 'round-core', rule: 'trimmed-mean' })
  })

  it.each([
    // the library's own refusals, before any training
    [['--byzantine', '0.2', '--attack', 'sign-flip'], /robust aggregation cannot work at a Byzantine rate of 0.2: with 20 Byzantine of 100 members/],
    [['--byzantine', '0.05', '--attack', 'sign-flip', '--group-size', '2'], /group size must be an integer of at least 3 \(a sum of two inputs reveals each to the other peer\), got 2/],
    [['--byzantine', '0.1', '--attack', 'sign-flip'], /robust groups of 5 are inadmissible: .* groups of 3 would work/],
    [['--byzantine', '0.05', '--attack', 'ipm', '--epsilon', '3'], /robust groups do not combine with DP yet/],
    [['--byzantine', '0.05', '--attack', 'flood'], /--attack must be one of sign-flip, scaling, alie, ipm, label-flip, got 'flood'/],
    [['--byzantine', '0.05'], /--byzantine needs --attack/],
    [['--byzantine', '0.5', '--attack', 'ipm'], /--byzantine must be a fraction in \[0, 0.5\)/],
    [['--byzantine', '0.05', '--attack', 'ipm', '--transport', 'libp2p'], /--transport must be one of in-process, round-core/],
    [['--byzantine', '0.05', '--attack', 'ipm', '--clip', '1'], /--clip applies without --epsilon or --byzantine/],
    [['--attack', 'ipm'], /--attack applies with --byzantine/],
    [['--epsilon', '3', '--group-size', '3'], /--group-size applies with --byzantine/]
  ])('refuses %j', (args, message) => {
    expect(() => parseOptions(args)).toThrow(message)
  })

  it('crafts the attacks as their papers do', () => {
    // Acklam's approximation, against tabled quantiles, centre and tails
    expect(inverseNormal(0.5)).toBe(0)
    expect(inverseNormal(0.975)).toBeCloseTo(1.959964, 6)
    expect(inverseNormal(0.01)).toBeCloseTo(-2.326348, 6)
    // ALIE at 100 peers: s = 51 − 5 = 46 and 51 − 10 = 41 honest peers needed, z = Φ⁻¹(0.54), Φ⁻¹(0.59)
    expect(alieZ(100, 5)).toBeCloseTo(0.100434, 5)
    expect(alieZ(100, 10)).toBeCloseTo(0.227545, 5)
    const honest = [Float32Array.of(1, -2), Float32Array.of(3, -2), Float32Array.of(5, -2)]
    const own = [Float32Array.of(0.5, -1)]
    expect(Array.from(ATTACK['sign-flip'].craft(own, honest, 4)[0])).toEqual([-5, 10])
    expect(Array.from(ATTACK.scaling.craft(own, honest, 4)[0])).toEqual([50, -100])
    expect(Array.from(ATTACK.ipm.craft(own, honest, 4)[0])).toEqual([-IPM_EPSILON * 3, IPM_EPSILON * 2])
    // mean − z·std per coordinate, the population std of the honest values: (3 − z·√(8/3), −2)
    const [alie] = ATTACK.alie.craft(own, honest, 4)
    expect(alie[0]).toBeCloseTo(3 - alieZ(4, 1) * Math.sqrt(8 / 3), 5)
    expect(alie[1]).toBeCloseTo(-2, 6)
    expect(ATTACK['label-flip'].craft(own, honest, 4)[0]).toBe(own[0])
    const data = { x: new Float32Array(3 * 784), y: Uint8Array.of(0, 4, 9), size: 3 }
    expect(Array.from(flipLabels(data).y)).toEqual([9, 5, 0])
    expect(ATTACK['label-flip'].trainsOn(data).y).not.toBe(data.y)
    expect(ATTACK.ipm.trainsOn(data)).toBe(data)
  })

  it('picks the Byzantine peers at random, not the first indices, the same way every run', () => {
    const picked = pickByzantine(100, 10, 'pick')
    expect(new Set(picked).size).toBe(10)
    expect(picked).toEqual([...picked].sort((a, b) => a - b))
    expect(picked).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(picked.every(i => i >= 0 && i < 100)).toBe(true)
    expect(pickByzantine(100, 10, 'pick')).toEqual(picked)
    expect(pickByzantine(100, 10, 'other')).not.toEqual(picked)
  })

  it('averages securely as a round would: honest coordinates clipped to the range, a liar\'s not', () => {
    const { params } = openSession(robustSession({ ...DEFAULT_BYZANTINE, peers: 4, dropsPerRound: 0, byzantineRate: 0 }, 10))
    const honest = updates(3, 0.5, 'secure-mean')
    const liar = new Float32Array(PARAMETERS).fill(3 * CLIP)
    const weights = [10, 5, 5, 10]
    const mean = secureMean({ updates: [...honest, liar], weights, encoding: params.encoding, random: deterministicRandom('rounding'), byzantine: new Set([3]) })
    const exact = (j: number): number => (10 * honest[0][j] + 5 * honest[1][j] + 5 * honest[2][j] + 10 * liar[j]) / 30
    // one rounding step per input at most: weight/maxWeight · clip/2^15, over the weight sum
    const tolerance = 4 * CLIP / 2 ** 15
    for (let j = 0; j < PARAMETERS; j += 97) expect(Math.abs(mean[j] - exact(j))).toBeLessThan(tolerance)
    // the same liar, had it run the honest encoder, would have been clipped to the range
    const clipped = secureMean({ updates: [...honest, liar], weights, encoding: params.encoding, random: deterministicRandom('rounding') })
    expect(clipped[0]).toBeCloseTo(exact(0) - 10 * 2 * CLIP / 30, 4)
    // a dropped peer is in no sum
    const without = secureMean({ updates: [...honest, liar], weights, encoding: params.encoding, random: deterministicRandom('rounding'), dropped: new Set([3]), byzantine: new Set([3]) })
    expect(Math.abs(without[0] - (10 * honest[0][0] + 5 * honest[1][0] + 5 * honest[2][0]) / 20)).toBeLessThan(tolerance)
  })

  it('aggregates robustly the same in process and through the round core, dropping the liar\'s group', async () => {
    const plan = { ...DEFAULT_BYZANTINE, peers: 15, groupSize: 3, byzantineRate: 0.1, dropsPerRound: 1, seed: 'transports' }
    const robust = robustParamsOf(plan)
    const { params } = openSession(robustSession(plan, 10))
    const byzantine = new Set([6])
    const sent = updates(plan.peers, 0.8, 'transports')
    sent[6] = sent[6].map(v => 100 * v)
    const weights = sent.map((_, i) => i % 2 === 0 ? 10 : 7)
    // under this seed's first beacon peer 1 is in another group than the liar
    const drops = [{ peer: 1, phase: 'masked-input' as const }]
    const setup = { params, robust, byzantine, seed: plan.seed }
    const inProcess = await (await robustAggregator('in-process', setup)).aggregate(sent, weights, 1, drops)
    const roundCore = await (await robustAggregator('round-core', setup)).aggregate(sent, weights, 1, drops)
    for (const aggregate of [inProcess, roundCore]) {
      // five groups of 3: peer 1's is not summed, the liar's is over its bounds, the median takes three
      expect(aggregate).toMatchObject({ groups: 5, summed: 4, corrupted: 1, overBounds: 1, used: 3, corruptedUsed: 0 })
    }
    // the same groups, summed with different rounding: the medians agree to a few rounding steps
    let largest = 0
    for (let j = 0; j < PARAMETERS; j++) largest = Math.max(largest, Math.abs(inProcess.mean![j] - roundCore.mean![j]))
    expect(largest).toBeLessThan(10 * CLIP / 2 ** 15)
  })

  it('applies the rule in the clear to the individual updates, each clipped to the bound', () => {
    const plan = { ...DEFAULT_BYZANTINE, peers: 30, groupSize: 3, byzantineRate: 0.1 }
    const sent = updates(5, 0.5, 'reference')
    sent.push(new Float32Array(PARAMETERS).fill(10))
    const median = plaintextRobust(sent, robustParamsOf(plan))
    for (let j = 0; j < PARAMETERS; j += 101) {
      // six values: the liar's clipped value is above the five honest ones, so the median averages the 3rd and 4th of them
      const column = sent.slice(0, 5).map(u => u[j]).sort((a, b) => a - b)
      expect(median[j]).toBeCloseTo((column[2] + column[3]) / 2, 6)
    }
    // 3 Byzantine peers of 30: the trimmed mean drops three from each end, the liar's among the top
    const eight = [...updates(7, 0.5, 'reference'), sent[5]]
    const trimmed = plaintextRobust(eight, robustParamsOf({ ...plan, rule: 'trimmed-mean' }))
    for (let j = 0; j < PARAMETERS; j += 101) {
      const column = eight.slice(0, 7).map(u => u[j]).sort((a, b) => a - b)
      expect(trimmed[j]).toBeCloseTo((column[3] + column[4]) / 2, 6)
    }
  })

  for (const attack of ['sign-flip', 'scaling'] as const) {
    it(`${attack}: 30 peers, 3 Byzantine, trains through robust secure aggregation about as well as with no attack; plain averaging falls apart`, async () => {
      // Two local epochs, 8 rounds: over seeds robust ÷ clean was 0.98 to 0.99 by round 8 (the median of
      // 5 to 7 group means is noisier in the first rounds)
      const options: ByzantineOptions = {
        ...DEFAULT_BYZANTINE,
        peers: 30,
        groupSize: 3,
        byzantineRate: 0.1,
        attack,
        rounds: 8,
        seed: 'byzantine-ci',
        training: { ...DEFAULT_BYZANTINE.training, epochs: 2 }
      }
      const run = await trainUnderAttack(options)
      expect(run.byzantine).toHaveLength(3)
      const last = run.rounds[7]
      expect(last.robust).toBeGreaterThanOrEqual(ROBUST_GOAL * last.clean)
      expect(last.plain).toBeLessThan(last.clean - 0.2)
      expect(last.robust).toBeGreaterThan(run.rounds[0].robust)
      for (const r of run.rounds) {
        // every liar's group is over its bounds: the rule never sees one
        expect(r.overBounds).toBe(r.corrupted)
        expect(r.corruptedUsed).toBe(0)
        expect(r.used).toBe(r.summed - r.overBounds)
        expect(r.survivors).toBe(r.round % 2 === 0 ? 28 : 30)
      }
      const page = renderRobustChart(options, run)
      expect(page.match(/<polyline/g)).toHaveLength(4)
      expect(page.match(/<tr>/g)).toHaveLength(9)
      expect(page).toContain(`honest updates clipped to an L2 norm of ${L2_BOUND}`)
    })
  }
})
