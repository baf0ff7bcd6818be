import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fromHex, toHex } from '../../../src/protocol/crypto/bytes.js'
import { nobleX25519, type X25519 } from '../../../src/protocol/crypto/x25519.js'
import { nodeX25519 } from '../../../src/protocol/crypto/x25519-node.js'
import { detectX25519, webCryptoX25519 } from '../../../src/protocol/crypto/x25519-web.js'

const backends: X25519[] = [nodeX25519, webCryptoX25519(globalThis.crypto.subtle), nobleX25519]

// RFC 7748, section 6.1 (Diffie-Hellman on Curve25519).
const alice = {
  secret: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
  public: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'
}
const bob = {
  secret: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
  public: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'
}
const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'

// RFC 7748, section 5.2 (scalar multiplication test vectors, including non-canonical inputs).
const scalarMult = [
  {
    scalar: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
    u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
    out: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552'
  },
  {
    scalar: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
    u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
    out: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957'
  }
]

describe.each(backends)('X25519 ($name)', (x25519) => {
  it('derives the RFC 7748 section 6.1 public keys', async () => {
    expect(toHex(await x25519.publicKey(fromHex(alice.secret)))).toBe(alice.public)
    expect(toHex(await x25519.publicKey(fromHex(bob.secret)))).toBe(bob.public)
  })

  it('agrees on the RFC 7748 section 6.1 shared secret from both sides', async () => {
    expect(toHex(await x25519.sharedSecret(fromHex(alice.secret), fromHex(bob.public)))).toBe(shared)
    expect(toHex(await x25519.sharedSecret(fromHex(bob.secret), fromHex(alice.public)))).toBe(shared)
  })

  it.each(scalarMult)('matches the RFC 7748 section 5.2 scalar multiplication vector $out', async ({ scalar, u, out }) => {
    expect(toHex(await x25519.sharedSecret(fromHex(scalar), fromHex(u)))).toBe(out)
  })

  it('matches the RFC 7748 section 5.2 iterated vector after 1 and 1000 iterations', async () => {
    let k: Uint8Array = new Uint8Array(32)
    k[0] = 9
    let u: Uint8Array = k.slice()
    for (let i = 1; i <= 1000; i++) {
      const r = await x25519.sharedSecret(k, u)
      u = k
      k = r
      if (i === 1) expect(toHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079')
    }
    expect(toHex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51')
  })

  it('rejects a small-order public key (all-zero shared secret, RFC 7748 section 6.1)', async () => {
    await expect(x25519.sharedSecret(fromHex(alice.secret), new Uint8Array(32))).rejects.toThrow(expect.objectContaining({ name: 'InvalidPublicKeyError' }))
    // u = 1 is of small order too
    const one = new Uint8Array(32)
    one[0] = 1
    await expect(x25519.sharedSecret(fromHex(alice.secret), one)).rejects.toThrow(expect.objectContaining({ name: 'InvalidPublicKeyError' }))
  })

  it('rejects keys of the wrong length', async () => {
    await expect(x25519.sharedSecret(new Uint8Array(31), fromHex(bob.public))).rejects.toThrow(expect.objectContaining({ name: 'InvalidPublicKeyError' }))
    await expect(x25519.sharedSecret(fromHex(alice.secret), new Uint8Array(33))).rejects.toThrow(expect.objectContaining({ name: 'InvalidPublicKeyError' }))
  })
})

describe('X25519 backends', () => {
  it('give the same public keys and shared secrets on random keys', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), async (a, b) => {
      const publics = await Promise.all(backends.map(async x => toHex(await x.publicKey(a))))
      expect(new Set(publics).size).toBe(1)
      const pubB = await nobleX25519.publicKey(b)
      const secrets = await Promise.all(backends.map(async x => toHex(await x.sharedSecret(a, pubB))))
      expect(new Set(secrets).size).toBe(1)
      expect(secrets[0]).toBe(toHex(await nobleX25519.sharedSecret(b, fromHex(publics[0]))))
    }), { numRuns: 50 })
  })

  it('detects WebCrypto X25519 in this runtime and falls back to noble without it', async () => {
    expect((await detectX25519()).name).toBe('webcrypto')
    expect((await detectX25519(undefined)).name).toBe('webcrypto')
    const broken = { importKey: async () => { throw new Error('unsupported') } } as unknown as SubtleCrypto
    expect((await detectX25519(broken)).name).toBe('noble')
  })
})
