/**
 * The physical floors the benchmarks are measured against, built straight on node:crypto and the
 * WebAssembly SIMD add (not on the library's masking code), so that a ratio shows what the protocol
 * adds over the machine's limit.
 *
 * The limit for masking is the AES-CTR keystream plus an add at memory speed. Node's AES-CTR writes
 * each chunk into a fresh buffer (about 0.6 ms per million words on the 2-core machine), and an
 * i32x4.add over WebAssembly memory takes about 0.09 ms per million words, so the floor copies each
 * chunk of keystream into WebAssembly memory (no runtime API lets the cipher write there) and adds it
 * there with SIMD. The plain JavaScript loop, 0.6 to 0.8 ms per million words alone, is kept as a second
 * floor for readers comparing with earlier runs.
 */
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto'
import { WORDS_WASM_BASE64 } from '../src/protocol/crypto/wasm/words-module.js'

const CHUNK_WORDS = 16384
const ZEROS = Buffer.alloc(CHUNK_WORDS * 4)
const PAGE = 65536

/** Frees a cipher's output buffer at once, as the library's PRG does, so that no floor pays for garbage collection. */
function release (out: Buffer): void {
  const buffer = out.buffer
  if (buffer instanceof ArrayBuffer && out.byteOffset === 0 && out.byteLength === buffer.byteLength) buffer.transfer(0)
}

/** A vector of `words` words and one chunk of scratch, in the memory of an instance of words.wat. */
function simdVector (words: number): { memory: WebAssembly.Memory, add: (dst: number, src: number, n: number) => void, scratch: number } {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WORDS_WASM_BASE64, 'base64')))
  const memory = exports.memory as WebAssembly.Memory
  const scratch = words * 4
  const needed = Math.ceil((scratch + CHUNK_WORDS * 4) / PAGE)
  if (needed > memory.buffer.byteLength / PAGE) memory.grow(needed - memory.buffer.byteLength / PAGE)
  return { memory, add: exports.add as (dst: number, src: number, n: number) => void, scratch }
}

/**
 * Milliseconds to add `masks` AES-128-CTR keystreams of `words` words into a vector: keystream plus SIMD
 * add, every keystream's words for a chunk added while that chunk of the vector is in cache (mask by
 * mask over a 4 MB vector, the vector's own memory traffic doubles the time at d = 1,000,000).
 */
export function keystreamAddFloor (words: number, masks: number): number {
  const { memory, add, scratch } = simdVector(words)
  const into = new Uint32Array(memory.buffer, scratch, CHUNK_WORDS)
  const started = performance.now()
  const ciphers = Array.from({ length: masks }, () => createCipheriv('aes-128-ctr', createSecretKey(randomBytes(16)), Buffer.alloc(16)))
  for (let start = 0; start < words; start += CHUNK_WORDS) {
    const n = Math.min(CHUNK_WORDS, words - start)
    for (const cipher of ciphers) {
      const out = cipher.update(ZEROS.subarray(0, n * 4))
      into.set(new Uint32Array(out.buffer, out.byteOffset, n))
      add(start * 4, scratch, n)
      release(out)
    }
  }
  return performance.now() - started
}

/** Milliseconds to add `vectors` vectors of `words` words into another, all in WebAssembly memory, with SIMD. */
export function vectorAddFloor (words: number, vectors: number): number {
  const { add } = simdVector(2 * words)
  const started = performance.now()
  for (let v = 0; v < vectors; v++) add(0, words * 4, words)
  return performance.now() - started
}

/** Keystreams added mask by mask over the whole vector with a plain JavaScript loop: the floor earlier runs reported. */
export function keystreamJsAddFloor (words: number, masks: number): number {
  const target = new Uint32Array(words)
  const started = performance.now()
  for (let m = 0; m < masks; m++) {
    const cipher = createCipheriv('aes-128-ctr', createSecretKey(randomBytes(16)), Buffer.alloc(16))
    for (let start = 0; start < words; start += CHUNK_WORDS) {
      const n = Math.min(CHUNK_WORDS, words - start)
      const out = cipher.update(ZEROS.subarray(0, n * 4))
      const keystream = new Uint32Array(out.buffer, out.byteOffset, n)
      const chunk = target.subarray(start, start + n)
      for (let i = 0; i < n; i++) chunk[i] += keystream[i]
      release(out)
    }
  }
  return performance.now() - started
}

/** The same vector floor with a plain JavaScript loop. */
export function vectorJsAddFloor (words: number, vectors: number): number {
  const target = new Uint32Array(words)
  const source = new Uint32Array(words).fill(0x9e3779b9)
  const started = performance.now()
  for (let v = 0; v < vectors; v++) {
    for (let i = 0; i < words; i++) target[i] += source[i]
  }
  return performance.now() - started
}

/** The median of a list of numbers. */
export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
