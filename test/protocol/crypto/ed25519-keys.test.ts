/**
 * Ed25519 through node:crypto with cached keys (ed25519-keys.ts) signs exactly as the libp2p keys do,
 * and accepts exactly what they accept.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signMessage, verifyMessage } from '../../../src/protocol/crypto/ed25519-keys.js'

describe('Ed25519 with keys imported once', () => {
  it('gives the libp2p key\'s signature, byte for byte, and both verify it', async () => {
    const key = await generateKeyPair('Ed25519')
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (message) => {
      const signature = await signMessage(key, message)
      // the key's own method returns a Buffer: compare bytes
      expect(Buffer.from(signature).equals(Buffer.from(await key.sign(message)))).toBe(true)
      expect(await verifyMessage(key.publicKey, message, signature)).toBe(true)
      expect(await key.publicKey.verify(message, signature)).toBe(true)
    }), { numRuns: 50 })
  })

  it('refuses what the libp2p key refuses: another message, another key, a changed signature', async () => {
    const key = await generateKeyPair('Ed25519')
    const other = await generateKeyPair('Ed25519')
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(63), async (message, at) => {
      const signature = await key.sign(message)
      const changedMessage = message.slice()
      changedMessage[0] ^= 1
      const changedSignature = signature.slice()
      changedSignature[at] ^= 0x40
      for (const [publicKey, m, s] of [[key.publicKey, changedMessage, signature], [other.publicKey, message, signature], [key.publicKey, message, changedSignature]] as const) {
        expect(await verifyMessage(publicKey, m, s)).toBe(false)
        expect(await publicKey.verify(m, s)).toBe(false)
      }
    }), { numRuns: 50 })
  })
})
