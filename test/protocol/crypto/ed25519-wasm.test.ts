/**
 * The point arithmetic of ed25519.wat against @noble/curves: the committed module is what the .wat
 * compiles to, it decodes exactly the encodings decodeAffine does, its Horner sums are noble's,
 * torsion and the identity included, for any x a share can have, and it takes exactly the X25519 keys
 * that have an Edwards point.
 */
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { describe, expect, it } from 'vitest'
import { decodeAffine, edwardsFromU, encodeAffine, Point } from '../../../src/protocol/crypto/ed25519-group.js'
import { isProvableKey } from '../../../src/protocol/crypto/shared-secret-proof.js'
import { nodeX25519 } from '../../../src/protocol/crypto/x25519-node.js'
import { commit, nafDigits } from '../../../src/protocol/crypto/feldman.js'
import { SCALAR_ORDER, scalarToBytes } from '../../../src/protocol/crypto/shamir.js'
import { ed25519Kernel } from '../../../src/protocol/crypto/wasm/ed25519.js'
// @ts-expect-error: a plain ES module script, without types
import { compileModule, moduleFile } from '../../../scripts/build-wasm.mjs'

const P = 2n ** 255n - 19n
const kernel = ed25519Kernel()!
const torsion = ED25519_TORSION_SUBGROUP.map(hex => Point.fromHex(hex))

/** Any point of the curve: a multiple of the base point (zero included) plus any torsion point. */
const pointArb = fc.record({ k: fc.bigInt({ min: 0n, max: SCALAR_ORDER - 1n }), torsion: fc.integer({ min: 0, max: 7 }) })
  .map(({ k, torsion: i }) => (k === 0n ? Point.ZERO : Point.BASE.multiply(k)).add(torsion[i]))

function littleEndian (value: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn))
}

function decodes (bytes: Uint8Array): boolean {
  try {
    decodeAffine(bytes)
    return true
  } catch {
    return false
  }
}

