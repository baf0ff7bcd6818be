import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseNpy, toNpy } from '../../src/daemon/npy.js'
import { DaemonInputError } from '../../src/daemon/errors.js'

// Fixtures: bytes written by real NumPy (2.4.6) and copied here as hex, so the tests need no NumPy.
// Each was made with
//   b = io.BytesIO(); np.save(b, ARRAY); b.getvalue().hex()
// or, for the versioned files, np.lib.format.write_array(b, ARRAY, version=(V, 0)) in place of np.save.

/** np.array([1.5, -2.25, 3.0], dtype='<f4') */
const F4 = hex('934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000010c000004040')
/** np.array([0.1, -1e300, 2.5, 1e-50], dtype='<f8') */
const F8 = hex('934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028342c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a9a9999999999b93f9c7500883ce437fe00000000000004401fb8d44a7aee8d35')
/** np.arange(6, dtype='<f4').reshape(2, 3) * np.float32(0.5), C order: [[0, 0.5, 1], [1.5, 2, 2.5]] */
const C_2D = hex('934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000003f0000803f0000c03f0000004000002040')
/** np.lib.format.write_array(b, np.array([7.0, -0.0, np.inf], dtype='<f4'), version=(2, 0)) */
const V2 = hex('934e554d50590200740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000e040000000800000807f')
/** np.lib.format.write_array(b, np.array([1.0, 2.0], dtype='<f8'), version=(3, 0)) */
const V3 = hex('934e554d50590300740000007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000f03f0000000000000040')
/** np.array(4.5, dtype='<f4'): a 0-d array, shape () */
const SCALAR = hex('934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00009040')
/** np.array([], dtype='<f4') */
const EMPTY = hex('934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028302c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a')
/** np.array([1.5, -2.25], dtype='>f4') */
const BIG_ENDIAN = hex('934e554d5059010076007b276465736372273a20273e6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a3fc00000c0100000')
/** np.array([1, 2, 3], dtype='<i4') */
const INT32 = hex('934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a010000000200000003000000')
/** np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)) */
const FORTRAN_2D = hex('934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00000000000040400000803f00008040000000400000a040')
/** The first 128 bytes (magic, version, length, header) of np.save of np.zeros(1, dtype='<f4') */
const HEADER_OF_1 = hex('934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a')
/** The first 128 bytes of np.save of np.zeros(100000, dtype='<f4') */
const HEADER_OF_100000 = hex('934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a20283130303030302c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a')

function hex (text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'))
}

