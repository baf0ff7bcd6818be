/**
 * The survivors' masked vectors summed over the integers, not only mod 2^32: the accumulator holds the
 * low 32 bits and a byte per coordinate counts the wraps past 2^32. A commitment to the masked vectors
 * is linear over the integers, so this sum is what their commitments add up to, and the result carries
 * it (as carries past 2^m) for anyone to check.
 */
import { unpackInto } from '../../encoding/bit-pack.js'
import type { PackedSum } from '../../crypto/wasm/uploads.js'

/** The plain JavaScript sum: the fallback where SIMD is missing (UploadCheck.sum), and the reference the SIMD one is tested against. */
export function jsPackedSum (words: number, bits: number): PackedSum {
  const accumulator = new Uint32Array(words)
  const overflows = new Uint8Array(words)
  let scratch = new Uint32Array(0)
  return {
    accumulator,
    overflows,
    add (offset, packed, count) {
      if (scratch.length < count) scratch = new Uint32Array(count)
      const values = scratch.subarray(0, count)
      unpackInto(packed, bits, values, 'fill')
      addCounting(accumulator, overflows, offset, values)
      return values
    }
  }
}

/** accumulator[offset + i] += values[i] mod 2^32, counting each wrap. */
export function addCounting (accumulator: Uint32Array, overflows: Uint8Array, offset: number, values: Uint32Array): void {
  for (let i = 0; i < values.length; i++) {
    const sum = accumulator[offset + i] + values[i]
    if (sum > 0xffffffff) overflows[offset + i]++
    accumulator[offset + i] = sum
  }
}

/** accumulator[offset + i] -= values[i] mod 2^32, undoing the wraps addCounting counted. */
export function subtractCounting (accumulator: Uint32Array, overflows: Uint8Array, offset: number, values: Uint32Array): void {
  for (let i = 0; i < values.length; i++) {
    const a = accumulator[offset + i]
    if (a < values[i]) overflows[offset + i]--
    accumulator[offset + i] = a - values[i]
  }
}

/** floor(Y / 2^m) of the integer sum Y, coordinate by coordinate: what the sum mod 2^m leaves out. */
export function carriesOf (accumulator: Uint32Array, overflows: Uint8Array, bits: number): Uint32Array {
  const carries = new Uint32Array(accumulator.length)
  const high = 2 ** (32 - bits)
  for (let i = 0; i < accumulator.length; i++) carries[i] = overflows[i] * high + Math.floor(accumulator[i] / 2 ** bits)
  return carries
}

/** Bits per packed carry: each is below the number of survivors. */
export function carryBits (survivors: number): number {
  return Math.max(1, Math.ceil(Math.log2(survivors)))
}
