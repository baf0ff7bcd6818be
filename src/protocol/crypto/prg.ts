/**
 * The mask PRG: an AES-CTR keystream read as little-endian 32-bit words, seekable by word offset so a
 * vector can be masked chunk by chunk. Two backends (node:crypto, WebCrypto) give identical words.
 */
import { assertLittleEndian } from './bytes.js'
import { KERNEL_WORDS, wordKernels, type WordKernel, type WordKernels } from './wasm/words.js'

assertLittleEndian()

/** Words per AES block. */
export const WORDS_PER_BLOCK = 4

/**
 * Keystream words are produced this many at a time: large enough to amortise each cipher call,
 * small enough to stay in cache and avoid the fresh-allocation cost of one-shot calls
 * (measured on the 2-core test machine: 64 KiB-1 MiB chunks reach 6.5 GB/s, a 40 MB one-shot call 1.2 GB/s).
 */
export const PRG_CHUNK_WORDS = KERNEL_WORDS

/** How a mask goes into a sum: added mod 2^32, or subtracted mod 2^32. */
export type MaskMode = 'add' | 'subtract'

/** How keystream words combine with the target: overwrite, or as a mask. */
export type PrgMode = 'fill' | MaskMode

/** A keystream positioned at some word; each call consumes the next `target.length` words. */
export interface Keystream {
  apply (target: Uint32Array, mode: PrgMode): Promise<void>
}

/** A keystream and how it goes into a sum. */
export interface MaskStream {
  stream: Keystream
  mode: MaskMode
}

/** A mask by its PRG key (its keystream from word 0, counter from zero), and how it goes into a sum. */
export interface MaskKey {
  key: Uint8Array
  mode: MaskMode
}

/** The keystreams of `masks` from `prg`, each positioned at word `wordOffset`. */
export function maskStreams (prg: Prg, masks: readonly MaskKey[], wordOffset = 0): MaskStream[] {
  return masks.map(({ key, mode }) => ({ stream: prg.open(key, wordOffset), mode }))
}

export interface Prg {
  readonly name: string
  /**
   * Opens the keystream of an AES key (16 or 32 bytes) at word `wordOffset`, counting AES blocks from
   * the big-endian 128-bit initial counter `iv` (all zeros for masks, where each key is used once).
   */
  open (key: Uint8Array, wordOffset?: number, iv?: Uint8Array): Keystream
}

export function assertPrgKey (key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 32)) {
    throw new RangeError('PRG key must be 16 or 32 bytes')
  }
}

/** The counter block of block number `block`: iv + block mod 2^128, as AES-CTR increments it. */
export function counterBlock (iv: Uint8Array, block: number): Uint8Array {
  assertIv(iv)
  const out = new Uint8Array(iv)
  let carry = block
  for (let i = 15; i >= 0 && carry > 0; i--) {
    const sum = out[i] + (carry % 256)
    out[i] = sum & 0xff
    carry = Math.floor(carry / 256) + (sum >> 8)
  }
  return out
}

/**
 * Adds or subtracts many keystreams into `target`, chunk by chunk: each chunk of the target goes into a
 * kernel's memory once, every mask's next words are combined into it there (WebAssembly SIMD where the
 * runtime has it), and it comes back out. Masking and unmasking cost this, nearly all of it.
 */
export async function applyKeystreams (target: Uint32Array, masks: readonly MaskStream[], kernels: WordKernels = wordKernels): Promise<void> {
  if (masks.length === 0) return
  const kernel = kernels.acquire()
  try {
    for (let start = 0; start < target.length; start += KERNEL_WORDS) {
      const words = Math.min(KERNEL_WORDS, target.length - start)
      const chunk = target.subarray(start, start + words)
      kernel.sum.set(chunk)
      await maskInKernel(kernel, words, masks)
      chunk.set(kernel.sum.subarray(0, words))
    }
  } finally {
    kernels.release(kernel)
  }
}

/** Adds or subtracts the next `words` words of every mask's keystream into kernel.sum[0, words). */
export async function maskInKernel (kernel: WordKernel, words: number, masks: readonly MaskStream[]): Promise<void> {
  const keystream = words === KERNEL_WORDS ? kernel.keystream : kernel.keystream.subarray(0, words)
  for (const { stream, mode } of masks) {
    // 'fill' copies the cipher's output into the kernel and frees it at once
    await stream.apply(keystream, 'fill')
    if (mode === 'add') kernel.add(words)
    else kernel.subtract(words)
  }
}

/** Combines keystream words into the target with a plain loop: one keystream, or filling. */
export function combine (target: Uint32Array, keystream: Uint32Array, mode: PrgMode): void {
  const n = target.length
  if (mode === 'add') {
    for (let i = 0; i < n; i++) target[i] += keystream[i]
  } else if (mode === 'subtract') {
    for (let i = 0; i < n; i++) target[i] -= keystream[i]
  } else {
    target.set(keystream.subarray(0, n))
  }
}

export function assertIv (iv: Uint8Array): void {
  if (!(iv instanceof Uint8Array) || iv.length !== 16) throw new RangeError('PRG initial counter must be 16 bytes')
}

export function assertWordOffset (wordOffset: number): void {
  if (!Number.isSafeInteger(wordOffset) || wordOffset < 0) throw new RangeError(`invalid PRG word offset ${wordOffset}`)
}

export const ZERO_IV = new Uint8Array(16)
