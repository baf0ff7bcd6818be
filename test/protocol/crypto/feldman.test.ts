import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { toHex } from '../../../src/protocol/crypto/bytes.js'
import { AFFINE_POINT_LENGTH, decodeAffine, encodeAffine, Point } from '../../../src/protocol/crypto/ed25519-group.js'
import { commit, CommittedPolynomial, deal, decodeCommitments, verifySecret, verifyShare } from '../../../src/protocol/crypto/feldman.js'
import { randomPolynomial, reconstruct, SCALAR_ORDER, scalarToBytes, sharesOf } from '../../../src/protocol/crypto/shamir.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'

const P = 2n ** 255n - 19n

function littleEndian (value: bigint): string {
  return toHex(Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn)))
}

const secretArb = fc.bigInt({ min: 0n, max: SCALAR_ORDER - 1n }).map(scalarToBytes)
const seedArb = fc.string({ minLength: 1, maxLength: 8 })

/** n distinct x-coordinates, a threshold, and which t of them to reconstruct from. */
const sharingArb = fc.integer({ min: 1, max: 12 }).chain(n => fc.record({
  xs: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: n, maxLength: n }),
  threshold: fc.integer({ min: 1, max: n }),
  order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n })
}))

const named = expect.objectContaining({ name: 'InvalidCommitmentError' })

describe('the ed25519 group the commitments live in', () => {
  it('has the RFC 8032 section 5.1 base point B = (x, 4/5) of order l, encoded as x || y little-endian', () => {
    // RFC 8032 section 5.1: B = (15112221349535400772501151409588531511454012693041857206046113283949847762202,
    // 46316835694926478169428394003475163141307993866256225615783033603165251855960), and y = 4/5 mod p
    const x = 15112221349535400772501151409588531511454012693041857206046113283949847762202n
    const y = 46316835694926478169428394003475163141307993866256225615783033603165251855960n
    expect((5n * y) % P).toBe(4n)
    expect(toHex(encodeAffine([Point.BASE])[0])).toBe(littleEndian(x) + littleEndian(y))
    expect(decodeAffine(encodeAffine([Point.BASE])[0]).equals(Point.BASE)).toBe(true)
    expect(Point.BASE.multiplyUnsafe(SCALAR_ORDER - 1n).add(Point.BASE).is0()).toBe(true)
  })

  it('decodes every point it encodes, the identity and torsion points included', () => {
    const torsion = ED25519_TORSION_SUBGROUP.slice(1, 4).map(hex => Point.fromHex(hex))
    const points = [Point.ZERO, ...torsion, Point.BASE.multiply(12345n), Point.BASE.multiply(SCALAR_ORDER - 1n).add(torsion[0])]
    encodeAffine(points).forEach((bytes, i) => {
      expect(bytes).toHaveLength(AFFINE_POINT_LENGTH)
      expect(decodeAffine(bytes).equals(points[i])).toBe(true)
    })
  })

  it('refuses encodings of the wrong length, with a coordinate not below p, or off the curve', () => {
    const good = encodeAffine([Point.BASE.multiply(777n)])[0]
    expect(() => decodeAffine(good.subarray(0, 63))).toThrow(named)
    expect(() => decodeAffine(new Uint8Array([...good, 0]))).toThrow(named)
    const offCurve = good.slice()
    offCurve[40] ^= 1
    expect(() => decodeAffine(offCurve)).toThrow(named)
    // x + p encodes the same residue as x, so a decoder that reduced would accept it
    const identity = encodeAffine([Point.ZERO])[0]
    const nonCanonical = identity.slice()
    nonCanonical.set(Uint8Array.from({ length: 32 }, (_, i) => Number((P >> BigInt(8 * i)) & 0xffn)), 0)
    expect(() => decodeAffine(nonCanonical)).toThrow(named)
    const yTooBig = identity.slice()
    yTooBig.set(Uint8Array.from({ length: 32 }, (_, i) => Number(((P + 1n) >> BigInt(8 * i)) & 0xffn)), 32)
    expect(() => decodeAffine(yTooBig)).toThrow(named)
  })
})

