import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fromHex, toHex } from '../../../src/protocol/crypto/bytes.js'
import { Point } from '../../../src/protocol/crypto/ed25519-group.js'
import { maskPublicKeyOf, maskSecretKey, randomMaskScalar, rebuildMaskKey, unclampedX25519 } from '../../../src/protocol/crypto/mask-key.js'
import { SCALAR_ORDER } from '../../../src/protocol/crypto/shamir.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { nobleX25519 } from '../../../src/protocol/crypto/x25519.js'
import { nodeX25519 } from '../../../src/protocol/crypto/x25519-node.js'

const TWO_251 = 2n ** 251n
const L = SCALAR_ORDER

function clamp (secretKey: Uint8Array): Uint8Array {
  const out = secretKey.slice()
  out[0] &= 248
  out[31] &= 127
  out[31] |= 64
  return out
}

function littleEndian (bytes: Uint8Array): bigint {
  return bytes.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n)
}

describe('mask keys 2^254 + 8m', () => {
  it('are left unchanged by X25519\'s clamping, and their public key is bound by m * B', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 8 }), async (seed) => {
      const m = randomMaskScalar(deterministicRandom(seed))
      expect(m >= 0n && m < TWO_251).toBe(true)
      const secretKey = maskSecretKey(m)
      expect(clamp(secretKey)).toEqual(secretKey)
      expect(littleEndian(secretKey)).toBe(2n ** 254n + 8n * m)
      const publicKey = await nodeX25519.publicKey(secretKey)
      expect(toHex(maskPublicKeyOf(Point.BASE.multiplyUnsafe(m))!)).toBe(toHex(publicKey))
      expect(toHex(await nobleX25519.publicKey(secretKey))).toBe(toHex(publicKey))
    }), { numRuns: 30 })
  })

  it('bind nothing but their own scalar: another m, or torsion-free m * B plus a torsion point, changes nothing but what it must', async () => {
    const m = 123456789n
    const publicKey = await nodeX25519.publicKey(maskSecretKey(m))
    expect(toHex(maskPublicKeyOf(Point.BASE.multiplyUnsafe(m + 1n))!)).not.toBe(toHex(publicKey))
    // the cofactor 8 in 2^254 B + 8 C_0 clears a torsion part of C_0
    const torsion = Point.fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')
    expect(toHex(maskPublicKeyOf(Point.BASE.multiplyUnsafe(m).add(torsion))!)).toBe(toHex(publicKey))
  })
})

describe('the unclamped X25519 ladder', () => {
  it('matches the RFC 7748 section 5.2 vector when given the clamped scalar', () => {
    const scalar = clamp(fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'))
    const u = fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c')
    expect(toHex(unclampedX25519(littleEndian(scalar), u))).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552')
  })

  it('multiplies by the scalar as given: k and k + l agree on the base point, and 8k on any point of the curve agrees with the clamped key 8k when that is one', async () => {
    const base = new Uint8Array(32)
    base[0] = 9
    const k = 0xabcdef123456789n
    expect(toHex(unclampedX25519(k, base))).toBe(toHex(unclampedX25519(k + L, base)))
    const secretKey = maskSecretKey(77n)
    const peer = await nodeX25519.publicKey(deterministicRandom('peer')(32))
    expect(toHex(unclampedX25519(littleEndian(secretKey), peer))).toBe(toHex(await nodeX25519.sharedSecret(secretKey, peer)))
  })
})

describe('a mask key rebuilt from m* = m mod l', () => {
  const peerSecret = deterministicRandom('neighbour')(32)

  /** The mask key a dealer that committed to m advertised, and its neighbour's view of their shared secret. */
  async function advertised (m: bigint): Promise<{ publicKey: Uint8Array, shared: Uint8Array }> {
    const publicKey = maskPublicKeyOf(Point.BASE.multiplyUnsafe(m))!
    return { publicKey, shared: await nodeX25519.sharedSecret(peerSecret, publicKey) }
  }

  it.each([
    ['an honest dealer\'s m below 2^251', 987654321987654321n],
    ['a scalar above 2^251 whose negation fits (m\' = -2^252 - m* mod l)', L - 5n],
    ['a scalar in the narrow range where neither fits (just above 2^251)', TWO_251 + 3n],
    ['the top of that range', TWO_251 + 2n * (L - 2n ** 252n) - 1n]
  ])('gives the same public key and the same shared secret with every neighbour: %s', async (_, m) => {
    const rebuilt = rebuildMaskKey(nodeX25519, m % L)
    const { publicKey, shared } = await advertised(m % L)
    expect(toHex(await rebuilt.publicKey())).toBe(toHex(publicKey))
    const peerPublic = await nodeX25519.publicKey(peerSecret)
    expect(toHex(await rebuilt.sharedSecret(peerPublic))).toBe(toHex(shared))
  })

  it('is an honest dealer\'s own key: the same public key', async () => {
    const m = randomMaskScalar(deterministicRandom('honest'))
    const rebuilt = rebuildMaskKey(nodeX25519, m)
    expect(toHex(await rebuilt.publicKey())).toBe(toHex(await nodeX25519.publicKey(maskSecretKey(m))))
  })

  it('refuses a small-order public key in the narrow range too', async () => {
    const rebuilt = rebuildMaskKey(nodeX25519, TWO_251 + 3n)
    await expect(rebuilt.sharedSecret(new Uint8Array(32))).rejects.toMatchObject({ name: 'InvalidPublicKeyError' })
  })
})
