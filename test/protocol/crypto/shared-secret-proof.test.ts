import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js'
import { toHex, utf8 } from '../../../src/protocol/crypto/bytes.js'
import { Point } from '../../../src/protocol/crypto/ed25519-group.js'
import { proveSharedSecret, SHARED_SECRET_PROOF_LENGTH, verifySharedSecret } from '../../../src/protocol/crypto/shared-secret-proof.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { nodeX25519 } from '../../../src/protocol/crypto/x25519-node.js'

const named = expect.objectContaining({ name: 'InvalidSharedSecretProofError' })
const context = utf8('dealer 3 to holder 5, round 1 attempt 0')

async function pair (seed: string): Promise<{ secret: Uint8Array, own: Uint8Array, peerSecret: Uint8Array, peer: Uint8Array }> {
  const random = deterministicRandom(seed)
  const secret = random(32).slice()
  const peerSecret = random(32).slice()
  return { secret, own: await nodeX25519.publicKey(secret), peerSecret, peer: await nodeX25519.publicKey(peerSecret) }
}

describe('a proof of an X25519 shared secret', () => {
  it('reveals the secret both sides compute, and verifies against the two public keys alone', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 8 }), async (seed) => {
      const { secret, own, peerSecret, peer } = await pair(seed)
      const { sharedSecret, proof } = proveSharedSecret(secret, peer, context, deterministicRandom(`${seed}/nonce`))
      expect(proof).toHaveLength(SHARED_SECRET_PROOF_LENGTH)
      expect(toHex(sharedSecret)).toBe(toHex(await nodeX25519.sharedSecret(secret, peer)))
      expect(toHex(sharedSecret)).toBe(toHex(await nodeX25519.sharedSecret(peerSecret, own)))
      expect(toHex(verifySharedSecret(own, peer, context, proof))).toBe(toHex(sharedSecret))
    }), { numRuns: 15 })
  })

  it('does not verify with a flipped bit anywhere, in another context, or for other keys', async () => {
    const { secret, own, peer } = await pair('tamper')
    const other = await pair('other')
    const { proof } = proveSharedSecret(secret, peer, context, deterministicRandom('nonce'))
    for (const at of [0, 17, 31, 32, 50, 63, 64, 80, 95]) {
      const flipped = proof.slice()
      flipped[at] ^= 1
      expect(() => verifySharedSecret(own, peer, context, flipped), `bit at byte ${at}`).toThrow(named)
    }
    expect(() => verifySharedSecret(own, peer, utf8('another pair'), proof)).toThrow(named)
    expect(() => verifySharedSecret(peer, own, context, proof)).toThrow(named)
    expect(() => verifySharedSecret(other.own, peer, context, proof)).toThrow(named)
    expect(() => verifySharedSecret(own, other.peer, context, proof)).toThrow(named)
    expect(() => verifySharedSecret(own, peer, context, proof.subarray(0, 95))).toThrow(named)
  })

  it('cannot pass off another point as the secret: the revealed point plus torsion is refused', async () => {
    const { secret, own, peer } = await pair('torsion')
    const { proof } = proveSharedSecret(secret, peer, context, deterministicRandom('nonce'))
    const Z = Point.fromBytes(proof.subarray(0, 32))
    const dirty = proof.slice()
    dirty.set(Z.add(Point.fromHex(ED25519_TORSION_SUBGROUP[3])).toBytes(), 0)
    expect(() => verifySharedSecret(own, peer, context, dirty)).toThrow(named)
    const doubled = proof.slice()
    doubled.set(Z.double().toBytes(), 0)
    expect(() => verifySharedSecret(own, peer, context, doubled)).toThrow(named)
  })

  it('cannot be made or checked for a key with no point on the curve (a twist key), nor a small-order one', async () => {
    const { secret, own } = await pair('twist')
    // u = 2 is on the quadratic twist of curve25519: X25519 computes with it, but no Edwards point has it
    const twist = new Uint8Array(32)
    twist[0] = 2
    expect(() => proveSharedSecret(secret, twist, context, deterministicRandom('nonce'))).toThrow(named)
    const { proof } = proveSharedSecret(secret, (await pair('x')).peer, context, deterministicRandom('nonce'))
    expect(() => verifySharedSecret(own, twist, context, proof)).toThrow(named)
    expect(() => verifySharedSecret(own, new Uint8Array(32), context, proof)).toThrow(named)
  })
})
