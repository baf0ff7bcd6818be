/**
 * The aggregator's work on each chunk of a masked upload in WebAssembly SIMD (uploads.wat): unpacking
 * and adding it into the integer sum, and its inner products for the upload check, in one pass
 * (simdCheckedSum) or the inner products alone (simdFormDigest, for values too wide to unpack). The
 * plain JavaScript it replaces (bit-pack.ts, integer-sum.ts, upload-check.ts) stays as the fallback where
 * WebAssembly SIMD is missing and as the reference the kernels are tested against
 * (test/protocol/crypto/uploads.test.ts).
 *
 * Why: at d = 10^6 on the 2-core machine, unpacking and summing in JavaScript (the check in SIMD)
 * cost 13 ms an upload, most of the aggregator's masked-input phase; all in one SIMD pass, 1.6 ms.
 * WebAssembly reads only its own memory, so an instance keeps what it works on for the whole round
 * there (the sum and the check's forms) after one chunk's work area, and each chunk is copied in.
 */
import { UPLOADS_WASM_BASE64 } from './uploads-module.js'
import { KERNEL_WORDS } from './words.js'
import { compileKernel, instantiateKernel } from './module.js'

/** The widest values the SIMD unpacking takes: a value and its start within its first byte fit a 32-bit lane. */
export const SIMD_UNPACK_BITS = 25

const CHUNK_BYTES = KERNEL_WORDS * 4
/** A chunk's packed bytes, with room for the 28 bytes the unpacking reads past them. */
const PACKED = 0
/** The longest run of products the digest sums before reducing (runOf). */
const MAX_RUN = 256
/** A chunk's values, with room for the unpacking's last 8 and the digest's padding to a whole run. */
const VALUES = PACKED + CHUNK_BYTES + 64
/** The unpacking's swizzles and multipliers (64 bytes), then the digest's two doubles. */
const TABLE = VALUES + CHUNK_BYTES + MAX_RUN * 4
const OUT = TABLE + 64
/** Where an instance's own arrays start. */
const OWN = OUT + 16

interface UploadExports {
  memory: WebAssembly.Memory
  unpack: (src: number, dst: number, pairs: number, bits: number, table: number) => void
  add_counting: (sum: number, wraps: number, src: number, n: number) => void
  digest: (values: number, first: number, second: number, n: number, p: number, q: number, wide: number, run: number, out: number) => void
  ingest: (src: number, sum: number, wraps: number, first: number, second: number, pairs: number, bits: number, table: number, p: bigint, q: bigint, out: number) => void
}

const uploadsModule = compileKernel(UPLOADS_WASM_BASE64)

/** Whether the kernels run here (WebAssembly with SIMD: Node.js 16.4+, every current browser). */
export const hasUploadKernels = uploadsModule !== undefined

function align (bytes: number): number {
  return Math.ceil(bytes / 16) * 16
}

/** An instance whose memory holds the work area and `own` more bytes from OWN, zeroed. */
function instantiate (own: number): UploadExports {
  return instantiateKernel<UploadExports>(uploadsModule!, OWN + own)
}

/**
 * For each of the two groups of four values in eight, the byte swizzle that gives each lane the four
 * bytes its value starts in, and the multiplier 2^(32 - bits - s) that, with a shift right by
 * 32 - bits, takes out the value starting s bits into them (see uploads.wat).
 */
function unpackTable (bits: number): Uint8Array {
  const table = new Uint8Array(64)
  const view = new DataView(table.buffer)
  for (let group = 0; group < 2; group++) {
    // the second group starts bits/2 bytes in, which uploads.wat adds, and 4 bits more if bits is odd
    const start = group * 4 * (bits & 1)
    for (let lane = 0; lane < 4; lane++) {
      const bit = start + lane * bits
      for (let k = 0; k < 4; k++) table[group * 32 + lane * 4 + k] = (bit >>> 3) + k
      view.setUint32(group * 32 + 16 + lane * 4, 2 ** (32 - bits - (bit & 7)), true)
    }
  }
  return table
}

/** A sum of vectors over the integers (the low 32 bits and a byte of wraps per coordinate) that packed chunks are added into. */
export interface PackedSum {
  readonly accumulator: Uint32Array
  readonly overflows: Uint8Array
  /**
   * Unpacks `count` values (at most KERNEL_WORDS) from `packed` and adds them into coordinates
   * offset.. of the sum, counting wraps. Returns the values: a view, good until the next call.
   */
  add: (offset: number, packed: Uint8Array, count: number) => Uint32Array
}

