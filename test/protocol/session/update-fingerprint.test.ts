/**
 * An update's fingerprint is what a restarted peer compares a resubmitted update with (ledger.ts): it
 * must be the same whichever SHA-256 computes it, so a ledger written by a node that hashed natively is
 * read the same by one that hashes in JavaScript, and the reverse.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256 } from '@noble/hashes/sha2.js'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { updateFingerprint } from '../../../src/protocol/session/ledger.js'

describe('updateFingerprint', () => {
  it('is the same through node:crypto\'s SHA-256 as through @noble/hashes\'', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.float32Array({ maxLength: 300 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.string(),
      (session, update, weight, id) => {
        const native = updateFingerprint(session, update, weight, id, nodeCryptoSuite.sha256)
        expect(native).toEqual(updateFingerprint(session, update, weight, id, sha256))
        expect(native).toEqual(updateFingerprint(session, update, weight, id))
      }
    ))
  })

  it('tells apart updates that differ in a value, the weight or the name', () => {
    const session = new Uint8Array(32).fill(1)
    const update = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i))
    const changed = update.slice()
    changed[999] += 1
    const base = updateFingerprint(session, update, 1, 'a', nodeCryptoSuite.sha256)
    expect(updateFingerprint(session, changed, 1, 'a', nodeCryptoSuite.sha256)).not.toEqual(base)
    expect(updateFingerprint(session, update, 2, 'a', nodeCryptoSuite.sha256)).not.toEqual(base)
    expect(updateFingerprint(session, update, 1, 'b', nodeCryptoSuite.sha256)).not.toEqual(base)
  })
})