describe('ed25519.wat', () => {
  it('is what its .wat compiles to', async () => {
    expect(await compileModule('ed25519')).toBe(await readFile(moduleFile('ed25519'), 'utf8'))
  })

  it('sums x^i P_i as @noble/curves does, for any points and any x from 1 to 65535', () => {
    fc.assert(fc.property(fc.array(pointArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 65535 }), (points, x) => {
      expect(kernel.load(encodeAffine(points))).toBe(points.length)
      kernel.horner(nafDigits(x))
      const { X, Y, Z, T } = kernel.sum()
      let expected = points[points.length - 1]
      for (let i = points.length - 2; i >= 0; i--) expected = expected.multiplyUnsafe(BigInt(x)).add(points[i])
      const sum = new Point(X, Y, Z, T)
      expect(sum.equals(expected)).toBe(true)
      // and a consistent extended point: XY = ZT
      expect((X * Y - Z * T) % P).toBe(0n)
    }), { numRuns: 150 })
  })

  it('sums a long list at the largest x, where the limbs grow most', () => {
    const points = Array.from({ length: 40 }, (_, i) => Point.BASE.multiply(BigInt(i + 1) * 0x9e3779b97f4a7c15n).add(torsion[i % 8]))
    kernel.load(encodeAffine(points))
    kernel.horner(nafDigits(65535))
    const { X, Y, Z, T } = kernel.sum()
    let expected = points[points.length - 1]
    for (let i = points.length - 2; i >= 0; i--) expected = expected.multiplyUnsafe(65535n).add(points[i])
    expect(new Point(X, Y, Z, T).equals(expected)).toBe(true)
  })

  it('finds 8 (s B - sum) the identity exactly when @noble/curves does, torsion in the sum or not', () => {
    const scalarArb = fc.bigInt({ min: 0n, max: SCALAR_ORDER - 1n })
    fc.assert(fc.property(scalarArb, fc.integer({ min: 0, max: 7 }), scalarArb, (k, t, s) => {
      // the sum is k B + torsion: it commits to k, and to s only when s = k
      const point = (k === 0n ? Point.ZERO : Point.BASE.multiply(k)).add(torsion[t])
      kernel.load(encodeAffine([point]))
      kernel.horner([1])
      expect(kernel.commits(scalarToBytes(k))).toBe(true)
      expect(kernel.commits(scalarToBytes(s))).toBe(s === k)
      expect(kernel.commits(scalarToBytes((k + 1n) % SCALAR_ORDER))).toBe(false)
    }), { numRuns: 150 })
    // s up to 2^255 - 1, where the top signed digit carries most
    kernel.load(encodeAffine([Point.BASE.multiply((2n ** 255n - 1n) % SCALAR_ORDER)]))
    kernel.horner([1])
    expect(kernel.commits(littleEndian(2n ** 255n - 1n))).toBe(true)
    expect(kernel.commits(littleEndian(2n ** 255n - 2n))).toBe(false)
  })

  it('multiplies B by any scalar below 2^255 as @noble/curves does, zero and l - 1 included', () => {
    const scalarArb = fc.oneof(
      fc.bigInt({ min: 0n, max: SCALAR_ORDER - 1n }),
      fc.constantFrom(0n, 1n, 8n, 16n, SCALAR_ORDER - 1n, 2n ** 252n, 2n ** 255n - 1n),
      fc.bigInt({ min: SCALAR_ORDER, max: 2n ** 255n - 1n })
    )
    fc.assert(fc.property(scalarArb, s => {
      const { X, Y, Z, T } = kernel.baseMultiply(littleEndian(s))
      const reduced = s % SCALAR_ORDER
      expect(new Point(X, Y, Z, T).equals(reduced === 0n ? Point.ZERO : Point.BASE.multiply(reduced))).toBe(true)
    }), { numRuns: 200 })
  })

  it('commits to a polynomial with the same bytes either way', () => {
    fc.assert(fc.property(fc.array(fc.bigInt({ min: 0n, max: SCALAR_ORDER - 1n }), { minLength: 1, maxLength: 6 }), coefficients => {
      expect(commit(coefficients, true)).toEqual(commit(coefficients, false))
    }), { numRuns: 50 })
  })

  it('loads exactly the encodings decodeAffine takes: canonical coordinates of a point on the curve', () => {
    const encodingArb = fc.oneof(
      // a point, one byte changed: off the curve, almost always
      fc.tuple(pointArb, fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 255 })).map(([point, at, flip]) => {
        const bytes = encodeAffine([point])[0]
        bytes[at] ^= flip
        return bytes
      }),
      // a point whose coordinate c < 19 is written as c + p, or with bit 255 set
      fc.tuple(pointArb, fc.boolean(), fc.boolean()).map(([point, second, high]) => {
        const bytes = encodeAffine([point])[0]
        const at = second ? 32 : 0
        if (high) bytes[at + 31] |= 0x80
        else bytes.set(littleEndian(P + BigInt(bytes[at] % 19)), at)
        return bytes
      }),
      pointArb.map(point => encodeAffine([point])[0]),
      fc.uint8Array({ minLength: 64, maxLength: 64 })
    )
    fc.assert(fc.property(fc.array(encodingArb, { minLength: 1, maxLength: 4 }), encodings => {
      const firstBad = encodings.findIndex(bytes => !decodes(bytes))
      expect(kernel.load(encodings)).toBe(firstBad === -1 ? encodings.length : firstBad)
    }), { numRuns: 300 })
  })

  it('takes coordinates up to p - 1, and refuses a point on the curve whose coordinate is written plus p', () => {
    const encode = (x: bigint, y: bigint): Uint8Array => Uint8Array.from([...littleEndian(x), ...littleEndian(y)])
    // the identity (0, 1) and the torsion point (0, -1): -1 = p - 1 is the largest canonical coordinate
    for (const y of [1n, P - 1n]) {
      expect(decodes(encode(0n, y))).toBe(true)
      expect(kernel.load([encode(0n, y)])).toBe(1)
      for (const bad of [encode(P, y), encode(0n, y + P), encode(P, y + P)]) {
        expect(decodes(bad)).toBe(false)
        expect(kernel.load([bad])).toBe(0)
      }
    }
  })

  it('forgets the points loaded before when a load fails on a wrong length, rather than mixing two lists', () => {
    const points = Array.from({ length: 10 }, (_, i) => Point.BASE.multiply(BigInt(i + 2)))
    expect(kernel.load(encodeAffine(points))).toBe(10)
    const [good] = encodeAffine([Point.BASE])
    expect(() => kernel.load([good, good, new Uint8Array(3)])).toThrow(RangeError)
    expect(() => kernel.horner([1])).toThrow(RangeError)
  })

  it('refuses to sum when the last load failed', () => {
    const off = encodeAffine([Point.BASE])[0]
    off[0] ^= 1
    expect(kernel.load([off])).toBe(0)
    expect(() => kernel.horner([1])).toThrow(RangeError)
    expect(() => kernel.commits(scalarToBytes(1n))).toThrow(RangeError)
  })
})

describe('isProvableKey', () => {
  const P_BYTES = littleEndian(P)
  const uArb = fc.oneof(
    // any 255-bit value: about half on the curve, half on its twist, a few not canonical
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytes => { bytes[31] &= 0x7f; return bytes }),
    fc.bigInt({ min: 0n, max: 40n }).map(u => littleEndian(u)),
    fc.bigInt({ min: P - 40n, max: 2n ** 255n - 1n }).map(u => littleEndian(u)),
    fc.uint8Array({ minLength: 32, maxLength: 32 })
  )

  it('takes exactly the keys edwardsFromU finds an Edwards point for', () => {
    fc.assert(fc.property(uArb, u => {
      expect(isProvableKey(u)).toBe(edwardsFromU(u) !== undefined)
      expect(isProvableKey(u, false)).toBe(edwardsFromU(u) !== undefined)
    }), { numRuns: 400 })
  })

  it('takes real X25519 keys and the u of torsion points, and refuses -1, p and the twist', async () => {
    for (let i = 0; i < 20; i++) expect(isProvableKey(await nodeX25519.publicKey(new Uint8Array(32).fill(i + 1)))).toBe(true)
    // u = 0 is the point of order 2 (0, -1); u = 1 maps to y = 0, the points of order 4
    expect(isProvableKey(littleEndian(0n))).toBe(true)
    expect(isProvableKey(littleEndian(1n))).toBe(true)
    expect(isProvableKey(littleEndian(P - 1n))).toBe(false)
    expect(isProvableKey(P_BYTES)).toBe(false)
    expect(isProvableKey(new Uint8Array(31))).toBe(false)
  })
})
