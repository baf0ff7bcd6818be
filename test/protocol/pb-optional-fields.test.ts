/**
 * EncryptedShare's and RevealedShare's bytes fields are `optional` in messages.proto only so that
 * protons allocates nothing for an absent one. The wire must not notice: for fields that are not empty
 * the bytes are proto3's plain encoding (each field written in field order, none for an empty one),
 * built here by hand, and every reader takes an absent field as empty.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { encode as varint } from 'uint8-varint'
import { concat } from '../../src/protocol/crypto/bytes.js'
import { EncryptedShare, RevealedShare, RoundRef, ShareKind } from '../../src/protocol/pb/messages.js'
import { sealedShare } from '../../src/protocol/round/dealing.js'

/** One field as proto3 writes a field that is not optional: nothing when it holds the default. */
function field (id: number, value: Uint8Array | number): Uint8Array {
  if (typeof value === 'number') return value === 0 ? new Uint8Array(0) : concat([varint(id << 3), varint(value)])
  return value.length === 0 ? new Uint8Array(0) : concat([varint((id << 3) | 2), varint(value.length), value])
}

const bytes = fc.uint8Array({ minLength: 1, maxLength: 90 })
const maybeEmpty = fc.uint8Array({ maxLength: 90 })

describe('the optional bytes fields', () => {
  it('encode an EncryptedShare as the plain proto3 encoding does, for any fields that are not empty', () => {
    fc.assert(fc.property(bytes, bytes, fc.nat(), bytes, bytes, bytes, bytes, fc.bigInt({ min: 0n, max: 2n ** 63n }), (dealer, holder, x, nonce, ciphertext, selfMaskCommitment, maskKeyCommitment, round) => {
      const ref = { session: new Uint8Array(32).fill(7), round, attempt: 1 }
      const share = { ref, dealer, holder, x, nonce, ciphertext, selfMaskCommitment, maskKeyCommitment }
      const expected = concat([
        field(1, RoundRef.encode(ref)), field(2, dealer), field(3, holder), field(4, x), field(5, nonce),
        field(6, ciphertext), field(7, selfMaskCommitment), field(8, maskKeyCommitment)
      ])
      const encoded = EncryptedShare.encode(share)
      expect(encoded).toEqual(expected)
      expect(sealedShare(EncryptedShare.decode(encoded))).toEqual(share)
    }), { numRuns: 200 })
  })

  it('encode a RevealedShare as the plain proto3 encoding does, for any fields that are not empty', () => {
    fc.assert(fc.property(bytes, fc.constantFrom(ShareKind.SELF_MASK, ShareKind.MASK_KEY), bytes, (owner, kind, share) => {
      const expected = concat([field(1, owner), field(2, kind === ShareKind.MASK_KEY ? 1 : 0), field(3, share)])
      expect(RevealedShare.encode({ owner, kind, share })).toEqual(expected)
      expect(RevealedShare.decode(expected)).toEqual({ owner, kind, share })
    }), { numRuns: 200 })
  })

  it('read as empty when absent from the wire, as an empty field written explicitly does', () => {
    fc.assert(fc.property(maybeEmpty, maybeEmpty, (dealer, nonce) => {
      // dealer and nonce only, each left out when empty as proto3 leaves it out
      const plain = concat([field(2, dealer), field(5, nonce)])
      const read = sealedShare(EncryptedShare.decode(plain))
      expect(read).toEqual({ ref: undefined, dealer, holder: new Uint8Array(0), x: 0, nonce, ciphertext: new Uint8Array(0), selfMaskCommitment: new Uint8Array(0), maskKeyCommitment: new Uint8Array(0) })
      // an empty field written out (which optional encodes and plain proto3 does not) reads the same
      const explicit = concat([varint((2 << 3) | 2), varint(0), field(5, nonce)])
      expect(sealedShare(EncryptedShare.decode(explicit)).dealer).toEqual(new Uint8Array(0))
    }), { numRuns: 100 })
  })
})
