/**
 * The Node suite's SHA-256 (node:crypto) gives what the portable default (@noble/hashes) gives, so that
 * peers on either name each signed message alike, and each digest is an array of its own.
 */
import fc from 'fast-check'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'

describe('the Node suite', () => {
  it('hashes as @noble/hashes does, for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20_000 }), (bytes) => {
      expect(nodeCryptoSuite.sha256!(bytes)).toEqual(sha256(bytes))
    }), { numRuns: 200 })
  })

  it('gives each digest a buffer of its own, not a slice of a shared pool', () => {
    const digest = nodeCryptoSuite.sha256!(new Uint8Array(10))
    expect(digest.byteOffset).toBe(0)
    expect(digest.buffer.byteLength).toBe(32)
  })
})
