/**
 * The robust rules against plaintext references written here the obvious way, and the robustness each
 * rule is chosen for: a minority of arbitrary group means cannot drag the result out of the honest
 * ones' range. Every peer computes the rule on its own copy of the group sums, so a rule that is not
 * what it says is a wrong aggregate for the whole session, not just an imprecise one.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { centredClipping, coordinateMedian, l2Norm, trimmedMean } from '../../../src/protocol/robust/rules.js'

// --- references: plain arrays, a comparator sort, one loop per formula ---

function column (points: number[][], j: number): number[] {
  return points.map(p => p[j]).sort((a, b) => a - b)
}

function referenceMedian (points: number[][]): number[] {
  return points[0].map((_, j) => {
    const c = column(points, j)
    const g = c.length
    return g % 2 === 1 ? c[(g - 1) / 2] : (c[g / 2 - 1] + c[g / 2]) / 2
  })
}

function referenceTrimmedMean (points: number[][], trim: number): number[] {
  return points[0].map((_, j) => {
    const kept = column(points, j).slice(trim, points.length - trim)
    return kept.reduce((a, b) => a + b, 0) / kept.length
  })
}

function euclidean (a: number[], b: number[]): number {
  return Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]) ** 2, 0))
}

function medianOf (values: number[]): number {
  return referenceMedian(values.map(v => [v]))[0]
}

/** v += (1/G) Σ (x_i − v) min(1, τ/||x_i − v||), from the coordinate median, τ the median distance unless given. */
function referenceCentredClipping (points: number[][], radius?: number, iterations = 3): number[] {
  let v = referenceMedian(points)
  for (let l = 0; l < iterations; l++) {
    const distances = points.map(x => euclidean(x, v))
    const tau = radius ?? medianOf(distances)
    const next = [...v]
    points.forEach((x, i) => {
      if (distances[i] === 0) return // x_i − v is zero: nothing to add (and τ/0 is not a number)
      const c = Math.min(1, tau / distances[i])
      for (let j = 0; j < v.length; j++) next[j] += (x[j] - v[j]) * c / points.length
    })
    v = next
  }
  return v
}

// --- arbitraries ---

const value = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })

/** G points of dimension d, G in 1..15 and d in 1..20. */
const pointSets = fc.record({ g: fc.integer({ min: 1, max: 15 }), d: fc.integer({ min: 1, max: 20 }) })
  .chain(({ g, d }) => fc.array(fc.array(value, { minLength: d, maxLength: d }), { minLength: g, maxLength: g }))

const toFloat64 = (points: number[][]): Float64Array[] => points.map(p => Float64Array.from(p))

/** |actual − expected| within `relative` of the points' scale, coordinate by coordinate. */
function expectClose (actual: Float64Array, expected: number[], scale: number, relative = 1e-9): void {
  expect(actual).toHaveLength(expected.length)
  expected.forEach((e, j) => {
    if (Math.abs(actual[j] - e) > relative * (1 + scale)) expect.fail(`coordinate ${j}: ${actual[j]} vs the reference's ${e}`)
  })
}

const largest = (points: number[][]): number => Math.max(...points.flat().map(Math.abs))

describe('the rules match the plaintext references', () => {
  it('coordinate-wise median, odd and even G', () => {
    fc.assert(fc.property(pointSets, points => {
      expectClose(coordinateMedian(toFloat64(points)), referenceMedian(points), largest(points))
    }), { numRuns: 300 })
    // the sort must be numeric: a string sort puts 10 before 9 and -1 after -10
    expect(Array.from(coordinateMedian(toFloat64([[10], [9], [-1], [-10], [2]])))).toEqual([2])
    expect(Array.from(coordinateMedian(toFloat64([[10], [9], [-1], [-10]])))).toEqual([4])
  })

  it('coordinate-wise trimmed mean, every admissible trim', () => {
    const withTrim = pointSets.chain(points => fc.record({ points: fc.constant(points), trim: fc.integer({ min: 0, max: Math.floor((points.length - 1) / 2) }) }))
    fc.assert(fc.property(withTrim, ({ points, trim }) => {
      expectClose(trimmedMean(toFloat64(points), trim), referenceTrimmedMean(points, trim), largest(points))
    }), { numRuns: 300 })
  })

  it('centred clipping, with the median radius and with a fixed one', () => {
    const withRadius = pointSets.chain(points => fc.record({
      points: fc.constant(points),
      radius: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 }), { nil: undefined }),
      iterations: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined })
    }))
    fc.assert(fc.property(withRadius, ({ points, radius, iterations }) => {
      const options = { ...(radius !== undefined && { radius }), ...(iterations !== undefined && { iterations }) }
      expectClose(centredClipping(toFloat64(points), options), referenceCentredClipping(points, radius, iterations), largest(points))
    }), { numRuns: 300 })
  })

  it('centred clipping starts from the given centre, not the median', () => {
    // two points, one step of τ = 10 from the origin: both within τ, so v is their plain mean
    const points = toFloat64([[2, 0], [0, 4]])
    expect(Array.from(centredClipping(points, { centre: new Float64Array(2), radius: 10, iterations: 1 }))).toEqual([1, 2])
    // with τ = 1, each pull is scaled to length 1: (1, 0) and (0, 1), halved
    expect(Array.from(centredClipping(points, { centre: new Float64Array(2), radius: 1, iterations: 1 }))).toEqual([0.5, 0.5])
  })

  it('l2Norm is the Euclidean norm', () => {
    expect(l2Norm([3, 4])).toBe(5)
    expect(l2Norm(new Float32Array([1, -2, 2]))).toBe(3)
  })
})

