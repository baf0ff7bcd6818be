/**
 * m-bit packing of vectors mod 2^m, little-endian: value i occupies stream bits [i*m, (i+1)*m).
 * A chunk of a multiple of 32 values packs into whole words, so packed chunks concatenate exactly.
 */
import { assertLittleEndian } from '../crypto/bytes.js'

assertLittleEndian()

/** Bytes that `count` values take at `bits` bits each. */
export function packedLength (count: number, bits: number): number {
  return Math.ceil(count * bits / 8)
}

function lowBitsMask (bits: number): number {
  return bits === 32 ? 0xffffffff : 2 ** bits - 1
}

/** Packs the low `bits` bits of each value. */
export function pack (values: Uint32Array, bits: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(values.length * bits / 32))
  const mask = lowBitsMask(bits)
  let w = 0
  let bit = 0
  let current = 0
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] & mask) >>> 0
    current |= v << bit
    bit += bits
    if (bit >= 32) {
      words[w++] = current
      bit -= 32
      current = bit === 0 ? 0 : v >>> (bits - bit)
    }
  }
  if (bit > 0) words[w] = current
  return new Uint8Array(words.buffer, 0, packedLength(values.length, bits))
}

/** The packed bytes as whole words, copied only when they are unaligned or end mid-word. */
function asWords (packed: Uint8Array): Uint32Array {
  if (packed.byteOffset % 4 === 0 && packed.byteLength % 4 === 0) {
    return new Uint32Array(packed.buffer, packed.byteOffset, packed.byteLength / 4)
  }
  const words = new Uint32Array(Math.ceil(packed.byteLength / 4))
  new Uint8Array(words.buffer).set(packed)
  return words
}

/** Unpacks `target.length` values and adds them into `target` mod 2^32 (or overwrites it). */
export function unpackInto (packed: Uint8Array, bits: number, target: Uint32Array, mode: 'add' | 'fill'): void {
  if (packed.byteLength !== packedLength(target.length, bits)) {
    throw new RangeError(`packed data has ${packed.byteLength} bytes, ${target.length} values of ${bits} bits need ${packedLength(target.length, bits)}`)
  }
  const words = asWords(packed)
  const n = target.length
  if (bits === 32) {
    if (mode === 'add') for (let i = 0; i < n; i++) target[i] += words[i]
    else target.set(words.subarray(0, n))
    return
  }
  const mask = lowBitsMask(bits)
  let w = 0
  let bit = 0
  for (let i = 0; i < n; i++) {
    let v = words[w] >>> bit
    if (bit + bits > 32) v |= words[w + 1] << (32 - bit)
    v &= mask
    if (mode === 'add') target[i] += v
    else target[i] = v
    bit += bits
    if (bit >= 32) {
      bit -= 32
      w++
    }
  }
}
