/**
 * The discrete Gaussian N_Z(0, σ²), sampled from keystream words with integer arithmetic only: a
 * cumulative table of |X| in 96-bit fixed point, built once per σ with BigInt arithmetic at 128 bits,
 * is searched with 96-bit uniform integers (three keystream words) and a fourth word gives the sign.
 * Floating-point samplers leak through their low bits (Mironov, CCS 2012); a table of integers does
 * not, and the distribution it samples is the discrete Gaussian to within a total variation of
 * (entries + 1) × 2^-96 plus a tail past 11.8σ of under 2^-100 (`samplerDistance`), which the
 * accountant's δ absorbs many times over.
 */
import { InvalidEncodingError } from '../encoding/errors.js'

/** Keystream words one sample consumes: 96 bits of uniform and a sign. */
export const WORDS_PER_SAMPLE = 4

/** The table stops where a weight falls below 2^-100 of the centre's. */
const TAIL_BITS = 100
/** Fixed-point precision of the weights, far below the thresholds' 2^-96 resolution. */
const PRECISION = 128n
const ONE = 1n << PRECISION
/** Entries at most: 8 words each, 12 MB, a σ of about 88,000. */
export const MAX_TABLE_ENTRIES = 1 << 20
/** Top bits of a uniform's first word that index the guide table. */
const GUIDE_BITS = 16

/** exp(-x) in 128-bit fixed point for a fixed-point x in [0, 4], by its Taylor series. */
function expNegative (x: bigint): bigint {
  let sum = 0n
  let term = ONE
  for (let n = 1n; term !== 0n; n++) {
    sum += term
    term = -(term * x >> PRECISION) / n
  }
  return sum
}

export class DiscreteGaussian {
  readonly variance: number
  /** Cumulative probabilities of |X| <= k, as 96-bit integers split into words (hi, mid, lo). */
  private readonly hi: Uint32Array
  private readonly mid: Uint32Array
  private readonly lo: Uint32Array
  /** For each value of a uniform's top GUIDE_BITS: the first entry whose threshold could exceed it. */
  private readonly guide: Uint32Array

  constructor (variance: number) {
    if (!(Number.isFinite(variance) && variance >= 0.25)) throw new InvalidEncodingError(`discrete Gaussian variance must be at least 1/4, got ${variance}`)
    this.variance = variance
    // r = exp(-1/(2σ²)); weight k is r^(k²), built as w_k = w_{k-1} · r^(2k-1).
    const x = BigInt(Math.round(2 ** 64 / (2 * variance))) << (PRECISION - 64n)
    const r = expNegative(x)
    const r2 = r * r >> PRECISION
    const floor = ONE >> BigInt(TAIL_BITS)
    const weights: bigint[] = [ONE]
    let step = r
    for (let w = r; w >= floor; w = w * step >> PRECISION) {
      if (weights.length === MAX_TABLE_ENTRIES) throw new InvalidEncodingError(`a discrete Gaussian of variance ${variance} needs more than ${MAX_TABLE_ENTRIES} table entries: lower the modulus bits`)
      weights.push(w)
      step = step * r2 >> PRECISION
    }
    // P(|X| = 0) = w_0 / Z, P(|X| = k) = 2 w_k / Z
    let total = weights[0]
    for (let k = 1; k < weights.length; k++) total += 2n * weights[k]
    const entries = weights.length
    this.hi = new Uint32Array(entries)
    this.mid = new Uint32Array(entries)
    this.lo = new Uint32Array(entries)
    let cumulative = 0n
    for (let k = 0; k < entries; k++) {
      cumulative += k === 0 ? weights[0] : 2n * weights[k]
      // the last entry takes what is left up to 2^96 (the search never passes it)
      const t = k === entries - 1 ? (1n << 96n) - 1n : (cumulative << 96n) / total
      this.hi[k] = Number(t >> 64n)
      this.mid[k] = Number((t >> 32n) & 0xffffffffn)
      this.lo[k] = Number(t & 0xffffffffn)
    }
    this.guide = new Uint32Array(1 << GUIDE_BITS)
    let k = 0
    for (let p = 0; p < this.guide.length; p++) {
      // entries before k have thresholds below p · 2^(96-GUIDE_BITS), so no uniform of prefix p lands there
      while (k < entries - 1 && this.hi[k] < p * 2 ** (32 - GUIDE_BITS)) k++
      this.guide[p] = k
    }
  }

  /** Table entries: the largest |X| it can return, plus one. */
  get entries (): number {
    return this.hi.length
  }

  /** Total variation distance from N_Z(0, σ²) of one sample, bounded. */
  get samplerDistance (): number {
    return (this.entries + 1) * 2 ** -96 + 2 ** -TAIL_BITS
  }

  /** Adds one sample to each value of `target`, reading WORDS_PER_SAMPLE words of `words` per sample. */
  addTo (target: Int32Array, words: Uint32Array): void {
    if (words.length < target.length * WORDS_PER_SAMPLE) throw new RangeError('not enough keystream words for the samples')
    const { hi, mid, lo, guide } = this
    const last = hi.length - 1
    for (let i = 0, w = 0; i < target.length; i++, w += WORDS_PER_SAMPLE) {
      const u0 = words[w]
      const u1 = words[w + 1]
      const u2 = words[w + 2]
      let k = guide[u0 >>> (32 - GUIDE_BITS)]
      // the first k with u < threshold_k, comparing (hi, mid, lo) lexicographically
      while (k < last && (u0 > hi[k] || (u0 === hi[k] && (u1 > mid[k] || (u1 === mid[k] && u2 >= lo[k]))))) k++
      target[i] += (words[w + 3] & 1) === 1 ? -k : k
    }
  }
}
