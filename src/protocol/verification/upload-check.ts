/**
 * The aggregator's check that each masked input is the vector its sender committed to, at the cost of
 * an inner product per upload instead of a commitment. The aggregator draws a secret linear form c on
 * commitments and pulls it back through the matrix and the transform to a form h on vectors, so that
 * <c, Com(y)> = <h, y> mod p for every y; an upload then costs one pass over its coordinates per prime
 * as it streams in. A sender whose commitment is not Com(y) passes only if c happens to vanish on the
 * difference: probability 1/p per prime, 1/(q1 q2), about 2^-52, over both, as c is never revealed.
 * An honest aggregator therefore never signs a sum whose commitments do not add up: it would be
 * convicted for it.
 */
import { RING_DEGREE, ROUND } from './ntt.js'
import { COMMITMENT_ROWS, decodeCommitment, FIELDS, jsBlockKernel, MatrixRow, matrixKey, openMatrix } from './commitment.js'
import { simdBlockKernel } from '../crypto/wasm/ntt.js'
import { toHex } from '../crypto/bytes.js'
import { simdCheckedSum, simdFormDigest, simdPackedSum, type FormDigest } from '../crypto/wasm/uploads.js'
import { jsPackedSum } from '../round/aggregator/integer-sum.js'
import type { Prg } from '../crypto/prg.js'
import type { RoundContext } from '../crypto/kdf.js'

/** Values below this multiply a coefficient of h exactly (absorb). */
const NARROW = 2 ** 26

/** Running inner products of one upload with h, one per prime. */
export type UploadDigest = number[]

/** The sum of the uploads, over the integers, that takes each chunk into its upload's digest as it adds it. */
export interface UploadSum {
  /** The low 32 bits of each coordinate's sum. */
  readonly accumulator: Uint32Array
  /** How many times each coordinate's sum passed 2^32, mod 2^8. */
  readonly overflows: Uint8Array
  /** Unpacks `count` values of `bits` bits (at most KERNEL_WORDS) from `packed`, adds them in at `offset`, and takes them into `digest`. */
  add: (digest: UploadDigest, offset: number, packed: Uint8Array, count: number) => void
}

export class UploadCheck {
  private constructor (
    /** c, by prime, then row, then evaluation point. */
    private readonly challenge: ReadonlyArray<readonly Float64Array[]>,
    /** h, by prime: one coefficient per coordinate, padded to whole blocks. */
    private forms: readonly [Int32Array, Int32Array],
    /** The same inner products in WebAssembly SIMD, over h held in its memory; undefined without SIMD. */
    private kernel: FormDigest | undefined
  ) {}

  /** Whether a sum keeps h beside it already (sum). */
  private fused = false

  /**
   * Draws c from `secretKey` (fresh randomness of the aggregator's, never sent) and computes h for
   * vectors of `length` coordinates under the attempt's public matrix: about the cost of one commitment.
   */
  static async create (prg: Prg, context: RoundContext, length: number, secretKey: Uint8Array, simd = true): Promise<UploadCheck> {
    // the block work in WebAssembly SIMD where it runs, as committing does (commitment.ts)
    const blockKernel = (simd ? simdBlockKernel(FIELDS, COMMITMENT_ROWS) : undefined) ?? jsBlockKernel()
    for (let f = 0; f < FIELDS.length; f++) {
      for (let r = 0; r < COMMITMENT_ROWS; r++) await new MatrixRow(prg, secretKey, f, r).next(blockKernel.challenges[f][r])
    }
    const blocks = Math.ceil(length / RING_DEGREE)
    const kernel = simd ? simdFormDigest(blocks * RING_DEGREE) : undefined
    const forms = kernel?.forms ?? [new Int32Array(blocks * RING_DEGREE), new Int32Array(blocks * RING_DEGREE)]
    const matrix = openMatrix(prg, context, blockKernel.samplers)
    const { block, entries } = blockKernel
    for (let j = 0; j < blocks; j++) {
      for (let f = 0; f < FIELDS.length; f++) {
        block.fill(0)
        // <c, A y> = sum over rows r and points i of c[r][i] A[r][j][i] NTT(y_j)[i]: the form on NTT(y_j) ...
        for (let r = 0; r < COMMITMENT_ROWS; r++) {
          await matrix[f][r].next(entries)
          blockKernel.pullBack(f, r)
        }
        // ... and on y_j itself through the transposed transform.
        blockKernel.transpose(f)
        forms[f].set(block, j * RING_DEGREE)
      }
    }
    // c outlives the kernel's memory
    const challenge = blockKernel.challenges.map(rows => rows.map(row => row.slice()))
    return new UploadCheck(challenge, forms, kernel)
  }

