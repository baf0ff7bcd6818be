import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { NttField, REDUCED_AFTER_LENGTH, RING_DEGREE } from '../../../src/protocol/verification/ntt.js'
import { evaluationPoints, generator, powMod, smallestPsi } from './reference-ring.js'

// Everything below is checked against plain BigInt arithmetic written here: a schoolbook negacyclic
// product, Horner evaluation at the odd powers of a primitive 2048th root of unity, and explicit sums.

const PRIMES = [67104769, 67090433] as const
const N = RING_DEGREE


/** A uniform-enough integer in [lo, hi] (hi - lo < 2^53) from two 32-bit draws. */
function randomInt (next: () => number, lo: number, hi: number): number {
  const span = hi - lo + 1
  const r = (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53
  return lo + Math.floor(r * span)
}

function randomVector (next: () => number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: N }, () => randomInt(next, lo, hi))
}

function mod (x: bigint | number, p: number): bigint {
  const P = BigInt(p)
  const r = BigInt(x) % P
  return r < 0n ? r + P : r
}

/** a(x) mod p by Horner, with BigInt. */
function evaluate (a: ArrayLike<number>, x: bigint, p: number): bigint {
  const P = BigInt(p)
  let acc = 0n
  for (let j = a.length - 1; j >= 0; j--) acc = (acc * x + BigInt(a[j])) % P
  return acc < 0n ? acc + P : acc
}

/** a b in Z_p[X]/(X^1024 + 1), schoolbook, canonical coefficients. */
function negacyclicProduct (a: ArrayLike<number>, b: ArrayLike<number>, p: number): Float64Array {
  const full = new Array<bigint>(2 * N).fill(0n)
  const A = Array.from(a, BigInt)
  const B = Array.from(b, BigInt)
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) full[i + j] += A[i] * B[j]
  }
  return Float64Array.from({ length: N }, (_, i) => Number(mod(full[i] - full[i + N], p)))
}

function transformed (field: NttField, a: Float64Array): Float64Array {
  const copy = a.slice()
  field.forward(copy)
  return copy
}

function canonicalList (a: ArrayLike<number>, p: number): bigint[] {
  return Array.from(a, x => mod(x, p))
}

function maxMagnitude (a: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]))
  return m
}

function monomial (k: number): Float64Array {
  const a = new Float64Array(N)
  a[k] = 1
  return a
}

