import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { DiscreteGaussian, MAX_TABLE_ENTRIES, WORDS_PER_SAMPLE } from '../../../src/protocol/dp/discrete-gaussian.js'
import { InvalidEncodingError } from '../../../src/protocol/encoding/errors.js'

/** `count` AES-CTR keystream words under a key drawn from a fixed seed: reproducible, and uniform. */
async function keystream (seed: string, count: number): Promise<Uint32Array> {
  const words = new Uint32Array(count)
  await nodeCryptoSuite.prg.open(deterministicRandom(seed)(16)).apply(words, 'fill')
  return words
}

async function sample (sampler: DiscreteGaussian, seed: string, count: number): Promise<Int32Array> {
  const out = new Int32Array(count)
  sampler.addTo(out, await keystream(seed, count * WORDS_PER_SAMPLE))
  return out
}

/** One sample from exactly four words. */
function one (sampler: DiscreteGaussian, w0: number, w1: number, w2: number, w3: number): number {
  const out = new Int32Array(1)
  sampler.addTo(out, Uint32Array.of(w0, w1, w2, w3))
  return out[0]
}

/**
 * The pmf of N_Z(0, σ²) on |k| <= K, worked out here with doubles, independently of the sampler's
 * fixed-point table: p(k) = exp(-k²/2σ²) / Σ_j exp(-j²/2σ²). K = 40σ + 10 leaves nothing out in double precision.
 */
function pmf (variance: number): { p: (k: number) => number, K: number } {
  const K = Math.ceil(40 * Math.sqrt(variance)) + 10
  const weights = Array.from({ length: K + 1 }, (_, k) => Math.exp(-k * k / (2 * variance)))
  let z = weights[0]
  for (let k = 1; k <= K; k++) z += 2 * weights[k]
  return { p: k => Math.abs(k) > K ? 0 : weights[Math.abs(k)] / z, K }
}

/** P(|X| <= k) for the independent pmf. */
function absCdf (variance: number): (k: number) => number {
  const { p, K } = pmf(variance)
  const cdf = [p(0)]
  for (let k = 1; k <= K; k++) cdf.push(cdf[k - 1] + 2 * p(k))
  return k => k < 0 ? 0 : cdf[Math.min(k, K)]
}

/**
 * The upper 0.999 quantile of χ² with `df` degrees of freedom, by the Wilson-Hilferty approximation
 * (χ²/df)^(1/3) ≈ N(1 - 2/(9df), 2/(9df)), with z_0.999 = 3.090232. It errs high, by under 1.5% for df >= 4.
 */
function chiSquare999 (df: number): number {
  const v = 2 / (9 * df)
  return df * (1 - v + 3.090232 * Math.sqrt(v)) ** 3
}

/**
 * Pearson's χ² of samples against a pmf, with bins of one value each while they expect at least 5
 * samples; outward from there, values are pooled into a bin until it expects 5, and the last bin on
 * each side takes the whole tail.
 */
function chiSquare (samples: Int32Array, variance: number): { statistic: number, df: number } {
  const { p, K } = pmf(variance)
  const n = samples.length
  // bins on the positive side as [from, to]; the negative side mirrors them, and 0 is a bin of its own
  const bins: Array<[number, number]> = []
  let from = 1
  let expected = 0
  for (let k = 1; k <= K; k++) {
    expected += n * p(k)
    if (expected >= 5) {
      bins.push([from, k])
      from = k + 1
      expected = 0
    }
  }
  // what is left past the last full bin joins it, out to infinity
  if (bins.length > 0) bins[bins.length - 1][1] = Infinity
  const binOf = (k: number): number => {
    if (k === 0) return 0
    const i = bins.findIndex(([a, b]) => Math.abs(k) >= a && Math.abs(k) <= b)
    return k > 0 ? 1 + i : 1 + bins.length + i
  }
  const observed = new Float64Array(1 + 2 * bins.length)
  const lookup = new Map<number, number>()
  for (const k of samples) {
    let bin = lookup.get(k)
    if (bin === undefined) lookup.set(k, bin = binOf(k))
    observed[bin]++
  }
  const expectedOf = (bin: number): number => {
    if (bin === 0) return n * p(0)
    const [a, b] = bins[(bin - 1) % bins.length]
    let mass = 0
    for (let k = a; k <= Math.min(b, K); k++) mass += p(k)
    return n * mass
  }
  let statistic = 0
  for (let bin = 0; bin < observed.length; bin++) {
    const e = expectedOf(bin)
    expect(e).toBeGreaterThanOrEqual(5)
    statistic += (observed[bin] - e) ** 2 / e
  }
  return { statistic, df: observed.length - 1 }
}

