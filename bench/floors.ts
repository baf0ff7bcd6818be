/**
 * The physical floors the benchmarks are measured against, built straight on node:crypto and plain
 * loops (not on the library), so that a ratio shows what the protocol adds over the primitive.
 */
import { createCipheriv, randomBytes } from 'node:crypto'

const CHUNK_WORDS = 16384
const ZEROS = Buffer.alloc(CHUNK_WORDS * 4)

/** Milliseconds to add `masks` AES-128-CTR keystreams of `target.length` words into `target`. */
export function keystreamAddFloor (target: Uint32Array, masks: number): number {
  const started = performance.now()
  for (let m = 0; m < masks; m++) {
    const cipher = createCipheriv('aes-128-ctr', randomBytes(16), Buffer.alloc(16))
    for (let start = 0; start < target.length; start += CHUNK_WORDS) {
      const words = Math.min(CHUNK_WORDS, target.length - start)
      const out = cipher.update(ZEROS.subarray(0, words * 4))
      const keystream = new Uint32Array(out.buffer, out.byteOffset, words)
      const chunk = target.subarray(start, start + words)
      for (let i = 0; i < words; i++) chunk[i] += keystream[i]
    }
  }
  return performance.now() - started
}

/** Milliseconds to add `vectors` vectors of `target.length` words into `target`. */
export function vectorAddFloor (target: Uint32Array, vectors: number): number {
  const source = new Uint32Array(target.length).fill(0x9e3779b9)
  const started = performance.now()
  for (let v = 0; v < vectors; v++) {
    for (let i = 0; i < target.length; i++) target[i] += source[i]
  }
  return performance.now() - started
}

/** The median of a list of numbers. */
export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
