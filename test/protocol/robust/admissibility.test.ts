/**
 * How many groups the Byzantine peers corrupt, and the settings refused for it. The distribution decides
 * c*, the corrupted groups every round's rule must outvote: too low a c* admits settings the Byzantine
 * peers can beat more often than stated, too high refuses settings that work. It is checked against
 * exact enumeration, closed forms and a seeded Monte Carlo of the cut itself.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { corruptedGroupsDistribution, tailAbove } from '../../../src/protocol/robust/admissibility.js'
import { groupSizes } from '../../../src/protocol/robust/groups.js'
import { InadmissibleRobustnessError, resolveRobust, tolerated, trimCount, type RobustParams } from '../../../src/protocol/robust/params.js'

/** n choose k, exactly for the small numbers here. */
function choose (n: number, k: number): number {
  if (k < 0 || k > n) return 0
  let c = 1
  for (let i = 1; i <= k; i++) c = c * (n - k + i) / i
  return c
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Groups (of consecutive indices, sizes as given) holding at least one index of `byzantine`. */
function corruptedCount (byzantine: ReadonlySet<number>, sizes: readonly number[], order: readonly number[]): number {
  let at = 0
  let count = 0
  for (const m of sizes) {
    if (order.slice(at, at + m).some(i => byzantine.has(i))) count++
    at += m
  }
  return count
}

describe('corruptedGroupsDistribution', () => {
  const settings = fc.record({ n: fc.integer({ min: 3, max: 60 }), s: fc.integer({ min: 1, max: 20 }), b: fc.nat() })
    .filter(({ n, s }) => s <= n)
    .map(({ n, s, b }) => ({ n, b: b % (n + 1), sizes: groupSizes(n, s) }))

  it('is a distribution over 0..G, zero above min(B, G)', () => {
    fc.assert(fc.property(settings, ({ n, b, sizes }) => {
      const p = corruptedGroupsDistribution(n, b, sizes)
      expect(p).toHaveLength(sizes.length + 1)
      expect(Math.abs(p.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12)
      for (const v of p) expect(v).toBeGreaterThanOrEqual(0)
      // B peers corrupt at most B groups
      for (let c = b + 1; c < p.length; c++) expect(p[c]).toBe(0)
    }), { numRuns: 200 })
  })

  it('equals exact enumeration of every Byzantine subset for small sessions', () => {
    // with the cut uniform, which peers are Byzantine is a uniform B-subset of n slots in fixed groups
    for (const [n, s] of [[9, 3], [10, 3], [11, 4], [12, 5]]) {
      const sizes = groupSizes(n, s)
      const slots = Array.from({ length: n }, (_, i) => i)
      for (let b = 0; b <= n; b++) {
        const counts = new Float64Array(sizes.length + 1)
        for (let mask = 0; mask < 2 ** n; mask++) {
          const members = slots.filter(i => (mask >> i) & 1)
          if (members.length === b) counts[corruptedCount(new Set(members), sizes, slots)]++
        }
        const p = corruptedGroupsDistribution(n, b, sizes)
        counts.forEach((k, c) => expect(p[c]).toBeCloseTo(k / choose(n, b), 12))
      }
    }
  })

  it('matches a seeded Monte Carlo of shuffled peers (n = 30, B = 6, groups of 3)', () => {
    const n = 30
    const b = 6
    const sizes = groupSizes(n, 3)
    const trials = 20_000
    const random = mulberry32(0x5eca66)
    const peers = Array.from({ length: n }, (_, i) => i)
    const byzantine = new Set(peers.slice(0, b))
    const hits = new Float64Array(sizes.length + 1)
    for (let t = 0; t < trials; t++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[peers[i], peers[j]] = [peers[j], peers[i]]
      }
      hits[corruptedCount(byzantine, sizes, peers)]++
    }
    const p = corruptedGroupsDistribution(n, b, sizes)
    p.forEach((q, c) => {
      const standardError = Math.sqrt(q * (1 - q) / trials)
      expect(Math.abs(hits[c] / trials - q)).toBeLessThanOrEqual(4 * standardError + 1e-3)
    })
    // the estimate is not vacuous: the mass sits on several counts
    expect(p.filter(q => q > 0.01).length).toBeGreaterThanOrEqual(3)
  })

  it('matches closed forms', () => {
    // two groups [m, n - m]: exactly one is corrupted when the other holds none of the B,
    // and a group of m holds none with probability C(n - B, m)/C(n, m)
    for (const [n, m, b] of [[10, 4, 3], [13, 6, 2], [20, 10, 5], [9, 3, 6]]) {
      const p = corruptedGroupsDistribution(n, b, [m, n - m])
      const firstClean = choose(n - b, m) / choose(n, m)
      const secondClean = choose(n - b, n - m) / choose(n, n - m)
      expect(p[0]).toBe(0)
      expect(p[1]).toBeCloseTo(firstClean + secondClean, 12)
      expect(p[2]).toBeCloseTo(1 - firstClean - secondClean, 12)
    }
    // B = 1: one group, whichever, with probability 1; B = 0: none
    for (const [n, s] of [[30, 3], [100, 5], [17, 4]]) {
      const sizes = groupSizes(n, s)
      const one = corruptedGroupsDistribution(n, 1, sizes)
      expect(Math.abs(one[1] - 1)).toBeLessThan(1e-12)
      expect(one.reduce((sum, v, c) => c === 1 ? sum : sum + v, 0)).toBeLessThan(1e-12)
      expect(corruptedGroupsDistribution(n, 0, sizes)[0]).toBe(1)
    }
    // equal groups of m: all B in distinct groups with probability C(G, B)·m^B / C(n, B)
    for (const [n, s, b] of [[100, 5, 5], [100, 5, 10], [99, 3, 10], [60, 4, 7]]) {
      const sizes = groupSizes(n, s)
      expect(new Set(sizes).size).toBe(1)
      expect(corruptedGroupsDistribution(n, b, sizes)[b]).toBeCloseTo(choose(sizes.length, b) * s ** b / choose(n, b), 12)
    }
  })

  it('counts the Byzantine peers the groups leave out', () => {
    // one group of 4 of 10 peers, 3 Byzantine: clean with probability C(7,4)/C(10,4); the distribution
    // once kept only the outcomes where every Byzantine peer was in a group
    const p = corruptedGroupsDistribution(10, 3, [4])
    expect(p[0]).toBeCloseTo(choose(7, 4) / choose(10, 4), 12)
    expect(p[0] + p[1]).toBeCloseTo(1, 12)
  })

  it('tailAbove sums the probabilities above c', () => {
    const p = Float64Array.from([0.125, 0.25, 0.5, 0.125])
    expect(tailAbove(p, -1)).toBe(1)
    expect(tailAbove(p, 0)).toBe(0.875)
    expect(tailAbove(p, 2)).toBe(0.125)
    expect(tailAbove(p, 3)).toBe(0)
  })
})

describe('resolveRobust', () => {
  const refused = (params: RobustParams, members: number, message: RegExp): void => {
    expect(() => resolveRobust(params, members)).toThrow(InadmissibleRobustnessError)
    expect(() => resolveRobust(params, members)).toThrow(message)
  }

  /** What every admitted setting must satisfy: c* is the least count whose tail is within the bound, and minGroups the least the rule needs. */
  function expectConsistent (params: RobustParams, members: number): ReturnType<typeof resolveRobust> {
    const r = resolveRobust(params, members)
    const distribution = corruptedGroupsDistribution(members, r.byzantinePeers, r.sizes)
    expect(r.byzantinePeers).toBe(Math.floor(params.byzantineRate * members + 1e-9))
    expect(r.corruptedBound).toBeLessThanOrEqual(r.byzantinePeers)
    expect(r.failure).toBeLessThanOrEqual(r.failureProbability)
    expect(r.failure).toBe(tailAbove(distribution, r.corruptedBound))
    if (r.corruptedBound > 0) expect(tailAbove(distribution, r.corruptedBound - 1)).toBeGreaterThan(r.failureProbability)
    expect(r.minGroups).toBeLessThanOrEqual(r.sizes.length)
    expect(tolerated(r.rule, r.minGroups, trimCount(r, r.minGroups))).toBeGreaterThanOrEqual(r.corruptedBound)
    expect(tolerated(r.rule, r.minGroups - 1, trimCount(r, r.minGroups - 1))).toBeLessThan(r.corruptedBound)
    return r
  }

  it('admits the goal settings at n = 100', () => {
    // 5 Byzantine in 20 groups of 5 all land apart with probability ~0.64, so c* = 5 and the rule
    // needs 11 groups (a median of 11 outvotes 5; a trimmed mean trimming 5 needs 2·5 < G)
    for (const rule of ['median', 'trimmed-mean'] as const) {
      const r = expectConsistent({ groupSize: 5, rule, byzantineRate: 0.05 }, 100)
      expect(r.sizes).toHaveLength(20)
      expect([r.corruptedBound, r.minGroups]).toEqual([5, 11])
    }
    // 10 Byzantine in 33 groups of 3 (one of 4): c* = 10 and 21 groups needed
    for (const rule of ['median', 'trimmed-mean'] as const) {
      const r = expectConsistent({ groupSize: 3, rule, byzantineRate: 0.1 }, 100)
      expect(r.sizes).toHaveLength(33)
      expect([r.corruptedBound, r.minGroups]).toEqual([10, 21])
    }
  })

  it('refuses a Byzantine rate of 0.2 at every group size, pointing at input validation', () => {
    // a group of 3 is corrupted with probability 0.49: more than half of the 33 groups often are
    for (let s = 3; s <= 10; s++) {
      for (const rule of ['median', 'trimmed-mean'] as const) {
        refused({ groupSize: s, rule, byzantineRate: 0.2 }, 100, /no group size keeps both privacy and robustness/)
        refused({ groupSize: s, rule, byzantineRate: 0.2 }, 100, /ACORN/)
      }
    }
    // the trimmed mean outvotes at most what the median does, and the message says how many (it said 0)
    refused({ groupSize: 3, rule: 'trimmed-mean', byzantineRate: 0.2 }, 100, /more than the 16 groups the trimmed-mean outvotes/)
  })

  it('states the privacy cost: the chance that an honest member has only Byzantine others in its group', () => {
    // C(B, s-1)/C(n-1, s-1): 5 of 99 others Byzantine, groups of 5; 10 of 99, groups of 3
    expect(resolveRobust({ groupSize: 5, rule: 'median', byzantineRate: 0.05 }, 100).isolation).toBeCloseTo(5 / 3764376, 12)
    expect(resolveRobust({ groupSize: 3, rule: 'median', byzantineRate: 0.1 }, 100).isolation).toBeCloseTo(45 / 4851, 12)
    expect(resolveRobust({ groupSize: 3, rule: 'median', byzantineRate: 0.1 }, 12).isolation).toBe(0)
  })

  it('refuses groups of 2, which reveal each input to the other peer', () => {
    refused({ groupSize: 2, rule: 'median', byzantineRate: 0 }, 100, /reveals each to the other peer/)
    refused({ groupSize: 3.5, rule: 'median', byzantineRate: 0 }, 100, /group size must be an integer/)
  })

  it('refuses groups of 5 at f = 0.1 and suggests groups of 3, which work', () => {
    // all 10 Byzantine in distinct groups of 5 (probability ~0.1) beats a median of 20
    refused({ groupSize: 5, rule: 'median', byzantineRate: 0.1 }, 100, /groups of 3 would work/)
    expect(() => resolveRobust({ groupSize: 3, rule: 'median', byzantineRate: 0.1 }, 100)).not.toThrow()
  })

  it('refuses centred clipping where its 10% breakdown is exceeded, admits it in a large session', () => {
    // 20 groups, c* = 5 > ⌊0.1·20⌋
    // the rule fails here, not the rate: the median works at this setting, and the message says so
    refused({ groupSize: 5, rule: 'centred-clipping', byzantineRate: 0.05 }, 100, /centred-clipping cannot work here.*the median would/)
    // 200 groups, c* = 10 = ⌊0.1·100⌋
    const r = expectConsistent({ groupSize: 5, rule: 'centred-clipping', byzantineRate: 0.01 }, 1000)
    expect([r.corruptedBound, r.minGroups]).toEqual([10, 100])
  })

  it('refuses sessions of fewer than 3 groups', () => {
    refused({ groupSize: 5, rule: 'median', byzantineRate: 0 }, 14, /fewer than 3 groups/)
    expect(resolveRobust({ groupSize: 5, rule: 'median', byzantineRate: 0 }, 15).sizes).toEqual([5, 5, 5])
  })

  it('refuses bad settings, naming the field', () => {
    const base: RobustParams = { groupSize: 3, rule: 'median', byzantineRate: 0.05 }
    refused({ ...base, rule: 'mean' as never }, 100, /robust rule must be one of/)
    refused({ ...base, byzantineRate: Number.NaN }, 100, /Byzantine rate/)
    refused({ ...base, byzantineRate: 0.5 }, 100, /Byzantine rate/)
    refused({ ...base, rule: 'trimmed-mean', trim: 0.5 }, 100, /trim must be/)
    refused({ ...base, l2Bound: -1 }, 100, /l2Bound/)
    refused({ ...base, l2Bound: Number.POSITIVE_INFINITY }, 100, /l2Bound/)
    refused({ ...base, failureProbability: 0 }, 100, /failure probability/)
    refused({ ...base, failureProbability: 1 }, 100, /failure probability/)
    refused(base, 100.5, /members/)
  })

  it('never lowers c* when the failure probability is lowered', () => {
    // 30 Byzantine in 100 groups: C spreads over 27..30, so c* moves with the bound
    const bounds: number[] = []
    for (const failureProbability of [0.5, 0.1, 1e-2, 1e-4, 1e-6, 1e-9]) {
      bounds.push(expectConsistent({ groupSize: 3, rule: 'median', byzantineRate: 0.1, failureProbability }, 300).corruptedBound)
    }
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]).toBeGreaterThanOrEqual(bounds[i - 1])
    expect(bounds[0]).toBeLessThan(bounds[bounds.length - 1])
  })

  it('counts trimmed groups as at least the stated fraction', () => {
    // 0.3 of 20 groups is 6 a side, more than c* = 5; of 11 groups it is 3, and c* = 5 governs
    const r = expectConsistent({ groupSize: 5, rule: 'trimmed-mean', byzantineRate: 0.05, trim: 0.3 }, 100)
    expect(trimCount(r, 20)).toBe(6)
    expect(trimCount(r, 11)).toBe(5)
    expect(r.minGroups).toBe(11)
  })
})
