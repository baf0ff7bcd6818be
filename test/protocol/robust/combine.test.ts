/**
 * A robust round's result from its group sums: the groups over their bounds dropped, the rest's means
 * combined by the rule, and the round refused when too few groups are left for the rule to outvote
 * the corrupted ones it may hold. The refusal is what stops an aggregator from tipping the vote by
 * leaving honest groups out, so its threshold is checked exactly, on both sides.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { robustMean, TooFewGroupsError } from '../../../src/protocol/robust/combine.js'
import { resolveRobust, trimCount, type RobustParams } from '../../../src/protocol/robust/params.js'
import { centredClipping, coordinateMedian, trimmedMean } from '../../../src/protocol/robust/rules.js'
import { resolveEncoding } from '../../../src/protocol/encoding/params.js'
import type { GroupSum } from '../../../src/protocol/robust/bounds.js'

const encoding = resolveEncoding({ clip: 1, bits: 16, maxParticipants: 5, maxWeight: 1 })

/** A group of 5 whose weighted mean is `mean`. */
const group = (mean: number[], weightSum = 5): GroupSum => ({ sum: Float64Array.from(mean, v => v * weightSum), weightSum, inputs: 5 })
/** A group whose sum holds a coordinate no 5 clipped inputs reach. */
const overBound = (d: number): GroupSum => group([100, ...Array(d - 1).fill(0)])
/** Groups within every bound here: means within ±0.25 a coordinate, a norm under 0.5 in 3 dimensions. */
const honest = (count: number, d = 3): GroupSum[] => Array.from({ length: count }, (_, g) => group(Array.from({ length: d }, (_, j) => Math.sin(g * d + j) / 4)))

const median: RobustParams = { groupSize: 5, rule: 'median', byzantineRate: 0.05 }
// n = 100: 20 groups of 5, 5 Byzantine, c* = 5, so a median needs 11 groups (admissibility.test.ts)
const robust = resolveRobust(median, 100)