const SAMPLES = 200_000

describe('the discrete Gaussian sampler\'s distribution', () => {
  it('uses a Wilson-Hilferty χ² quantile within 1.5% above the tabulated 0.999 points', () => {
    // χ²_0.999 from standard tables (scipy.stats.chi2.ppf(0.999, df))
    for (const [df, table] of [[4, 18.4668], [10, 29.5883], [20, 45.3147], [50, 86.6608], [100, 149.4493]]) {
      expect(chiSquare999(df)).toBeGreaterThanOrEqual(table)
      expect(chiSquare999(df)).toBeLessThan(table * 1.015)
    }
  })

  for (const variance of [0.25, 1, 2.5, 50]) {
    it(`matches N_Z(0, ${variance}) by a χ² goodness-of-fit test at the 0.999 level over ${SAMPLES} samples, and rejects a 5% wider one`, async () => {
      const samples = await sample(new DiscreteGaussian(variance), `dg/chi2/${variance}`, SAMPLES)
      const fit = chiSquare(samples, variance)
      expect(fit.df).toBeGreaterThanOrEqual(4)
      expect(fit.statistic).toBeLessThan(chiSquare999(fit.df))
      // the test has power: the same samples are far from the pmf of a slightly wider Gaussian
      const wrong = chiSquare(samples, variance * 1.05)
      expect(wrong.statistic).toBeGreaterThan(chiSquare999(wrong.df))
    })
  }

  for (const variance of [1e4, 1e6]) {
    it(`is symmetric with the discrete Gaussian's variance at σ² = ${variance}, within 4 standard errors over ${SAMPLES} samples`, async () => {
      const samples = await sample(new DiscreteGaussian(variance), `dg/moments/${variance}`, SAMPLES)
      const { p, K } = pmf(variance)
      let trueVariance = 0
      for (let k = 1; k <= K; k++) trueVariance += 2 * k * k * p(k)
      // at these sizes N_Z(0, σ²) has variance σ² to far better than the test can see
      expect(Math.abs(trueVariance - variance) / variance).toBeLessThan(1e-9)

      let sum = 0
      let positive = 0
      let negative = 0
      for (const x of samples) {
        sum += x
        if (x > 0) positive++
        else if (x < 0) negative++
      }
      const mean = sum / SAMPLES
      let squares = 0
      for (const x of samples) squares += (x - mean) ** 2
      const sampleVariance = squares / (SAMPLES - 1)
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(trueVariance / SAMPLES))
      // Var(s²) = 2σ⁴/n for a Gaussian
      expect(Math.abs(sampleVariance - trueVariance)).toBeLessThan(4 * trueVariance * Math.sqrt(2 / SAMPLES))
      // as many positive as negative values: a binomial(positive + negative, 1/2) split
      const signed = positive + negative
      expect(Math.abs(positive - signed / 2)).toBeLessThan(4 * Math.sqrt(signed / 4))
    })
  }
})