// Every check runs in ed25519.wat and with @noble/curves alone, the fallback where WebAssembly is missing.
describe.each([['WebAssembly', true], ['@noble/curves', false]] as const)('Feldman verifiable secret sharing (%s)', (_, wasm) => {
  const decode = (commitments: Uint8Array[], threshold?: number): CommittedPolynomial => decodeCommitments(commitments, threshold, wasm)
  const verify = (points: CommittedPolynomial, x: number, share: Uint8Array | bigint): boolean => verifyShare(points, x, share, wasm)

  it('every dealt share verifies against the commitments, any t of them rebuild the secret, and C_0 commits to it', () => {
    fc.assert(fc.property(secretArb, sharingArb, seedArb, (secret, { xs, threshold, order }, seed) => {
      const { shares, commitments } = deal(secret, xs, threshold, deterministicRandom(seed))
      const points = decode(commitments, threshold)
      shares.forEach((share, i) => expect(verify(points, xs[i], share)).toBe(true))
      const chosen = order.slice(0, threshold)
      expect(reconstruct(chosen.map(i => xs[i]), chosen.map(i => shares[i]))).toEqual(secret)
      expect(verifySecret(points, secret, wasm)).toBe(true)
    }), { numRuns: 40 })
  })

  it('refuses a share off the polynomial: another value at the same x, or a share for another x', () => {
    fc.assert(fc.property(secretArb, sharingArb, fc.bigInt({ min: 1n, max: SCALAR_ORDER - 1n }), seedArb, (secret, { xs, threshold }, delta, seed) => {
      const { shares, commitments } = deal(secret, xs, threshold, deterministicRandom(seed))
      const points = decode(commitments)
      const value = BigInt('0x' + toHex(shares[0].slice().reverse()))
      expect(verify(points, xs[0], (value + delta) % SCALAR_ORDER)).toBe(false)
      // with t = 1 the polynomial is constant, and every x has the same share
      if (xs.length > 1 && threshold > 1) expect(verify(points, xs[1], shares[0])).toBe(false)
      expect(verifySecret(points, (BigInt('0x' + toHex(secret.slice().reverse())) + delta) % SCALAR_ORDER, wasm)).toBe(false)
    }), { numRuns: 40 })
  })

  it('refuses consistent shares of another secret: the commitments pin the polynomial', () => {
    const random = deterministicRandom('another secret')
    const xs = [3, 9, 27, 81]
    const honest = randomPolynomial(scalarToBytes(5n), 3, random)
    const forged = [6n, ...honest.slice(1)]
    const points = decode(commit(honest))
    sharesOf(forged, xs).forEach((share, i) => expect(verify(points, xs[i], share)).toBe(false))
    sharesOf(honest, xs).forEach((share, i) => expect(verify(points, xs[i], share)).toBe(true))
  })

  it('refuses a commitment vector of the wrong length (a polynomial of another degree)', () => {
    const { shares, commitments } = deal(scalarToBytes(42n), [1, 2, 3, 4, 5], 3, deterministicRandom('length'))
    expect(() => decode(commitments, 4)).toThrow(named)
    expect(() => decode(commitments.slice(0, 2), 3)).toThrow(named)
    expect(() => decode([])).toThrow(named)
    // a dealer that drops its top coefficient's commitment leaves shares that no longer verify
    const truncated = decode(commitments.slice(0, 2))
    expect(shares.some((share, i) => !verify(truncated, i + 1, share))).toBe(true)
  })

  it('refuses commitments with a malformed point', () => {
    const { commitments } = deal(scalarToBytes(42n), [1, 2, 3], 2, deterministicRandom('malformed'))
    const broken = commitments.map(c => c.slice())
    broken[1][5] ^= 0x10
    expect(() => decode(broken, 2)).toThrow(named)
    expect(() => decode([commitments[0], commitments[1].subarray(0, 32)], 2)).toThrow(named)
  })

  it('refuses a share that is not a canonical scalar, and x-coordinates outside 1..65535', () => {
    const { shares, commitments } = deal(scalarToBytes(42n), [1, 2], 2, deterministicRandom('canonical'))
    const points = decode(commitments)
    const value = BigInt('0x' + toHex(shares[0].slice().reverse()))
    // the same residue plus l does not fit in a scalar encoding check
    expect(verify(points, 1, value + SCALAR_ORDER)).toBe(false)
    expect(verify(points, 1, new Uint8Array(32).fill(0xff))).toBe(false)
    expect(verify(points, 0, shares[0])).toBe(false)
    expect(verify(points, 65536, shares[0])).toBe(false)
  })

  it('verifies nothing, and throws nothing, for a polynomial of malformed points built without decodeCommitments', () => {
    const { shares, commitments } = deal(scalarToBytes(42n), [1, 2], 2, deterministicRandom('unchecked'))
    for (const bad of [commitments[1].subarray(0, 10), new Uint8Array(64).fill(0xff), new Uint8Array(64).fill(1)]) {
      expect(verify(new CommittedPolynomial([commitments[0], bad]), 1, shares[0])).toBe(false)
    }
  })

  it('keeps its own copy of the commitments it checked: bytes changed afterwards do not count', () => {
    const { shares, commitments } = deal(scalarToBytes(42n), [1, 2, 3], 2, deterministicRandom('copies'))
    const points = decode(commitments, 2)
    commitments[0].fill(0xff)
    commitments[1][3] ^= 1
    shares.forEach((share, i) => expect(verify(points, i + 1, share)).toBe(true))
  })

  it('is unmoved by torsion a dealer adds to its commitments: what verifies is the prime-order polynomial', () => {
    const random = deterministicRandom('torsion')
    const xs = [1, 2, 3, 4]
    const coefficients = randomPolynomial(scalarToBytes(9n), 3, random)
    const shares = sharesOf(coefficients, xs)
    const torsion = ED25519_TORSION_SUBGROUP.slice(1, 4).map(hex => Point.fromHex(hex))
    const dirty = commit(coefficients).map((c, i) => decodeAffine(c).add(torsion[i % torsion.length]))
    const points = decode(encodeAffine(dirty))
    shares.forEach((share, i) => expect(verify(points, xs[i], share)).toBe(true))
    expect(verify(points, xs[0], shares[1])).toBe(false)
    expect(verifySecret(points, 9n, wasm)).toBe(true)
  })
})