describe.each(PRIMES)('NttField(%i)', (p) => {
  const field = new NttField(p)
  const P = BigInt(p)
  const psi = smallestPsi(p)

  it('has a primitive 2048th root of unity from the smallest generator', () => {
    expect(psi ** 1024n % P).toBe(P - 1n)
    expect(field.p).toBe(p)
  })

  it('multiplies coordinate-wise: forward(a) . forward(b) = forward(a b) for the schoolbook negacyclic product', () => {
    const next = generator(p)
    for (let trial = 0; trial < 2; trial++) {
      const a = randomVector(next, 0, p - 1)
      const b = randomVector(next, 0, p - 1)
      const c = negacyclicProduct(a, b, p)
      const fa = transformed(field, a)
      const fb = transformed(field, b)
      const fc = transformed(field, c)
      const products = Array.from(fa, (x, i) => mod(BigInt(x) * BigInt(fb[i]), p))
      expect(products).toEqual(canonicalList(fc, p))
    }
  })

  it('X times X^1023 is -1 at every point', () => {
    const fa = transformed(field, monomial(1))
    const fb = transformed(field, monomial(1023))
    // the schoolbook product agrees, as a sanity check of the reference itself
    expect(canonicalList(negacyclicProduct(monomial(1), monomial(1023), p), p)).toEqual([P - 1n, ...new Array<bigint>(N - 1).fill(0n)])
    const products = Array.from(fa, (x, i) => mod(BigInt(x) * BigInt(fb[i]), p))
    expect(products).toEqual(new Array<bigint>(N).fill(P - 1n))
  })

  it('evaluates at the odd powers of psi in bit-reversed order', () => {
    // forward(X)[i] is the i-th evaluation point itself, so forward(X)[0] = psi^(2 bitrev(0) + 1) is the
    // module's root. We check (1) that it is the root of the smallest-generator search (the commitment
    // wire format is in this evaluation order, so a different root would be a different format), and
    // (2) that forward(a)[i] = a(psi^(2 bitrev10(i) + 1)) at all 1024 points, in exactly this order.
    // If (1) failed, (2) would still be checked as a multiset against the module's own root first, so
    // the report says whether the transform or only its root is off.
    const modulePsi = mod(transformed(field, monomial(1))[0], p)
    expect(powMod(modulePsi, 1024n, P)).toBe(P - 1n)
    const next = generator(p + 1)
    const a = randomVector(next, 0, p - 1)
    const out = canonicalList(transformed(field, a), p)
    const sort = (xs: bigint[]) => [...xs].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    const expectedModuleRoot = evaluationPoints(modulePsi, p).map(x => evaluate(a, x, p))
    expect(sort(out)).toEqual(sort(expectedModuleRoot))
    expect(modulePsi).toBe(psi)
    const expected = evaluationPoints(psi, p).map(x => evaluate(a, x, p))
    expect(out).toEqual(expected)
  })

  it('returns signed representatives of magnitude at most p/2 + 1', () => {
    const next = generator(p + 2)
    const out = transformed(field, randomVector(next, -(2 ** 26 - 1), 2 ** 26 - 1))
    expect(out.every(Number.isInteger)).toBe(true)
    expect(maxMagnitude(out)).toBeLessThanOrEqual(p / 2 + 1)
  })

  it('keeps every product of the lazily reduced forward transform an exact double', () => {
    // The bound ntt.ts argues, layer by layer with this field's own twiddle factors: inputs below 2^26,
    // each unreduced layer adding at most p/2 + 2 (a reduced product), a reduction to p/2 + 1.
    let zetaBound = 0
    for (const zeta of field.zetas) zetaBound = Math.max(zetaBound, Math.abs(zeta))
    expect(zetaBound).toBeLessThanOrEqual((p - 1) / 2)
    let bound = 2 ** 26
    for (let len = N / 2; len >= 1; len /= 2) {
      expect(bound * zetaBound).toBeLessThan(2 ** 53)
      bound += p / 2 + 2
      if (len === REDUCED_AFTER_LENGTH || len === 1) bound = p / 2 + 1
    }
  })

  it('handles inputs of magnitude up to 2^26, negative ones included', () => {
    const next = generator(p + 3)
    const extremes = [2 ** 26, -(2 ** 26), 2 ** 26 - 1, -(2 ** 26 - 1), p, -p, p - 1, -(p - 1), 0]
    for (let trial = 0; trial < 3; trial++) {
      const a = randomVector(next, -(2 ** 26), 2 ** 26)
      if (trial === 0) a.set(extremes)
      if (trial === 1) a.fill(2 ** 26)
      if (trial === 2) a.fill(-(2 ** 26))
      const reduced = Float64Array.from(a, x => Number(mod(x, p)))
      // the canonical computation: direct evaluation of the reduced polynomial, and the transform of it
      expect(canonicalList(transformed(field, a), p)).toEqual(canonicalList(transformed(field, reduced), p))
      const out = canonicalList(transformed(field, a), p)
      const pts = evaluationPoints(psi, p)
      for (const i of [0, 1, 511, 512, 1023]) expect(out[i]).toBe(evaluate(a, pts[i], p))
    }
  })

  it('transpose is the adjoint of forward: <g, forward(y)> = <transpose(g), y> mod p', () => {
    const next = generator(p + 4)
    for (const [lo, hi] of [[0, p - 1], [-(p - 1) / 2, (p - 1) / 2]]) {
      const g = randomVector(next, lo, hi)
      const y = randomVector(next, lo, hi)
      const fy = transformed(field, y)
      const tg = g.slice()
      field.transpose(tg)
      expect(maxMagnitude(tg)).toBeLessThanOrEqual(p / 2 + 1)
      let left = 0n
      let right = 0n
      for (let i = 0; i < N; i++) {
        left += BigInt(g[i]) * BigInt(fy[i])
        right += BigInt(tg[i]) * BigInt(y[i])
      }
      expect(mod(left, p)).toBe(mod(right, p))
      // and explicitly: transpose(g)[j] = sum_i g[i] w_i^j for the evaluation points w_i
      const pts = evaluationPoints(psi, p)
      for (const j of [0, 1, 2, 777, 1023]) {
        let s = 0n
        for (let i = 0; i < N; i++) s += BigInt(g[i]) * powMod(pts[i], BigInt(j), P)
        expect(mod(tg[j], p)).toBe(mod(s, p))
      }
    }
  })

  it('transpose of a perturbed input differs (the adjoint check is not vacuous)', () => {
    const next = generator(p + 5)
    const g = randomVector(next, 0, p - 1)
    const a = g.slice()
    const b = g.slice()
    b[17] += 1
    field.transpose(a)
    field.transpose(b)
    expect(canonicalList(a, p)).not.toEqual(canonicalList(b, p))
  })

  it('reduce() and canonical() for |x| < 2^51', () => {
    const limit = 2 ** 51 - 1
    const half = (p - 1) / 2
    const extremes = [0, 1, -1, p, -p, p - 1, -(p - 1), half, -half, half + 1, -(half + 1), limit, -limit,
      limit - 1, -(limit - 1), Math.floor(limit / p) * p, -Math.floor(limit / p) * p,
      Math.floor(limit / p) * p - half - 1, -(Math.floor(limit / p) * p - half - 1), 2 ** 50, -(2 ** 50)]
    const check = (x: number): void => {
      const r = field.reduce(x)
      expect(Number.isInteger(r)).toBe(true)
      expect(mod(r, p)).toBe(mod(x, p))
      expect(Math.abs(r)).toBeLessThanOrEqual(p / 2 + 1)
      const c = field.canonical(x)
      expect(Number.isInteger(c)).toBe(true)
      expect(c).toBeGreaterThanOrEqual(0)
      expect(c).toBeLessThan(p)
      expect(BigInt(c)).toBe(mod(x, p))
    }
    for (const x of extremes) check(x)
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 51n) + 1n, max: 2n ** 51n - 1n }), (x) => {
      check(Number(x))
    }), { numRuns: 2000 })
    // near every half-way point k p + p/2 the rounding decides the sign: the result stays within p/2 + 1
    fc.assert(fc.property(fc.integer({ min: -Math.floor(limit / p) + 1, max: Math.floor(limit / p) - 1 }), fc.integer({ min: -2, max: 2 }), (k, d) => {
      check(k * p + half + d)
    }), { numRuns: 1000 })
  })
})