describe('the discrete Gaussian sampler\'s table lookup', () => {
  const samplers = [0.25, 2.5, 50, 1e4].map(variance => new DiscreteGaussian(variance))
  /** A 96-bit uniform as (hi, mid, lo) words from a fraction of 2^96 in [0, 1) (53 bits of it). */
  const uniformAt = (fraction: number): [number, number, number] => {
    const u = BigInt(Math.floor(fraction * 2 ** 53)) << 43n
    return [Number(u >> 64n), Number((u >> 32n) & 0xffffffffn), Number(u & 0xffffffffn)]
  }

  it('maps a uniform of all zeros to 0, whatever the sign bit', () => {
    for (const sampler of samplers) {
      expect(one(sampler, 0, 0, 0, 0)).toBe(0)
      expect(one(sampler, 0, 0, 0, 1)).toBe(0)
    }
  })

  it('maps the largest uniform (three words of all ones) to the table\'s largest |X|, entries − 1, and no further', () => {
    for (const sampler of samplers) {
      expect(one(sampler, 0xffffffff, 0xffffffff, 0xffffffff, 0)).toBe(sampler.entries - 1)
      expect(one(sampler, 0xffffffff, 0xffffffff, 0xffffffff, 1)).toBe(-(sampler.entries - 1))
      for (const low of [0xfffffffe, 0xfffff000, 0]) {
        expect(Math.abs(one(sampler, 0xffffffff, 0xffffffff, low, 0))).toBeLessThanOrEqual(sampler.entries - 1)
        expect(Math.abs(one(sampler, 0xffffffff, low, 0xffffffff, 0))).toBeLessThanOrEqual(sampler.entries - 1)
      }
    }
    // the table reaches out to where a weight falls below 2^-100 of the centre's: |k| ≈ σ·sqrt(200 ln 2)
    for (const sampler of samplers) {
      expect(Math.abs(sampler.entries - 1 - Math.sqrt(sampler.variance * 200 * Math.LN2))).toBeLessThanOrEqual(1)
    }
  })

  it('is the inverse CDF of |X|: a uniform just below P(|X| <= k) gives k, just above gives k + 1', () => {
    for (const sampler of samplers) {
      const cdf = absCdf(sampler.variance)
      let checked = 0
      for (let k = 0; k < sampler.entries - 1; k++) {
        // a margin of a thousandth of the smaller neighbouring probability, where doubles still resolve it
        const margin = 1e-3 * Math.min(cdf(k) - cdf(k - 1), cdf(k + 1) - cdf(k))
        if (margin < 1e-12) break
        expect(one(sampler, ...uniformAt(cdf(k) - margin), 0)).toBe(k)
        expect(one(sampler, ...uniformAt(cdf(k) + margin), 0)).toBe(k + 1)
        checked++
      }
      expect(checked).toBeGreaterThanOrEqual(Math.min(3, sampler.entries - 1))
    }
  })

  it('returns for any uniform u the k with P(|X| < k) <= u / 2^96 < P(|X| <= k)', () => {
    const cdfs = samplers.map(s => absCdf(s.variance))
    const word = fc.integer({ min: 0, max: 0xffffffff })
    fc.assert(fc.property(fc.integer({ min: 0, max: samplers.length - 1 }), word, word, word, (i, w0, w1, w2) => {
      const k = one(samplers[i], w0, w1, w2, 0)
      const u = w0 * 2 ** -32 + w1 * 2 ** -64 + w2 * 2 ** -96
      expect(cdfs[i](k - 1) - 1e-12).toBeLessThanOrEqual(u)
      // the last entry takes everything up to 1
      if (k < samplers[i].entries - 1) expect(u).toBeLessThan(cdfs[i](k) + 1e-12)
    }), { numRuns: 2000 })
  })

  it('takes the sign from the fourth word\'s low bit alone', () => {
    const word = fc.integer({ min: 0, max: 0xffffffff })
    fc.assert(fc.property(fc.integer({ min: 0, max: samplers.length - 1 }), word, word, word, word, (i, w0, w1, w2, w3) => {
      const sampler = samplers[i]
      const magnitude = one(sampler, w0, w1, w2, 0)
      expect(magnitude).toBeGreaterThanOrEqual(0)
      // (an Int32Array holds no -0)
      const negative = magnitude === 0 ? 0 : -magnitude
      expect(one(sampler, w0, w1, w2, w3)).toBe((w3 & 1) === 1 ? negative : magnitude)
      expect(one(sampler, w0, w1, w2, (w3 | 1) >>> 0)).toBe(negative)
      expect(one(sampler, w0, w1, w2, (w3 & ~1) >>> 0)).toBe(magnitude)
    }), { numRuns: 500 })
  })

  it('consumes exactly four words a sample: four words more in front shift the samples by one', () => {
    const sampler = samplers[2]
    const word = fc.integer({ min: 0, max: 0xffffffff })
    fc.assert(fc.property(fc.array(word, { minLength: 4, maxLength: 4 }), fc.array(word, { maxLength: 200 }), (front, rest) => {
      const words = Uint32Array.from(rest.slice(0, rest.length - rest.length % 4))
      const n = words.length / WORDS_PER_SAMPLE
      const plain = new Int32Array(n)
      sampler.addTo(plain, words)
      const shifted = new Int32Array(n + 1)
      sampler.addTo(shifted, Uint32Array.from([...front, ...words]))
      expect(Array.from(shifted.subarray(1))).toEqual(Array.from(plain))
      expect(shifted[0]).toBe(one(sampler, front[0], front[1], front[2], front[3]))
    }))
  })

  it('adds each sample to the value already in the target, and reads only the words it needs', () => {
    const sampler = samplers[2]
    const words = Uint32Array.of(0xffffffff, 0xffffffff, 0xffffffff, 1, 0, 0, 0, 0, 7, 7, 7, 7)
    const target = Int32Array.of(100, -5)
    sampler.addTo(target, words)
    expect(Array.from(target)).toEqual([100 - (sampler.entries - 1), -5])
  })
})

