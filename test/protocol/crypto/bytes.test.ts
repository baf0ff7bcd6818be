import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { constantTimeEqual, equalBytes } from '../../../src/protocol/crypto/bytes.js'

describe('equalBytes', () => {
  it('agrees with a byte-by-byte comparison, short and long, at any offset into a buffer', () => {
    fc.assert(fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 3000 }),
      fc.nat({ max: 7 }),
      fc.option(fc.nat(), { nil: undefined }),
      (bytes, offset, flip) => {
        // copies that start `offset` bytes into a larger buffer, as network frames do
        const copy = new Uint8Array(bytes.length + offset)
        copy.set(bytes, offset)
        const other = copy.subarray(offset)
        if (flip !== undefined && bytes.length > 0) other[flip % bytes.length] ^= 1
        const expected = flip === undefined || bytes.length === 0
        expect(equalBytes(bytes, other)).toBe(expected)
        expect(equalBytes(bytes, other)).toBe(constantTimeEqual(bytes, other))
      }), { numRuns: 300 })
  })

  it('tells megabyte vectors apart by their last byte, and by their length', () => {
    const a = new Uint8Array(3 * 2 ** 20).fill(0x5a)
    const b = a.slice()
    expect(equalBytes(a, b)).toBe(true)
    b[b.length - 1] = 0
    expect(equalBytes(a, b)).toBe(false)
    expect(equalBytes(a, a.subarray(1))).toBe(false)
  })
})
