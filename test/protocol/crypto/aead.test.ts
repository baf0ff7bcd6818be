import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fromHex, toHex, utf8 } from '../../../src/protocol/crypto/bytes.js'
import { open, seal, shareAssociatedData } from '../../../src/protocol/crypto/aead.js'

describe('ChaCha20-Poly1305', () => {
  // RFC 8439, section 2.8.2 (Example and Test Vector for AEAD_CHACHA20_POLY1305).
  const key = fromHex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f')
  const nonce = fromHex('070000004041424344454647')
  const aad = fromHex('50515253c0c1c2c3c4c5c6c7')
  const plaintext = utf8("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.")
  const ciphertext = 'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116'
  const tag = '1ae10b594f09e26a7e902ecbd0600691'

  it('matches the RFC 8439 section 2.8.2 vector', () => {
    expect(toHex(seal(key, nonce, plaintext, aad))).toBe(ciphertext + tag)
    expect(open(key, nonce, fromHex(ciphertext + tag), aad)).toEqual(plaintext)
  })

  it('rejects any flipped bit in ciphertext, tag, nonce or associated data', () => {
    const sealed = seal(key, nonce, plaintext, aad)
    fc.assert(fc.property(fc.nat(sealed.length * 8 - 1), (bit) => {
      const bad = sealed.slice()
      bad[bit >> 3] ^= 1 << (bit & 7)
      expect(() => open(key, nonce, bad, aad)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    }), { numRuns: 200 })
    const badNonce = nonce.slice()
    badNonce[0] ^= 1
    expect(() => open(key, badNonce, sealed, aad)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    const badAad = aad.slice()
    badAad[3] ^= 0x80
    expect(() => open(key, nonce, sealed, badAad)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
  })

  it('rejects truncated ciphertexts as malformed', () => {
    expect(() => open(key, nonce, new Uint8Array(15), aad)).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
  })

  it('binds the direction and the round attempt in the associated data', () => {
    const context = { sessionId: new Uint8Array(32), round: 1, attempt: 0 }
    const a = utf8('a')
    const b = utf8('b')
    const forward = shareAssociatedData(context, a, b)
    const sealed = seal(key, nonce, plaintext, forward)
    expect(() => open(key, nonce, sealed, shareAssociatedData(context, b, a))).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    expect(() => open(key, nonce, sealed, shareAssociatedData({ ...context, attempt: 1 }, a, b))).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    expect(() => open(key, nonce, sealed, shareAssociatedData({ ...context, round: 2 }, a, b))).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    expect(open(key, nonce, sealed, forward)).toEqual(plaintext)
  })
})