describe('robustness', () => {
  /** G points in [-1, 1]^d of which the first c are replaced by arbitrary ones, c < G/2. */
  const corrupted = fc.record({ g: fc.integer({ min: 1, max: 15 }), d: fc.integer({ min: 1, max: 20 }) })
    .chain(({ g, d }) => fc.record({
      honest: fc.array(fc.array(fc.double({ noNaN: true, min: -1, max: 1 }), { minLength: d, maxLength: d }), { minLength: g, maxLength: g }),
      outliers: fc.array(fc.array(fc.oneof(fc.constantFrom(1e9, -1e9), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })), { minLength: d, maxLength: d }), { minLength: 0, maxLength: Math.ceil(g / 2) - 1 })
    }))
    .map(({ honest, outliers }) => ({ points: [...outliers, ...honest.slice(outliers.length)], c: outliers.length }))

  const within = (result: Float64Array, lo = -1, hi = 1): boolean => result.every(v => v >= lo && v <= hi)

  it('the median of G means stays within the honest range while fewer than G/2 are arbitrary', () => {
    fc.assert(fc.property(corrupted, ({ points }) => {
      expect(within(coordinateMedian(toFloat64(points)))).toBe(true)
    }), { numRuns: 300 })
  })

  it('the trimmed mean stays within the honest range when it trims at least as many as are arbitrary', () => {
    fc.assert(fc.property(corrupted, ({ points, c }) => {
      expect(within(trimmedMean(toFloat64(points), c))).toBe(true)
    }), { numRuns: 300 })
  })

  it('is what the rules are for: the plain mean is not robust to the same outliers', () => {
    // a control for the two properties above: one outlier of 1e9 among five honest points moves the mean far out
    const points = toFloat64([[1e9], [0], [0.5], [-0.5], [1], [-1]])
    expect(points.reduce((s, p) => s + p[0], 0) / points.length).toBeGreaterThan(1e8)
    expect(within(coordinateMedian(points))).toBe(true)
    expect(within(trimmedMean(points, 1))).toBe(true)
  })

  it('centred clipping moves a bounded distance under one huge outlier among 10 honest means, the plain mean does not', () => {
    // The bound: let e_l be the result's distance from the box K = [-1, 1]^d after l steps. The median of
    // 11 values, 10 in [-1, 1], is in [-1, 1], so e_0 = 0. A step is (1 − Σ_h c_h/G)·v + Σ_h (c_h/G)·x_h —
    // a convex combination of v and honest points, no farther from K than v — plus the outlier's pull,
    // at most τ/G. τ, the 6th smallest of 11 distances of which the 10 honest are at most diam K + e_l,
    // is at most 2√d + e_l. So e_{l+1} ≤ e_l + (2√d + e_l)/11, and e_3 ≤ 2√d((12/11)^3 − 1) ≈ 0.6√d.
    const fromBox = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((s, x) => s + Math.max(0, Math.abs(x) - 1) ** 2, 0))
    const cases = fc.integer({ min: 1, max: 20 }).chain(d => fc.record({
      honest: fc.array(fc.array(fc.double({ noNaN: true, min: -1, max: 1 }), { minLength: d, maxLength: d }), { minLength: 10, maxLength: 10 }),
      outlier: fc.array(fc.oneof(fc.constantFrom(1e9, -1e9), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })), { minLength: d, maxLength: d })
    }))
    fc.assert(fc.property(cases, ({ honest, outlier }) => {
      const d = outlier.length
      const points = toFloat64([...honest, outlier])
      const bound = 2 * Math.sqrt(d) * ((12 / 11) ** 3 - 1)
      expect(fromBox(centredClipping(points))).toBeLessThanOrEqual(bound * (1 + 1e-9))
    }), { numRuns: 300 })
    // and the bound bites where the mean does not: an outlier at 1e9 pulls the plain mean ~1e9/11 out
    const d = 4
    const honest = Array.from({ length: 10 }, (_, i) => Array.from({ length: d }, (_, j) => Math.sin(i * d + j)))
    const points = toFloat64([...honest, Array(d).fill(1e9)])
    const plain = Array.from({ length: d }, (_, j) => points.reduce((s, p) => s + p[j], 0) / points.length)
    expect(fromBox(plain)).toBeGreaterThan(1e7)
    expect(fromBox(centredClipping(points))).toBeLessThan(2 * Math.sqrt(d) * ((12 / 11) ** 3 - 1))
  })
})

describe('refusals', () => {
  const points = toFloat64([[1], [2], [3], [4]])

  it('trimmedMean throws RangeError unless 0 ≤ trim < G/2 and an integer', () => {
    expect(Array.from(trimmedMean(points, 1))).toEqual([2.5])
    expect(() => trimmedMean(points, 2)).toThrow(RangeError) // 2·2 = G: nothing left
    expect(() => trimmedMean(points.slice(0, 3), 2)).toThrow(RangeError)
    expect(Array.from(trimmedMean(points.slice(0, 3), 1))).toEqual([2])
    expect(() => trimmedMean(points, -1)).toThrow(RangeError)
    expect(() => trimmedMean(points, 0.5)).toThrow(RangeError)
  })

  it('no rule combines zero group means', () => {
    expect(() => coordinateMedian([])).toThrow(RangeError)
    expect(() => trimmedMean([], 0)).toThrow(RangeError)
    expect(() => centredClipping([])).toThrow(RangeError)
  })
})
