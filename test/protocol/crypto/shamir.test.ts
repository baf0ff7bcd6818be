import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { combine, FIELD_PRIME, lagrangeAtZero, reconstruct, split, SHARE_LENGTH } from '../../../src/protocol/crypto/shamir.js'

const p = FIELD_PRIME

function modPow (base: bigint, exp: bigint, m: bigint): bigint {
  let r = 1n
  base %= m
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % m
    base = (base * base) % m
    exp >>= 1n
  }
  return r
}

function isProbablePrime (n: bigint): boolean {
  let d = n - 1n
  let s = 0
  while ((d & 1n) === 0n) { d >>= 1n; s++ }
  for (const a of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n]) {
    let x = modPow(a, d, n)
    if (x === 1n || x === n - 1n) continue
    let composite = true
    for (let i = 1; i < s; i++) {
      x = (x * x) % n
      if (x === n - 1n) { composite = false; break }
    }
    if (composite) return false
  }
  return true
}

/** A random source that replays the given byte strings, for driving split with chosen coefficients. */
function replay (chunks: Uint8Array[]): (length: number) => Uint8Array {
  let i = 0
  return (length) => {
    const chunk = chunks[i++]
    expect(chunk.length).toBe(length)
    return chunk
  }
}

function toBytes (value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = length - 1; i >= 0; i--) { out[i] = Number(value & 0xffn); value >>= 8n }
  return out
}

function toBigInt (bytes: Uint8Array): bigint {
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n)
}

const randomBytes = (length: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(length))
const secretArb = fc.uint8Array({ minLength: 32, maxLength: 32 })

/** n distinct x-coordinates, a threshold, and which t of them to reconstruct from. */
const sharingArb = fc.integer({ min: 1, max: 40 }).chain(n => fc.record({
  xs: fc.uniqueArray(fc.integer({ min: 1, max: 10000 }), { minLength: n, maxLength: n }),
  threshold: fc.integer({ min: 1, max: n }),
  order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })
}))

describe('Shamir secret sharing over p = 2^256 + 297', () => {
  it('works in a prime field just above 2^256, so every 32-byte secret is a field element', () => {
    expect(isProbablePrime(p)).toBe(true)
    expect(p > (1n << 256n)).toBe(true)
    for (let c = 1n; c < 297n; c += 2n) expect(isProbablePrime((1n << 256n) + c)).toBe(false)
  })

  it('reconstructs the secret from any t of n shares', () => {
    fc.assert(fc.property(secretArb, sharingArb, (secret, { xs, threshold, order }) => {
      const shares = split(secret, xs, threshold, randomBytes)
      expect(shares.every(s => s.length === SHARE_LENGTH)).toBe(true)
      const chosen = order.slice(0, threshold)
      expect(reconstruct(chosen.map(i => xs[i]), chosen.map(i => shares[i]))).toEqual(secret)
    }), { numRuns: 300 })
  })

  it('leaves t-1 shares consistent with every secret: each alternative secret has exactly one polynomial giving the same shares', () => {
    fc.assert(fc.property(secretArb, secretArb, sharingArb, (secret, other, { xs, threshold }) => {
      fc.pre(threshold >= 2)
      const coefficients = Array.from({ length: threshold - 1 }, () => toBigInt(randomBytes(48)) % p)
      const shares = split(secret, xs, threshold, replay(coefficients.map(c => toBytes(c, 48))))
      // f'(x) = f(x) + (s' - s) * prod_i (1 - x / x_i) agrees with f on the first t-1 holders
      const known = xs.slice(0, threshold - 1)
      let basis = [1n]
      for (const xi of known) {
        const factor = (p - modPow(BigInt(xi), p - 2n, p)) % p // -1/x_i
        const next = new Array<bigint>(basis.length + 1).fill(0n)
        basis.forEach((c, j) => { next[j] = (next[j] + c) % p; next[j + 1] = (next[j + 1] + c * factor) % p })
        basis = next
      }
      const delta = ((toBigInt(other) - toBigInt(secret)) % p + p) % p
      const shifted = coefficients.map((c, j) => (c + delta * basis[j + 1]) % p)
      const otherShares = split(other, xs, threshold, replay(shifted.map(c => toBytes(c, 48))))
      expect(otherShares.slice(0, threshold - 1)).toEqual(shares.slice(0, threshold - 1))
      if (toBigInt(other) !== toBigInt(secret)) expect(otherShares[threshold - 1]).not.toEqual(shares[threshold - 1])
    }), { numRuns: 200 })
  })

  it('reuses one set of Lagrange coefficients for every secret shared among the same holders', () => {
    const xs = Array.from({ length: 60 }, (_, i) => 3 * i + 7)
    const holders = xs.slice(10, 41)
    const coefficients = lagrangeAtZero(holders)
    for (let k = 0; k < 20; k++) {
      const secret = randomBytes(32)
      const shares = split(secret, xs, 31, randomBytes)
      expect(combine(shares.slice(10, 41), coefficients)).toEqual(secret)
    }
  })

  it('handles n = 10,000 holders', () => {
    const xs = Array.from({ length: 10000 }, (_, i) => i + 1)
    const secret = randomBytes(32)
    const shares = split(secret, xs, 100, randomBytes)
    const pick = [9999, 5000, 1, 77, ...Array.from({ length: 96 }, (_, i) => 100 * i + 3)]
    expect(reconstruct(pick.map(i => xs[i]), pick.map(i => shares[i]))).toEqual(secret)
  })

  it('handles t = n = 2000', () => {
    const xs = Array.from({ length: 2000 }, (_, i) => i + 1)
    const secret = randomBytes(32)
    const shares = split(secret, xs, 2000, randomBytes)
    expect(reconstruct(xs, shares)).toEqual(secret)
    expect(reconstruct(xs.slice(1), shares.slice(1))).not.toEqual(secret)
  })

  it('rejects bad parameters and malformed shares with InvalidShareError', () => {
    const named = expect.objectContaining({ name: 'InvalidShareError' })
    expect(() => split(new Uint8Array(31), [1, 2], 1, randomBytes)).toThrow(named)
    expect(() => split(new Uint8Array(32), [1, 1], 1, randomBytes)).toThrow(named)
    expect(() => split(new Uint8Array(32), [0, 1], 1, randomBytes)).toThrow(named)
    expect(() => split(new Uint8Array(32), [1, 2], 3, randomBytes)).toThrow(named)
    expect(() => split(new Uint8Array(32), [1, 2], 0, randomBytes)).toThrow(named)
    expect(() => reconstruct([1], [new Uint8Array(32)])).toThrow(named)
    expect(() => reconstruct([1], [new Uint8Array(33).fill(0xff)])).toThrow(named)
    expect(() => combine([new Uint8Array(33)], [])).toThrow(named)
  })
})