/** Throws a RangeError unless `count` packed values of `bits` bits fit a kernel chunk at `offset` of a sum of `words`. */
function checkChunk (offset: number, packed: Uint8Array, count: number, words: number, bits: number): void {
  if (count > KERNEL_WORDS || offset + count > words || packed.byteLength !== Math.ceil(count * bits / 8)) {
    throw new RangeError(`${packed.byteLength} bytes of ${count} values at ${offset} do not fit a sum of ${words} at ${bits} bits`)
  }
}

/**
 * A PackedSum of `words` coordinates for values of `bits` bits, in SIMD; undefined where it cannot be.
 * For a sum beside which no forms are kept: see simdCheckedSum.
 */
export function simdPackedSum (words: number, bits: number): PackedSum | undefined {
  if (uploadsModule === undefined || bits > SIMD_UNPACK_BITS) return undefined
  const wrapsAt = OWN + align(words * 4)
  const { memory, unpack, add_counting: addCounting } = instantiate(align(words * 4) + align(words))
  new Uint8Array(memory.buffer, TABLE, 64).set(unpackTable(bits))
  const packedArea = new Uint8Array(memory.buffer, PACKED, CHUNK_BYTES)
  const values = new Uint32Array(memory.buffer, VALUES, KERNEL_WORDS)
  return {
    accumulator: new Uint32Array(memory.buffer, OWN, words),
    overflows: new Uint8Array(memory.buffer, wrapsAt, words),
    add (offset, packed, count) {
      checkChunk(offset, packed, count, words, bits)
      packedArea.set(packed)
      unpack(PACKED, VALUES, Math.ceil(count / 8), bits, TABLE)
      addCounting(OWN + offset * 4, wrapsAt + offset, VALUES, count)
      return values.subarray(0, count)
    }
  }
}

/** A sum that also takes each chunk's inner products with two fixed forms, in the same pass. */
export interface CheckedSum {
  readonly accumulator: Uint32Array
  readonly overflows: Uint8Array
  /**
   * Unpacks `count` values (at most KERNEL_WORDS) from `packed`, adds them into coordinates offset..
   * of the sum counting wraps, and returns sums congruent to their inner products with the forms from
   * offset on, mod p and mod q: exact, and below 2^28 in magnitude.
   */
  add: (offset: number, packed: Uint8Array, count: number) => [number, number]
  /** The inner products alone, over the copy of the forms in this instance: for their owner to use from now on. */
  readonly digest: FormDigest
}

/**
 * A CheckedSum of `words` coordinates for values of `bits` bits, with a copy of the two forms (signed,
 * below 2^25 in magnitude, at least `words` long) in its memory beside the sum, so that one pass of
 * uploads.wat's ingest does the three; undefined where SIMD cannot. Why: at d = 10^6 and m = 23 on
 * the 2-core machine, unpacking and adding in one instance, then copying the values into the forms'
 * instance and taking the products in doubles, cost 2.8 ms an upload; one pass in 64-bit integer
 * lanes, with the packed bytes the only copy, 1.6 ms. The forms take 8 MB at d = 10^6: an owner of
 * forms elsewhere should use this copy from then on (`digest`) and let its own go.
 */
export function simdCheckedSum (words: number, bits: number, forms: readonly [Int32Array, Int32Array], p: number, q: number): CheckedSum | undefined {
  if (uploadsModule === undefined || bits > SIMD_UNPACK_BITS) return undefined
  if (forms.some(form => form.length < words)) throw new RangeError(`forms of ${forms[0].length} and ${forms[1].length} coefficients do not cover ${words} coordinates`)
  const layout = formsLayout(forms[0].length, words)
  const { firstAt, secondAt, sumAt, wrapsAt } = layout
  const kernel = instantiate(layout.bytes)
  const { memory, unpack, add_counting: addCounting, ingest } = kernel
  new Uint8Array(memory.buffer, TABLE, 64).set(unpackTable(bits))
  const digest = formDigestIn(kernel, forms[0].length, layout)
  const [first, second] = digest.forms
  first.set(forms[0])
  second.set(forms[1].subarray(0, first.length))
  const packedArea = new Uint8Array(memory.buffer, PACKED, CHUNK_BYTES)
  const values = new Uint32Array(memory.buffer, VALUES, 8)
  const out = new Float64Array(memory.buffer, OUT, 2)
  const bigP = BigInt(p)
  const bigQ = BigInt(q)
  return {
    accumulator: new Uint32Array(memory.buffer, sumAt, words),
    overflows: new Uint8Array(memory.buffer, wrapsAt, words),
    digest,
    add (offset, packed, count) {
      checkChunk(offset, packed, count, words, bits)
      packedArea.set(packed)
      const pairs = count >>> 3
      ingest(PACKED, sumAt + offset * 4, wrapsAt + offset, firstAt + offset * 4, secondAt + offset * 4, pairs, bits, TABLE, bigP, bigQ, OUT)
      let firstSum = out[0]
      let secondSum = out[1]
      // Fewer than 8 values left (only a vector's last chunk has them): unpacking takes a whole group of
      // 8, so that group goes to scratch and only its first ones into the sum. Each product is below
      // 2^50, so 7 of them sum exactly in doubles, and % is exact: each part stays below p (ingest's
      // below 2p).
      const rest = count & 7
      if (rest > 0) {
        const at = offset + pairs * 8
        unpack(PACKED + pairs * bits, VALUES, 1, bits, TABLE)
        addCounting(sumAt + at * 4, wrapsAt + at, VALUES, rest)
        let firstRest = 0
        let secondRest = 0
        for (let i = 0; i < rest; i++) {
          firstRest += values[i] * first[at + i]
          secondRest += values[i] * second[at + i]
        }
        firstSum += firstRest % p
        secondSum += secondRest % q
      }
      return [firstSum, secondSum]
    }
  }
}

