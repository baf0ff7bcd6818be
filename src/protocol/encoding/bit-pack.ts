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

/**
 * The packed bytes as whole words plus one spare word, so the unpacking loop can always read the word
 * after the current one. Copied only when the bytes are unaligned or have no room after them.
 */
function asWords (packed: Uint8Array): Uint32Array {
  const words = Math.ceil(packed.byteLength / 4) + 1
  if (packed.byteOffset % 4 === 0 && packed.byteOffset + words * 4 <= packed.buffer.byteLength && packed.byteLength % 4 === 0) {
    return new Uint32Array(packed.buffer, packed.byteOffset, words)
  }
  const copy = new Uint32Array(words)
  new Uint8Array(copy.buffer).set(packed)
  return copy
}

/** A buffer for `count` packed values with the spare word unpacking reads, so it is never copied. */
export function allocatePacked (count: number, bits: number): Uint8Array {
  const length = packedLength(count, bits)
  return new Uint8Array(new ArrayBuffer((Math.ceil(length / 4) + 1) * 4), 0, length)
}

/** Unpacks `target.length` values and adds them into `target` mod 2^32 (or overwrites it). */
export function unpackInto (packed: Uint8Array, bits: number, target: Uint32Array, mode: 'add' | 'fill'): void {
  if (packed.byteLength !== packedLength(target.length, bits)) {
    throw new RangeError(`packed data has ${packed.byteLength} bytes, ${target.length} values of ${bits} bits need ${packedLength(target.length, bits)}`)
  }
  const words = asWords(packed)
  const n = target.length
  const mask = lowBitsMask(bits)
  let w = 0
  let bit = 0
  // Branch-free: each value is the current word shifted down, or-ed with the next word shifted up
  // (shifted in two steps so that a shift of 32 gives 0 rather than the word itself).
  if (mode === 'add') {
    for (let i = 0; i < n; i++) {
      target[i] += ((words[w] >>> bit) | ((words[w + 1] << (31 - bit)) << 1)) & mask
      bit += bits
      w += bit >>> 5
      bit &= 31
    }
  } else {
    for (let i = 0; i < n; i++) {
      target[i] = ((words[w] >>> bit) | ((words[w + 1] << (31 - bit)) << 1)) & mask
      bit += bits
      w += bit >>> 5
      bit &= 31
    }
  }
}
