import { describe, expect, it } from 'vitest'
import { fromHex, toHex, utf8 } from '../../../src/protocol/crypto/bytes.js'
import { derivePairKey, deriveSelfMaskKey, hkdf, KdfLabel, kdfInfo } from '../../../src/protocol/crypto/kdf.js'

const range = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('HKDF-SHA256', () => {
  // RFC 5869, appendix A.1 (Test Case 1).
  it('matches RFC 5869 test case 1', () => {
    const okm = hkdf(fromHex('0b'.repeat(22)), fromHex('000102030405060708090a0b0c'), fromHex('f0f1f2f3f4f5f6f7f8f9'), 42)
    expect(toHex(okm)).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865')
  })

  // RFC 5869, appendix A.2 (Test Case 2: long inputs).
  it('matches RFC 5869 test case 2', () => {
    const okm = hkdf(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82)
    expect(toHex(okm)).toBe('b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87')
  })

  // RFC 5869, appendix A.3 (Test Case 3: empty salt and info).
  it('matches RFC 5869 test case 3', () => {
    const okm = hkdf(fromHex('0b'.repeat(22)), undefined, new Uint8Array(0), 42)
    expect(toHex(okm)).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8')
  })
})

describe('key derivation labels and binding', () => {
  const secret = new Uint8Array(32).fill(7)
  const context = { sessionId: new Uint8Array(32).fill(1), round: 5, attempt: 0 }
  const a = utf8('peer-a')
  const b = utf8('peer-b')

  it('derives the same pair key whichever side computes it', () => {
    expect(derivePairKey(KdfLabel.pairwiseMask, secret, context, a, b, 16)).toEqual(derivePairKey(KdfLabel.pairwiseMask, secret, context, b, a, 16))
  })

  it('derives different keys for different purposes from one secret', () => {
    const mask = derivePairKey(KdfLabel.pairwiseMask, secret, context, a, b, 32)
    const share = derivePairKey(KdfLabel.shareEncryption, secret, context, a, b, 32)
    const self = deriveSelfMaskKey(secret, context, a, 32)
    expect(new Set([toHex(mask), toHex(share), toHex(self)]).size).toBe(3)
  })

  it('binds session, round, attempt and the pair', () => {
    const base = toHex(derivePairKey(KdfLabel.pairwiseMask, secret, context, a, b, 16))
    const variants = [
      derivePairKey(KdfLabel.pairwiseMask, secret, { ...context, sessionId: new Uint8Array(32).fill(2) }, a, b, 16),
      derivePairKey(KdfLabel.pairwiseMask, secret, { ...context, round: 6 }, a, b, 16),
      derivePairKey(KdfLabel.pairwiseMask, secret, { ...context, attempt: 1 }, a, b, 16),
      derivePairKey(KdfLabel.pairwiseMask, secret, context, a, utf8('peer-c'), 16)
    ]
    for (const v of variants) expect(toHex(v)).not.toBe(base)
  })

  it('frames fields so that shifting bytes between them changes the info', () => {
    expect(toHex(kdfInfo(KdfLabel.selfMask, context, [utf8('ab'), utf8('c')]))).not.toBe(toHex(kdfInfo(KdfLabel.selfMask, context, [utf8('a'), utf8('bc')])))
  })
})
