import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ed25519 } from '@noble/curves/ed25519.js'
import { fromHex, toHex } from '../../../src/protocol/crypto/bytes.js'
import { combine, lagrangeAtZero, reconstruct, SCALAR_ORDER, scalarFromBytes, scalarToBytes, split, SHARE_LENGTH } from '../../../src/protocol/crypto/shamir.js'

const p = SCALAR_ORDER

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

/** Little-endian, as secrets and shares are encoded. */
function toBytes (value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) { out[i] = Number(value & 0xffn); value >>= 8n }
  return out
}

function toBigInt (bytes: Uint8Array): bigint {
  return bytes.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n)
}

const randomBytes = (length: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(length))
/** Secrets are scalars below l, 32 bytes little-endian. */
const secretArb = fc.bigInt({ min: 0n, max: SCALAR_ORDER - 1n }).map(v => toBytes(v, 32))

/** n distinct x-coordinates, a threshold, and which t of them to reconstruct from. */
const sharingArb = fc.integer({ min: 1, max: 40 }).chain(n => fc.record({
  xs: fc.uniqueArray(fc.integer({ min: 1, max: 10000 }), { minLength: n, maxLength: n }),
  threshold: fc.integer({ min: 1, max: n }),
  order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })
}))

describe('Shamir secret sharing over the ed25519 scalar field', () => {
  it('works mod the order l of the RFC 8032 base point (section 5.1), which is prime', () => {
    // RFC 8032 section 5.1: L = 2^252 + 27742317777372353535851937790883648493
    expect(p).toBe(2n ** 252n + 27742317777372353535851937790883648493n)
    expect(p).toBe(ed25519.Point.Fn.ORDER)
    expect(isProbablePrime(p)).toBe(true)
  })

  it('encodes scalars little-endian as RFC 8032 does, and refuses encodings of l or more', () => {
    expect(toHex(scalarToBytes(1n))).toBe('01' + '00'.repeat(31))
    // L - 1 = 2^252 + 0x14def9dea2f79cd65812631a5cf5d3ec (RFC 8032 section 5.1), byte by byte from the least significant
    expect(toHex(scalarToBytes(p - 1n))).toBe('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
    expect(scalarFromBytes(fromHex('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'))).toBe(p - 1n)
    const named = expect.objectContaining({ name: 'InvalidShareError' })
    expect(() => scalarFromBytes(fromHex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'))).toThrow(named)
    expect(() => scalarFromBytes(new Uint8Array(32).fill(0xff))).toThrow(named)
    expect(() => scalarFromBytes(new Uint8Array(31))).toThrow(named)
  })

  it('decodes every scalar it encodes, whatever its bytes', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: p - 1n }), (x) => {
      expect(scalarFromBytes(scalarToBytes(x))).toBe(x)
      // and from a view into a larger buffer, at an odd offset
      const padded = new Uint8Array(40)
      padded.set(scalarToBytes(x), 3)
      expect(scalarFromBytes(padded.subarray(3, 35))).toBe(x)
    }), { numRuns: 300 })
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
      const coefficients = Array.from({ length: threshold - 1 }, () => toBigInt(randomBytes(64)) % p)
      const shares = split(secret, xs, threshold, replay(coefficients.map(c => toBytes(c, 64))))
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
      const otherShares = split(other, xs, threshold, replay(shifted.map(c => toBytes(c, 64))))
      expect(otherShares.slice(0, threshold - 1)).toEqual(shares.slice(0, threshold - 1))
      if (toBigInt(other) !== toBigInt(secret)) expect(otherShares[threshold - 1]).not.toEqual(shares[threshold - 1])
    }), { numRuns: 200 })
  })

  it('reuses one set of Lagrange coefficients for every secret shared among the same holders', () => {
    const xs = Array.from({ length: 60 }, (_, i) => 3 * i + 7)
    const holders = xs.slice(10, 41)
    const coefficients = lagrangeAtZero(holders)
    for (let k = 0; k < 20; k++) {
      const secret = toBytes(toBigInt(randomBytes(64)) % p, 32)
      const shares = split(secret, xs, 31, randomBytes)
      expect(combine(shares.slice(10, 41), coefficients)).toEqual(secret)
    }
  })

  it('handles n = 10,000 holders', () => {
    const xs = Array.from({ length: 10000 }, (_, i) => i + 1)
    const secret = toBytes(toBigInt(randomBytes(64)) % p, 32)
    const shares = split(secret, xs, 100, randomBytes)
    const pick = [9999, 5000, 1, 77, ...Array.from({ length: 96 }, (_, i) => 100 * i + 3)]
    expect(reconstruct(pick.map(i => xs[i]), pick.map(i => shares[i]))).toEqual(secret)
  })

  it('handles t = n = 2000', () => {
    const xs = Array.from({ length: 2000 }, (_, i) => i + 1)
    const secret = toBytes(toBigInt(randomBytes(64)) % p, 32)
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
    // a secret at or above l is not a scalar
    expect(() => split(toBytes(p, 32), [1, 2], 1, randomBytes)).toThrow(named)
    expect(() => reconstruct([1], [new Uint8Array(33)])).toThrow(named)
    expect(() => reconstruct([1], [new Uint8Array(32).fill(0xff)])).toThrow(named)
    expect(() => combine([new Uint8Array(32)], [])).toThrow(named)
  })
})