/** Inner products of values with two fixed forms, mod two primes. */
export interface FormDigest {
  /** The forms, to be filled before the first call of `sums`. */
  readonly forms: readonly [Int32Array, Int32Array]
  /**
   * Sums congruent to sum over i of values[i] * forms[0][offset + i] mod p and of values[i] *
   * forms[1][offset + i] mod q, exact, and small enough to add many of. `bits` bounds the values.
   */
  sums: (offset: number, values: Uint32Array, p: number, q: number, bits: number) => [number, number]
}

/**
 * How many values the digest sums the products of before it reduces: each of its lanes takes a quarter
 * of them, and a lane's sum must stay below 2^53. A value has at most 26 bits unless `wide`, and is
 * reduced to below 2^25 in magnitude if it is; a form coefficient is below 2^25. So a lane takes
 * 2^(27 - bits) products (half what would reach 2^53), at most 64.
 */
function runOf (bits: number): number {
  return 4 * Math.min(MAX_RUN / 4, 2 ** (27 - (bits > 26 ? 25 : bits)))
}

interface FormsLayout {
  firstAt: number
  secondAt: number
  sumAt: number
  wrapsAt: number
  /** The bytes from OWN on. */
  bytes: number
}

/** Where an instance keeps two forms of `length` coefficients, then a sum of `words` and its wraps. */
function formsLayout (length: number, words: number): FormsLayout {
  // spare bytes after each form: the digest pads a last chunk to a whole run, which may end where the forms do
  const formBytes = align(length * 4 + MAX_RUN * 4)
  const sumAt = OWN + 2 * formBytes
  return { firstAt: OWN, secondAt: OWN + formBytes, sumAt, wrapsAt: sumAt + align(words * 4), bytes: 2 * formBytes + align(words * 4) + align(words) }
}

/** A FormDigest for forms of `length` coefficients (each below 2^25 in magnitude), in SIMD; undefined where it cannot be. */
export function simdFormDigest (length: number): FormDigest | undefined {
  if (uploadsModule === undefined) return undefined
  const layout = formsLayout(length, 0)
  return formDigestIn(instantiate(layout.bytes), length, layout)
}

/** The FormDigest over the forms an instance keeps where `layout` says. */
function formDigestIn ({ memory, digest }: UploadExports, length: number, { firstAt, secondAt }: FormsLayout): FormDigest {
  const area = new Uint32Array(memory.buffer, VALUES, KERNEL_WORDS + MAX_RUN)
  const out = new Float64Array(memory.buffer, OUT, 2)
  return {
    forms: [new Int32Array(memory.buffer, firstAt, length), new Int32Array(memory.buffer, secondAt, length)],
    sums (offset, values, p, q, bits) {
      if (offset + values.length > length) throw new RangeError(`${values.length} values at ${offset} do not fit forms of ${length}`)
      const wide = bits > 26
      const run = runOf(bits)
      let first = 0
      let second = 0
      for (let done = 0; done < values.length; done += KERNEL_WORDS) {
        const n = Math.min(KERNEL_WORDS, values.length - done)
        const padded = Math.ceil(n / run) * run
        area.set(values.subarray(done, done + n))
        area.fill(0, n, padded)
        digest(VALUES, firstAt + (offset + done) * 4, secondAt + (offset + done) * 4, padded, p, q, wide ? 1 : 0, run, OUT)
        // each part's sum is below 2^40, so adding them stays exact
        first += out[0]
        second += out[1]
      }
      return [first, second]
    }
  }
}