describe('NttField constructor', () => {
  it('rejects moduli that are not NTT-friendly primes below 2^26', () => {
    // not 1 mod 2048: Kyber's 3329 and 7681, 2^26 - 5 (prime), an even number
    for (const p of [3329, 7681, 67108859, 67104768, 2]) expect(() => new NttField(p)).toThrow(RangeError)
    // 1 mod 2048 but at least 2^26: 2^26 + 1, and the prime 2^27 + 2^11 + 1 region
    for (const p of [2 ** 26 + 1, 2 ** 26 + 2049, 2 ** 27 + 1]) expect(() => new NttField(p)).toThrow(RangeError)
    // 1 mod 2048 but composite: 2049 = 3 x 683, 4097 = 17 x 241 (no element of order 2048 exists)
    for (const p of [2049, 4097]) expect(() => new NttField(p)).toThrow(RangeError)
    // not an integer, not finite, non-positive, and 1 (1 mod 2048 but no root)
    for (const p of [1.5, Number.NaN, Infinity, 0, -2047, 1]) expect(() => new NttField(p)).toThrow(RangeError)
  })

  it('accepts NTT-friendly primes (so the rejections above are specific)', () => {
    for (const p of [12289, 40961, 65537, 8380417, ...PRIMES]) expect(new NttField(p).p).toBe(p)
    // and a small one works: X times X^1023 is -1 mod 12289
    const field = new NttField(12289)
    const a = monomial(1)
    const b = monomial(1023)
    field.forward(a)
    field.forward(b)
    expect(Array.from(a, (x, i) => mod(BigInt(x) * BigInt(b[i]), 12289))).toEqual(new Array<bigint>(N).fill(12288n))
  })
})