  /**
   * A maker of upload checks that makes one per matrix and length and hands it to every instance that
   * asks, keyed by the first asker's secret: an aggregator's group instances under one commitment
   * session (ProtocolParams.parentSessionId) pull c back once. Sharing c among them is sharing it
   * among more uploads, as a larger round does: each upload still passes a wrong commitment only where
   * c vanishes on its difference, and c is never revealed.
   */
  static shared (): typeof UploadCheck.create {
    const made = new Map<string, Promise<UploadCheck>>()
    return async (prg, context, length, secretKey) => {
      const key = `${toHex(matrixKey(context))}/${length}`
      let check = made.get(key)
      if (check === undefined) made.set(key, check = UploadCheck.create(prg, context, length, secretKey))
      return await check
    }
  }

  start (): UploadDigest {
    return FIELDS.map(() => 0)
  }

  /**
   * The sum for uploads of `words` values of `bits` bits. In WebAssembly SIMD, one pass over each
   * chunk unpacks, adds and takes the inner products (simdCheckedSum), with h beside the sum, where
   * the check keeps it from then on: one copy of h in memory, not two. Only the first sum gets that:
   * a check shared by a robust round's groups (shared) would otherwise hold a copy of h per group
   * (8 MB each at d = 10^6). The others unpack and add in SIMD (simdPackedSum), then absorb. Without
   * SIMD, or when `simd` is false, unpacking and adding run in JavaScript.
   */
  sum (words: number, bits: number, simd = true): UploadSum {
    const [first, second] = FIELDS
    const fused = simd && !this.fused ? simdCheckedSum(words, bits, this.forms, first.p, second.p) : undefined
    if (fused !== undefined) {
      this.fused = true
      // h now lives beside the sum: the check takes that copy, and its own instance's 8 MB (at d = 10^6) go
      if (this.kernel !== undefined) {
        this.kernel = fused.digest
        this.forms = fused.digest.forms
      }
      return {
        accumulator: fused.accumulator,
        overflows: fused.overflows,
        add: (digest, offset, packed, count) => { this.take(digest, fused.add(offset, packed, count)) }
      }
    }
    const plain = (simd ? simdPackedSum(words, bits) : undefined) ?? jsPackedSum(words, bits)
    return {
      accumulator: plain.accumulator,
      overflows: plain.overflows,
      add: (digest, offset, packed, count) => { this.absorb(digest, offset, plain.add(offset, packed, count), bits) }
    }
  }

  /**
   * Takes the next `values` of an upload, starting at coordinate `offset`, into its digest: acc + <h, y>
   * mod each prime, both primes in one pass over the values. Each reduced term is at most about p/2, so
   * a chunk's sum stays exact. A value of up to 26 bits (every modulus of up to 26 bits) times a
   * coefficient of h (below 2^25 in magnitude) is below 2^51, where a reduction is exact, so only wider
   * values are reduced first. Measured at d = 1M: 11 ms an upload with a pass per prime, each value
   * reduced first and NttField.reduce called as a method; 3.8 ms so; about 1 ms in SIMD, reducing
   * each product, and less summing runs of products before reducing. `bits` bounds the values, which
   * sizes SIMD's runs and tells it whether to reduce values first.
   */
  absorb (digest: UploadDigest, offset: number, values: Uint32Array, bits = 32): void {
    const [first, second] = FIELDS
    if (this.kernel !== undefined) {
      this.take(digest, this.kernel.sums(offset, values, first.p, second.p, bits))
      return
    }
    const [firstForm, secondForm] = this.forms
    // NttField.reduce written out, with its constants in locals
    const p = first.p
    const q = second.p
    const inverseP = 1 / p
    const inverseQ = 1 / q
    let firstSum = 0
    let secondSum = 0
    for (let i = 0; i < values.length; i++) {
      let a = values[i]
      let b = a
      if (a >= NARROW) {
        a = first.reduce(a)
        b = second.reduce(b)
      }
      const x = a * firstForm[offset + i]
      const y = b * secondForm[offset + i]
      firstSum += x - ((x * inverseP + ROUND) - ROUND) * p
      secondSum += y - ((y * inverseQ + ROUND) - ROUND) * q
    }
    this.take(digest, [firstSum, secondSum])
  }

  /** Adds a chunk's sums (exact, each congruent to its inner product mod its prime) into a digest. */
  private take (digest: UploadDigest, sums: readonly [number, number]): void {
    for (let f = 0; f < FIELDS.length; f++) digest[f] = FIELDS[f].reduce(digest[f] + FIELDS[f].reduce(sums[f]))
  }

  /** Whether a whole upload's digest matches the commitment its sender signed; throws on a malformed commitment. */
  matches (digest: UploadDigest, commitment: Uint8Array): boolean {
    const coefficients = decodeCommitment(commitment)
    let at = 0
    for (let f = 0; f < FIELDS.length; f++) {
      const field = FIELDS[f]
      let expected = 0
      for (let r = 0; r < COMMITMENT_ROWS; r++) {
        const c = this.challenge[f][r]
        for (let i = 0; i < RING_DEGREE; i++) expected = field.reduce(expected + field.reduce(c[i] * coefficients[at++]))
      }
      if (field.canonical(expected) !== field.canonical(digest[f])) return false
    }
    return true
  }
}
