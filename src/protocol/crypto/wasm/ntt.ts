/**
 * The commitment's work on each block of 1024 coordinates in WebAssembly SIMD (ntt.wat): the forward
 * transform mod each prime and the row products, which were about two thirds of a participant's
 * masked-input phase at d = 10^6 in JavaScript, the matrix entries' rejection sampling, and the upload
 * check's pull-back of its form. The JavaScript (verification/commitment.ts) stays as the fallback
 * where SIMD is missing and as the reference: both give the same doubles, bit for bit
 * (test/protocol/crypto/ntt-wasm.test.ts).
 */
import { NTT_WASM_BASE64 } from './ntt-module.js'
import { KERNEL_WORDS } from './words.js'
import { compileKernel, instantiateKernel } from './module.js'
import type { NttField } from '../../verification/ntt.js'

const DEGREE = 1024
const BLOCK_BYTES = DEGREE * 8

/** Where a matrix row's keystream goes, a chunk at a time, and how its entries are taken from it. */
export interface EntrySampler {
  /** KERNEL_WORDS words, for the keystream. */
  readonly words: Uint32Array
  /** Writes to out, from index `at`, each of words[from..to) taken as an entry (sampleEntries); returns how many. */
  take: (from: number, to: number, out: Float64Array, at: number, p: number) => number
}

/**
 * Entries uniform in [0, p) from keystream words: the top 26 bits of each word, rejected when not
 * below p. Writes them to out from index `at` and returns how many.
 */
export function sampleEntries (words: Uint32Array, from: number, to: number, out: Float64Array, at: number, p: number): number {
  const start = at
  for (let w = from; w < to; w++) {
    const value = words[w] >>> 6
    if (value < p) out[at++] = value
  }
  return at - start
}

/**
 * One block's work area. Committing: the caller writes `pending` and `entries`, and reads `sums` at the
 * end. Pulling the upload check's form back: it writes `challenges` once and `entries` for each row,
 * and reads `block`.
 */
export interface BlockKernel {
  /** The block's coordinates, as integers below 2^51 in magnitude. */
  readonly pending: Float64Array
  /** The next row's matrix entries for the block. */
  readonly entries: Float64Array
  /** By field, then row: the running sums of reduced products, each entry a signed representative sum. */
  readonly sums: ReadonlyArray<readonly Float64Array[]>
  /** By field, then row: the samplers of the matrix rows, fastest into `entries`. */
  readonly samplers: ReadonlyArray<readonly EntrySampler[]>
  /** The transformed block; for a pull-back, where the form on a block of vectors builds up. */
  readonly block: Float64Array
  /** By field, then row: the upload check's secret form on commitments. */
  readonly challenges: ReadonlyArray<readonly Float64Array[]>
  /** Transforms `pending`, reduced mod field f, into the block the next `accumulate` calls multiply. */
  forward: (field: number) => void
  /** sums[field][row] += entries x block, coordinate-wise, each product reduced. */
  accumulate: (field: number, row: number) => void
  /** block += challenges[field][row] x entries, coordinate-wise, reduced. */
  pullBack: (field: number, row: number) => void
  /** block = the transpose of the forward transform mod field f, applied to block. */
  transpose: (field: number) => void
}

const nttModule = compileKernel(NTT_WASM_BASE64)

interface NttExports {
  memory: WebAssembly.Memory
  forward: (pending: number, block: number, zetas: number, quotients: number, p: number) => void
  accumulate: (sum: number, entries: number, block: number, p: number) => void
  sample: (src: number, n: number, out: number, p: number) => number
  transpose: (block: number, zetas: number, quotients: number, p: number) => void
  pull_back: (block: number, challenge: number, entries: number, p: number) => void
}

/**
 * A BlockKernel in SIMD for the fields given and `rows` rows each, or undefined where SIMD is missing.
 * Layout: pending, block, entries, then each field's zetas and quotients, the sums, the challenges,
 * and each row's keystream words.
 */
export function simdBlockKernel (fields: readonly NttField[], rows: number): BlockKernel | undefined {
  if (nttModule === undefined) return undefined
  const PENDING = 0
  const BLOCK = PENDING + BLOCK_BYTES
  const ENTRIES = BLOCK + BLOCK_BYTES
  const TABLES = ENTRIES + BLOCK_BYTES
  const SUMS = TABLES + fields.length * 2 * BLOCK_BYTES
  const CHALLENGES = SUMS + fields.length * rows * BLOCK_BYTES
  const WORDS = CHALLENGES + fields.length * rows * BLOCK_BYTES
  const { memory, forward, accumulate, sample, transpose, pull_back: pullBack } = instantiateKernel<NttExports>(nttModule, WORDS + fields.length * rows * KERNEL_WORDS * 4)
  const at = (offset: number): Float64Array => new Float64Array(memory.buffer, offset, DEGREE)
  const sumAt = (f: number, r: number): number => SUMS + (f * rows + r) * BLOCK_BYTES
  const challengeAt = (f: number, r: number): number => CHALLENGES + (f * rows + r) * BLOCK_BYTES
  const zetasAt = (f: number): number => TABLES + 2 * f * BLOCK_BYTES
  const quotientsAt = (f: number): number => TABLES + (2 * f + 1) * BLOCK_BYTES
  fields.forEach((field, f) => {
    at(zetasAt(f)).set(field.zetas)
    at(quotientsAt(f)).set(field.zetaQuotients)
  })
  const sampler = (f: number, r: number): EntrySampler => {
    const wordsAt = WORDS + (f * rows + r) * KERNEL_WORDS * 4
    const words = new Uint32Array(memory.buffer, wordsAt, KERNEL_WORDS)
    return {
      words,
      take (from, to, out, at, p) {
        if (out.buffer !== memory.buffer) return sampleEntries(words, from, to, out, at, p)
        return sample(wordsAt + from * 4, to - from, out.byteOffset + at * 8, p)
      }
    }
  }
  return {
    pending: at(PENDING),
    entries: at(ENTRIES),
    sums: fields.map((_, f) => Array.from({ length: rows }, (_, r) => at(sumAt(f, r)))),
    samplers: fields.map((_, f) => Array.from({ length: rows }, (_, r) => sampler(f, r))),
    block: at(BLOCK),
    challenges: fields.map((_, f) => Array.from({ length: rows }, (_, r) => at(challengeAt(f, r)))),
    forward (f) { forward(PENDING, BLOCK, zetasAt(f), quotientsAt(f), fields[f].p) },
    accumulate (f, r) { accumulate(sumAt(f, r), ENTRIES, BLOCK, fields[f].p) },
    pullBack (f, r) { pullBack(BLOCK, challengeAt(f, r), ENTRIES, fields[f].p) },
    transpose (f) { transpose(BLOCK, zetasAt(f), quotientsAt(f), fields[f].p) }
  }
}
