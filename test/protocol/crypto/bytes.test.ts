import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { concat, constantTimeEqual, equalBytes, frame, toHex, u32be, utf8 } from '../../../src/protocol/crypto/bytes.js'

describe('frame', () => {
  it('puts each field after its length, 4 bytes big-endian', () => {
    expect(toHex(frame(['ab', new Uint8Array([1, 2, 3]), new Uint8Array(0)]))).toBe('00000002' + '6162' + '00000003' + '010203' + '00000000')
    expect(toHex(frame(['é']))).toBe('00000002' + 'c3a9')
    expect(frame([])).toEqual(new Uint8Array(0))
  })

  it('is the concatenation of each field\'s length and bytes, for any fields, views included', () => {
    const field = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 300 }).map(b => { const c = new Uint8Array(b.length + 5); c.set(b, 5); return c.subarray(5) }))
    fc.assert(fc.property(fc.array(field, { maxLength: 8 }), (fields) => {
      const bytes = fields.map(f => typeof f === 'string' ? utf8(f) : f)
      expect(frame(fields)).toEqual(concat(bytes.flatMap(b => [u32be(b.length), b])))
    }), { numRuns: 300 })
  })

  it('frames fields after a prefix framed before as it frames all the fields at once', () => {
    const field = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 100 }))
    fc.assert(fc.property(fc.array(field, { maxLength: 5 }), fc.array(field, { maxLength: 5 }), (first, rest) => {
      expect(frame(rest, frame(first))).toEqual(frame([...first, ...rest]))
    }), { numRuns: 300 })
  })
})

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