/** Asserts that parseNpy throws a DaemonInputError for `bytes` whose message contains `fragment`. */
function expectRefused (bytes: Uint8Array, fragment: string): void {
  let thrown: unknown
  try {
    parseNpy(bytes)
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(DaemonInputError)
  const err = thrown as DaemonInputError
  expect(err.name).toBe('DaemonInputError')
  expect(err.code).toBe('bad-npy')
  expect(err.message).toContain('not a usable .npy file')
  expect(err.message).toContain(fragment)
}

/** `bytes` with the ASCII text `from` in its header replaced by `to` (of the same length). */
function editHeader (bytes: Uint8Array, from: string, to: string): Uint8Array {
  expect(to.length).toBe(from.length)
  const text = Buffer.from(bytes).toString('latin1')
  const at = text.indexOf(from)
  expect(at).toBeGreaterThan(0)
  const out = bytes.slice()
  out.set(Buffer.from(to, 'latin1'), at)
  return out
}

describe('parseNpy on files written by NumPy', () => {
  it('reads a float32 vector exactly', () => {
    expect(Array.from(parseNpy(F4))).toEqual([1.5, -2.25, 3])
  })

  it('reads a float64 vector, narrowing each value to float32 (overflow to -Infinity, underflow to 0)', () => {
    const values = parseNpy(F8)
    expect(values).toBeInstanceOf(Float32Array)
    expect(Array.from(values)).toEqual([Math.fround(0.1), -Infinity, 2.5, 0])
    // the narrowing is to the nearest float32, not a truncation of the float64 bits
    expect(values[0]).not.toBe(0.1)
  })

  it('reads a 2-D C-order array as its values in row-major order', () => {
    expect(Array.from(parseNpy(C_2D))).toEqual([0, 0.5, 1, 1.5, 2, 2.5])
  })

  it('reads a version 2.0 file (4-byte header length), keeping -0 and Infinity', () => {
    const values = parseNpy(V2)
    expect(values.length).toBe(3)
    expect(values[0]).toBe(7)
    expect(Object.is(values[1], -0)).toBe(true)
    expect(values[2]).toBe(Infinity)
  })

  it('reads a version 3.0 file (UTF-8 header) of float64', () => {
    expect(Array.from(parseNpy(V3))).toEqual([1, 2])
  })

  it('reads a 0-d array as one value and an empty array as none', () => {
    expect(Array.from(parseNpy(SCALAR))).toEqual([4.5])
    expect(parseNpy(EMPTY).length).toBe(0)
  })

  it('reads a file that starts at an odd offset into a larger buffer, as a request body may', () => {
    const buffer = new Uint8Array(F4.length + 7).fill(0xee)
    buffer.set(F4, 3)
    expect(Array.from(parseNpy(buffer.subarray(3, 3 + F4.length)))).toEqual([1.5, -2.25, 3])
  })

  it('accepts fortran_order True when at most one dimension exceeds 1 (the order is then moot)', () => {
    // NumPy itself writes False for such arrays; this header is the F4 fixture with False edited to True
    const vector = editHeader(F4, "'fortran_order': False,", "'fortran_order': True, ")
    expect(Array.from(parseNpy(vector))).toEqual([1.5, -2.25, 3])
  })
})

describe('toNpy', () => {
  it('writes byte for byte what np.save writes for the same float32 vector', () => {
    expect(Buffer.from(toNpy(new Float32Array([1.5, -2.25, 3])))).toEqual(Buffer.from(F4))
    expect(Buffer.from(toNpy(new Float32Array(0)))).toEqual(Buffer.from(EMPTY))
  })

  it('writes the same header as np.save for lengths of 1 and 100000', () => {
    expect(Buffer.from(toNpy(new Float32Array(1)).subarray(0, 128))).toEqual(Buffer.from(HEADER_OF_1))
    const big = toNpy(new Float32Array(100000))
    expect(Buffer.from(big.subarray(0, 128))).toEqual(Buffer.from(HEADER_OF_100000))
    expect(big.length).toBe(128 + 400000)
  })

  it('round-trips any float32 vector through parseNpy (NaN, -0 and infinities included), with its data on a 64-byte boundary', () => {
    fc.assert(fc.property(fc.float32Array({ maxLength: 300 }), values => {
      const bytes = toNpy(values)
      // version 1.0: the header length is two little-endian bytes at offset 8
      expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
      const dataStart = 10 + (bytes[8] | bytes[9] << 8)
      expect(dataStart % 64).toBe(0)
      expect(bytes[dataStart - 1]).toBe(0x0a)
      expect(bytes.length).toBe(dataStart + 4 * values.length)
      const parsed = parseNpy(bytes)
      expect(parsed.length).toBe(values.length)
      for (let i = 0; i < values.length; i++) {
        if (!Object.is(parsed[i], values[i])) expect.fail(`value ${i}: ${parsed[i]} is not ${values[i]}`)
      }
    }), { numRuns: 300 })
  })
})

describe('parseNpy refuses what it cannot use, saying why', () => {
  it('refuses bytes that do not start with the magic string', () => {
    const wrong = F4.slice()
    wrong[1] = 0x4f // \x93OUMPY
    expectRefused(wrong, 'does not start with \\x93NUMPY')
    expectRefused(new TextEncoder().encode('{"values": [1, 2, 3]}'), 'does not start with')
    expectRefused(new Uint8Array(0), 'does not start with')
  })

  it("refuses big-endian floats ('>f4')", () => {
    expectRefused(BIG_ENDIAN, "dtype '>f4' is not little-endian float32")
  })

  it("refuses integers ('<i4')", () => {
    expectRefused(INT32, "dtype '<i4'")
  })

  it('refuses data shorter, or longer, than the shape needs', () => {
    expectRefused(F4.subarray(0, F4.length - 1), 'shape (3,) needs 12 bytes of data, the file has 11')
    expectRefused(F4.subarray(0, 128), 'needs 12 bytes of data, the file has 0')
    const longer = new Uint8Array(F4.length + 4)
    longer.set(F4)
    expectRefused(longer, 'needs 12 bytes of data, the file has 16')
    expectRefused(C_2D.subarray(0, C_2D.length - 4), 'shape (2, 3) needs 24 bytes of data, the file has 20')
  })

  it('refuses a header cut off before its end, in version 1 and version 2 files', () => {
    expectRefused(F4.subarray(0, 60), 'the header is cut off')
    expectRefused(F4.subarray(0, 127), 'the header is cut off')
    // a version 2 file needs 12 bytes before the header: the 4-byte length itself is cut off
    expectRefused(V2.subarray(0, 11), 'the header is cut off')
    expectRefused(V2.subarray(0, 100), 'the header is cut off')
  })

  it('refuses a Fortran-order 2-D array', () => {
    expectRefused(FORTRAN_2D, 'Fortran order')
  })

  it('refuses format versions other than 1, 2 and 3', () => {
    const v4 = V3.slice()
    v4[6] = 4
    expectRefused(v4, 'format version 4.0 is not 1, 2 or 3')
    const v0 = F4.slice()
    v0[6] = 0
    expectRefused(v0, 'format version 0.0')
  })

  it('refuses a header without descr, fortran_order or shape, or with a shape that is not sizes', () => {
    expectRefused(editHeader(F4, "'descr'", "'dtype'"), 'the header has no descr')
    expectRefused(editHeader(F4, "'fortran_order'", "'fortran_xxxxx'"), 'the header has no fortran_order')
    expectRefused(editHeader(F4, "'shape'", "'shapo'"), 'the header has no shape')
    expectRefused(editHeader(F4, '(3,)', '(x,)'), 'shape (x,) is not a tuple of sizes')
  })

  it('refuses a header length above 10 KiB', () => {
    const huge = v2WithHeaderLength(20000)
    expectRefused(huge, 'a header of 20000 bytes is too long')
  })
})

/** A version 2.0 file whose header length field says `length`, followed by that many spaces. */
function v2WithHeaderLength (length: number): Uint8Array {
  const out = new Uint8Array(12 + length).fill(0x20)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0])
  new DataView(out.buffer).setUint32(8, length, true)
  return out
}
