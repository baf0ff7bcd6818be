import { describe, expect, it } from 'vitest'
import { estimateSisInf, rootHermiteFactor } from './msis-estimate.js'
import { COMMITMENT_PRIMES, COMMITMENT_ROWS } from '../../../src/protocol/verification/commitment.js'
import { RING_DEGREE } from '../../../src/protocol/verification/ntt.js'
import { MAX_SUM_BITS } from '../../../src/protocol/round/params.js'

// q = q1·q2 (both primes ≡ 1 mod 2048), exact in a double: q < 2^53
const Q = COMMITMENT_PRIMES[0] * COMMITMENT_PRIMES[1]
const LOG2Q = Math.log2(Q)
const ROWS = COMMITMENT_ROWS * RING_DEGREE // κ = 2 rows over Z_q[X]/(X^1024 + 1)
const DEFAULT_BETA = Math.log2(100) + 23 // 100 participants, m = 23: β∞ = 100·2^23 ≈ 2^29.64
// the parameters refuse sessions whose integer sums could reach 2^40
const CAP_BETA = MAX_SUM_BITS

// Figures from running the estimator (core-SVP, GSA; bits are 0.292·b classical, 0.257·b quantum):
//
// | case                                     | β∞        | block size | w    | classical | quantum |
// | ---------------------------------------- | --------- | ---------- | ---- | --------- | ------- |
// | κ = 2, q = q1·q2 (ours), default         | 100·2^23  | 964        | 6051 | 281.5     | 247.7   |
// | κ = 2, q = q1·q2 (ours), cap             | 2^40      | 489        | 4697 | 142.8     | 125.7   |
// | κ = 2, one 26-bit prime, default         | 100·2^23  | 0 (β∞ ≥ q) | 1    | 0         | 0       |
// | κ = 1, log2 q = 52, cap                  | 2^40      | 177        | 2377 | 51.7      | 45.5    |

/**
 * Whether BKZ-b on w columns finds a solution in the model, computed directly rather than in log2
 * (δ^w and q^(rows/w) stay within doubles for w <= 40000): an independent check of the estimator.
 */
function attackSucceeds (rows: number, q: number, betaInf: number, b: number, w: number): boolean {
  const length = Math.min(q, rootHermiteFactor(b) ** w * q ** (rows / w))
  return length < q && length / Math.sqrt(w) <= betaInf
}

/** The estimate, checked to be an attack that works at its block size and to be the cheapest one. */
function checkedEstimate (rows: number, q: number, log2BetaInf: number) {
  const estimate = estimateSisInf({ rows, log2q: Math.log2(q), log2BetaInf })
  const betaInf = 2 ** log2BetaInf
  expect(attackSucceeds(rows, q, betaInf, estimate.blockSize, estimate.dimension)).toBe(true)
  for (let w = rows + 1; w <= 40_000; w++) expect(attackSucceeds(rows, q, betaInf, estimate.blockSize - 1, w)).toBe(false)
  return estimate
}

describe('root-Hermite factor δ(b)', () => {
  it('matches values worked out by hand from the formula', () => {
    // e.g. b = 400: (π·400)^(1/400) = 1.0180, 400/(2πe) = 23.42, ln(1.0180·23.42) / 798 = 0.003974.
    // δ ≈ 1.0043–1.0045, sometimes quoted for b = 400, is this formula's value near b = 350.
    expect(rootHermiteFactor(100)).toBeCloseTo(1.0093, 4)
    expect(rootHermiteFactor(350)).toBeCloseTo(1.004365, 5)
    expect(rootHermiteFactor(400)).toBeCloseTo(1.00398, 5)
  })

  it('decreases with the block size over the range searched', () => {
    for (let b = 50; b < 2000; b++) expect(rootHermiteFactor(b + 1)).toBeLessThan(rootHermiteFactor(b))
  })
})

describe('module-SIS in the infinity norm, binding of Com = A·y', () => {
  it('log2 q is 51.9995 for our two primes', () => {
    expect(LOG2Q).toBeCloseTo(51.9995, 4)
  })

  it('ours at the default β∞ = 100·2^23: block size 964, 281 classical and 247 quantum bits', () => {
    const estimate = checkedEstimate(ROWS, Q, DEFAULT_BETA)
    expect(estimate.classicalBits).toBeGreaterThanOrEqual(128)
    expect(estimate.quantumBits).toBeGreaterThanOrEqual(128)
  })

  it('ours at the cap β∞ = 2^40: block size 489, 142 classical bits (125 quantum)', () => {
    const estimate = checkedEstimate(ROWS, Q, CAP_BETA)
    expect(estimate.classicalBits).toBeGreaterThanOrEqual(128)
    expect(estimate.classicalBits).toBe(0.292 * estimate.blockSize)
    expect(estimate.quantumBits).toBe(0.257 * estimate.blockSize)
  })

  it('the model is within its range for ours: β∞·√w stays well below q', () => {
    for (const log2BetaInf of [DEFAULT_BETA, CAP_BETA]) {
      const { dimension } = estimateSisInf({ rows: ROWS, log2q: LOG2Q, log2BetaInf })
      expect(log2BetaInf + Math.log2(dimension) / 2).toBeLessThan(LOG2Q - 4)
    }
  })

  it('a single 26-bit prime is broken at the default: β∞ = 100·2^23 exceeds q, so q·e_1 is a solution', () => {
    const estimate = estimateSisInf({ rows: ROWS, log2q: 26, log2BetaInf: DEFAULT_BETA })
    expect(estimate.blockSize).toBe(0)
    expect(estimate.classicalBits).toBe(0)
  })

  it('κ = 1 (1024 rows) with a 52-bit q at the cap: block size 177, 52 classical bits', () => {
    const estimate = checkedEstimate(1024, 2 ** 52, CAP_BETA)
    expect(estimate.classicalBits).toBeLessThan(128)
  })

  it('costs fall as β∞ grows', () => {
    const bits = [24, 30, 36, 42].map(log2BetaInf => estimateSisInf({ rows: ROWS, log2q: LOG2Q, log2BetaInf }).classicalBits)
    for (let i = 1; i < bits.length; i++) expect(bits[i]).toBeLessThan(bits[i - 1])
  })

  it('costs rise with the rows', () => {
    const bits = [1024, 1536, 2048, 3072].map(rows => estimateSisInf({ rows, log2q: LOG2Q, log2BetaInf: CAP_BETA }).classicalBits)
    for (let i = 1; i < bits.length; i++) expect(bits[i]).toBeGreaterThan(bits[i - 1])
  })

  it('withholding columns from the attacker never makes it cheaper', () => {
    const free = estimateSisInf({ rows: ROWS, log2q: LOG2Q, log2BetaInf: CAP_BETA })
    const few = estimateSisInf({ rows: ROWS, log2q: LOG2Q, log2BetaInf: CAP_BETA, maxColumns: 3000 })
    expect(few.dimension).toBeLessThanOrEqual(3000)
    expect(few.blockSize).toBeGreaterThan(free.blockSize)
    expect(estimateSisInf({ rows: ROWS, log2q: LOG2Q, log2BetaInf: CAP_BETA, maxColumns: 2300 }).blockSize).toBe(Infinity)
  })

  it('refuses to answer where β∞·√w reaches q, which the model does not cover', () => {
    expect(() => estimateSisInf({ rows: ROWS, log2q: LOG2Q, log2BetaInf: 48 })).toThrow(RangeError)
  })
})