describe('robustMean', () => {
  it('is the rule applied to the means of the groups it keeps', () => {
    const settings = [
      resolveRobust(median, 100),
      resolveRobust({ ...median, rule: 'trimmed-mean' }, 100),
      resolveRobust({ ...median, rule: 'trimmed-mean', trim: 0.3 }, 100),
      resolveRobust({ ...median, rule: 'centred-clipping', byzantineRate: 0 }, 100)
    ]
    const cases = fc.record({
      r: fc.constantFrom(...settings),
      d: fc.integer({ min: 1, max: 8 }),
      count: fc.integer({ min: 11, max: 20 }),
      missing: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 })
    }).chain(({ r, d, count, missing }) => fc.record({
      r: fc.constant(r),
      groups: fc.array(fc.record({ mean: fc.array(fc.double({ noNaN: true, min: -1, max: 1 }), { minLength: d, maxLength: d }), weightSum: fc.double({ noNaN: true, min: 0.5, max: 5 }) }), { minLength: count, maxLength: count })
        // groups that were not summed (undefined) sit among the rest and are skipped, keeping indices
        .map(gs => gs.flatMap((g, i) => missing[i] ? [undefined, group(g.mean, g.weightSum)] : [group(g.mean, g.weightSum)]))
    }))
    fc.assert(fc.property(cases, ({ r, groups }) => {
      const outcome = robustMean(groups, r, encoding)
      const used = groups.flatMap((g, i) => g === undefined ? [] : [i])
      expect(outcome.used).toEqual(used)
      expect(outcome.dropped).toEqual([])
      const means = used.map(i => groups[i]!.sum.map(v => v / groups[i]!.weightSum))
      const expected = r.rule === 'median'
        ? coordinateMedian(means)
        : r.rule === 'trimmed-mean' ? trimmedMean(means, trimCount(r, used.length)) : centredClipping(means)
      expect(Array.from(outcome.mean)).toEqual(Array.from(expected))
    }), { numRuns: 100 })
  })

  it('weights each group by its weight: the mean is sum/weightSum, not sum/inputs', () => {
    // means 0.1, 0.2, 0.3 at weights 1, 4.5, 2: the median is 0.2 only if each sum is divided by its
    // own weight (by the 5 inputs it would be 0.12)
    const r = resolveRobust({ ...median, byzantineRate: 0 }, 100)
    const outcome = robustMean([group([0.1], 1), group([0.2], 4.5), group([0.3], 2)], r, encoding)
    expect(outcome.mean[0]).toBeCloseTo(0.2, 12)
  })

  it('drops a group over its bounds, with its index and why, and uses the rest', () => {
    const r = resolveRobust({ ...median, l2Bound: 0.5 }, 100)
    const groups: Array<GroupSum | undefined> = honest(12)
    groups.splice(3, 0, overBound(3)) // a coordinate beyond 5 inputs' clip
    groups.splice(7, 0, group([0.4, 0.4, 0.4])) // each coordinate within the clip, the norm 0.69 beyond the L2 bound
    const outcome = robustMean(groups, r, encoding)
    expect(outcome.dropped.map(d => d.group)).toEqual([3, 7])
    expect(outcome.dropped[0].reason).toMatch(/coordinate 0/)
    expect(outcome.dropped[1].reason).toMatch(/L2/)
    expect(outcome.used).toEqual(groups.flatMap((_, i) => i === 3 || i === 7 ? [] : [i]))
    expect(Array.from(outcome.mean)).toEqual(Array.from(coordinateMedian(honest(12).map(g => g.sum.map(v => v / 5)))))
    // the two would have moved it: the median of all 14 is another value
    expect(Array.from(outcome.mean)).not.toEqual(Array.from(coordinateMedian(groups.map(g => g!.sum.map(v => v / 5)))))
  })

  it('refuses fewer groups than the rule needs to outvote c* corrupted ones', () => {
    expect(robust.minGroups).toBe(11)
    // 10 groups: a median of 10 outvotes 4, and 5 may be corrupted
    expect(() => robustMean(honest(10), robust, encoding)).toThrow(TooFewGroupsError)
    // groups not summed count for nothing
    expect(() => robustMean([...honest(10), undefined, undefined], robust, encoding)).toThrow(TooFewGroupsError)
    const outcome = robustMean(honest(11), robust, encoding)
    expect(outcome.outvoted).toBe(5)
    expect(outcome.used).toHaveLength(11)
  })

  it('counts a group dropped over its bounds as one of the corrupted', () => {
    // Only a peer that did not clip can put a group over its bounds, so a dropped group is a corrupted
    // one: with at most c* = 5 corrupted in all (except with the failure probability), the kept ones
    // hold at most 5 − dropped. 10 kept + 1 dropped: at most 4 among the 10, which a median of 10
    // outvotes — the round goes on, where 10 groups alone were refused above.
    const ten = robustMean([...honest(10), overBound(3)], robust, encoding)
    expect(ten.dropped).toEqual([{ group: 10, reason: expect.stringMatching(/coordinate/) }])
    expect(ten.used).toHaveLength(10)
    expect(ten.outvoted).toBe(4)
    // 9 kept: a median of 9 outvotes 4, still enough
    expect(robustMean([overBound(3), ...honest(9)], robust, encoding).outvoted).toBe(4)
    // 8 kept: a median of 8 outvotes 3 < 4
    expect(() => robustMean([...honest(8), overBound(3)], robust, encoding)).toThrow(TooFewGroupsError)
    // 8 kept and 2 dropped: at most 3 corrupted left, which a median of 8 outvotes
    expect(robustMean([...honest(8), overBound(3), overBound(3)], robust, encoding).outvoted).toBe(3)
  })

  it('leaves out a weightless group without counting it corrupted', () => {
    // Honest peers may all weigh 0 (or round to it): such a group has no mean and proves nothing, so
    // the kept groups may still hold all c* = 5 corrupted ones. 5 of 10 kept are corrupted here, and a
    // median of 10 outvotes only 4: counting the weightless group as corrupted let them pull it to 0.5.
    const groups = [...Array.from({ length: 5 }, () => group([0])), ...Array.from({ length: 5 }, () => group([1])), { sum: new Float64Array(1), weightSum: 0, inputs: 5 }]
    expect(() => robustMean(groups, robust, encoding)).toThrow(TooFewGroupsError)
    const kept = robustMean([...honest(11, 1), { sum: new Float64Array(1), weightSum: 0, inputs: 5 }], robust, encoding)
    expect(kept.weightless).toEqual([11])
    expect(kept.dropped).toEqual([])
  })

  it('trims as many as may be corrupted among the kept groups', () => {
    const r = resolveRobust({ ...median, rule: 'trimmed-mean' }, 100)
    // 11 kept: trim 5 each end, leaving the middle one (the median); 11 kept + 2 dropped: trim 3
    const eleven = honest(11)
    const means = eleven.map(g => g.sum.map(v => v / 5))
    expect(Array.from(robustMean(eleven, r, encoding).mean)).toEqual(Array.from(trimmedMean(means, 5)))
    expect(Array.from(robustMean([...eleven, overBound(3), overBound(3)], r, encoding).mean)).toEqual(Array.from(trimmedMean(means, 3)))
  })

  it('refuses a round with no groups left, even where the rule needs none', () => {
    // with no Byzantine peers c* = 0 and centred clipping outvotes ⌊0.1·G⌋ ≥ 0 of any G: only the
    // emptiness check stops it from combining nothing
    const r = resolveRobust({ ...median, rule: 'centred-clipping', byzantineRate: 0 }, 100)
    expect(() => robustMean([undefined, undefined, overBound(2)], r, encoding)).toThrow(TooFewGroupsError)
    expect(() => robustMean([], r, encoding)).toThrow(TooFewGroupsError)
  })

  it('refuses a DP encoding', () => {
    const dp = resolveEncoding(
      { clip: 1, bits: 16, maxParticipants: 5, maxWeight: 1, privacy: { mechanism: 'discrete-gaussian', l2Clip: 1, modulusBits: 20, epsilon: 10, delta: 1e-5, rounds: 1 } },
      { dimension: 3, honestPeers: 5 }
    )
    expect(() => robustMean(honest(11), robust, dp)).toThrow(RangeError)
    expect(() => robustMean(honest(11), robust, dp)).toThrow(/DP encoding/)
  })
})