describe('the discrete Gaussian sampler\'s limits', () => {
  it('refuses a variance below 1/4 (or not a number) with an InvalidEncodingError naming the bound, and accepts 1/4', () => {
    for (const variance of [0.2499, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new DiscreteGaussian(variance)).toThrow(InvalidEncodingError)
      expect(() => new DiscreteGaussian(variance)).toThrow(/variance must be at least 1\/4/)
    }
    expect(new DiscreteGaussian(0.25).entries).toBeGreaterThan(1)
  })

  it('refuses a variance whose table would exceed MAX_TABLE_ENTRIES, naming the table and the fix', () => {
    // σ = 100,000 needs about 11.8σ = 1,177,000 entries
    expect(() => new DiscreteGaussian(1e10)).toThrow(expect.objectContaining({
      name: InvalidEncodingError.name,
      message: expect.stringMatching(new RegExp(`more than ${MAX_TABLE_ENTRIES} table entries: lower the modulus bits`))
    }))
  })

  it('builds the largest table allowed, about MAX_TABLE_ENTRIES long, within 2^-70 of N_Z(0, σ²) a sample', () => {
    // (MAX_TABLE_ENTRIES - 1) / sqrt(200 ln 2) ≈ 89,058 is the widest σ the table holds
    const largest = new DiscreteGaussian(7.93e9)
    expect(largest.entries).toBeLessThanOrEqual(MAX_TABLE_ENTRIES)
    expect(largest.entries).toBeGreaterThan(0.999 * MAX_TABLE_ENTRIES)
    expect(largest.samplerDistance).toBeLessThan(2 ** -70)
    expect(largest.samplerDistance).toBeGreaterThan(0)
  })

  it('throws RangeError when given fewer than four words a sample, before changing the target', () => {
    const sampler = new DiscreteGaussian(1)
    const target = Int32Array.of(1, 2, 3)
    expect(() => sampler.addTo(target, new Uint32Array(3 * WORDS_PER_SAMPLE - 1).fill(0xffffffff))).toThrow(RangeError)
    expect(Array.from(target)).toEqual([1, 2, 3])
    expect(() => sampler.addTo(target, new Uint32Array(3 * WORDS_PER_SAMPLE))).not.toThrow()
  })
})
