/**
 * Linear commitments to masked vectors: Com(y) = A y mod q, where A is a public uniform matrix of
 * COMMITMENT_ROWS rows over R_q = Z_q[X]/(X^1024 + 1), drawn afresh for each attempt from AES-CTR, and
 * q = q1 q2 is the product of two 26-bit primes, worked with separately (CRT). The vector, read as
 * integers, is cut into blocks of 1024 coordinates, each a polynomial; a commitment is kept in the
 * evaluation (NTT) domain, where the matrix is sampled directly and the product is coordinate-wise.
 *
 * Linear: Com(y) + Com(y') = Com(y + y') over the integers, so the sum of the survivors' commitments is
 * a commitment to the sum of their masked vectors, which anyone can check against an aggregator's claimed
 * sum without seeing a single vector. Binding: two integer vectors with entries in [0, B) and one
 * commitment give a nonzero kernel vector of A of infinity norm below B, a module-SIS solution (the
 * parameters, and B = 2^32 at most, are argued in docs/security.md). Not hiding, and it need not be: it
 * is a function of a masked vector, which the aggregator sees whole.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { frame, u32be, u64be } from '../crypto/bytes.js'
import { pack, packedLength, unpackInto } from '../encoding/bit-pack.js'
import { PRG_CHUNK_WORDS, type Keystream, type Prg } from '../crypto/prg.js'
import { NttField, RING_DEGREE } from './ntt.js'
import { sampleEntries, simdBlockKernel, type BlockKernel, type EntrySampler } from '../crypto/wasm/ntt.js'
import type { RoundContext } from '../crypto/kdf.js'

/** The two CRT primes: the largest below 2^26 that are 1 mod 2048 (q is about 2^52). */
export const COMMITMENT_PRIMES = [67104769, 67090433] as const
export const COMMITMENT_ROWS = 2
/** Coefficients travel as 26-bit values. */
const COEFFICIENT_BITS = 26
const COEFFICIENTS = COMMITMENT_PRIMES.length * COMMITMENT_ROWS * RING_DEGREE
/** Bytes of an encoded commitment: 2 primes x 2 rows x 1024 coefficients of 26 bits = 13,312. */
export const COMMITMENT_LENGTH = packedLength(COEFFICIENTS, COEFFICIENT_BITS)

export const FIELDS = COMMITMENT_PRIMES.map(p => new NttField(p))

const MATRIX_LABEL = 'libp2p-secagg/1/commitment-matrix'

/** A commitment that does not decode: wrong length, or a coefficient not reduced mod its prime. */
export class MalformedCommitmentError extends Error {
  static override name = 'MalformedCommitmentError'
  override name = MalformedCommitmentError.name
}

/** The AES-256 key the attempt's matrix is expanded from: public, and new for every attempt. */
export function matrixKey (context: RoundContext): Uint8Array {
  return sha256(frame([MATRIX_LABEL, context.sessionId, u64be(context.round), u32be(context.attempt)]))
}

/** Samples entries in JavaScript into any array: the fallback, and the reference the SIMD sampler is tested against. */
export function jsEntrySampler (): EntrySampler {
  const words = new Uint32Array(PRG_CHUNK_WORDS)
  return { words, take: (from, to, out, at, p) => sampleEntries(words, from, to, out, at, p) }
}

/**
 * The matrix entries of one (prime, row), block after block, uniform in [0, p): the top 26 bits of
 * each keystream word, rejected when not below p (about 1 word in 16,000 for these primes).
 */
export class MatrixRow {
  private readonly stream: Keystream
  private at = PRG_CHUNK_WORDS

  constructor (prg: Prg, key: Uint8Array, readonly field: number, readonly row: number, private readonly sampler = jsEntrySampler()) {
    // Each (prime, row) counts from its own initial counter: distinct high bytes keep the streams apart.
    const iv = new Uint8Array(16)
    iv[0] = field
    iv[1] = row
    this.stream = prg.open(key, 0, iv)
  }

  async next (out: Float64Array): Promise<void> {
    const p = FIELDS[this.field].p
    const { words } = this.sampler
    let i = 0
    while (i < out.length) {
      if (this.at === words.length) {
        await this.stream.apply(words, 'fill')
        this.at = 0
      }
      const end = Math.min(words.length, this.at + out.length - i)
      i += this.sampler.take(this.at, end, out, i, p)
      this.at = end
    }
  }
}

/** Where a round's matrix comes from: its attempt, under its commitment session (ProtocolParams). */
export function commitmentContext (params: { sessionId: Uint8Array, parentSessionId?: Uint8Array }, context: RoundContext): RoundContext {
  return { ...context, sessionId: params.parentSessionId ?? params.sessionId }
}

/** The attempt's matrix, one stream per (prime, row), read block by block in order. */
export function openMatrix (prg: Prg, context: RoundContext, samplers?: ReadonlyArray<readonly EntrySampler[]>): MatrixRow[][] {
  const key = matrixKey(context)
  return FIELDS.map((_, f) => Array.from({ length: COMMITMENT_ROWS }, (_, r) => new MatrixRow(prg, key, f, r, samplers?.[f][r])))
}

/**
 * The block work in plain JavaScript: the fallback where WebAssembly SIMD is missing, and the reference
 * simdBlockKernel is tested against.
 */
export function jsBlockKernel (): BlockKernel {
  const pending = new Float64Array(RING_DEGREE)
  const block = new Float64Array(RING_DEGREE)
  const entries = new Float64Array(RING_DEGREE)
  const sums = FIELDS.map(() => Array.from({ length: COMMITMENT_ROWS }, () => new Float64Array(RING_DEGREE)))
  const challenges = FIELDS.map(() => Array.from({ length: COMMITMENT_ROWS }, () => new Float64Array(RING_DEGREE)))
  return {
    pending,
    entries,
    sums,
    samplers: FIELDS.map(() => Array.from({ length: COMMITMENT_ROWS }, jsEntrySampler)),
    block,
    challenges,
    forward (f) {
      const field = FIELDS[f]
      for (let i = 0; i < RING_DEGREE; i++) block[i] = field.reduce(pending[i])
      field.forward(block)
    },
    accumulate (f, r) {
      const field = FIELDS[f]
      const sum = sums[f][r]
      for (let i = 0; i < RING_DEGREE; i++) sum[i] += field.reduce(entries[i] * block[i])
    },
    pullBack (f, r) {
      const field = FIELDS[f]
      const c = challenges[f][r]
      for (let i = 0; i < RING_DEGREE; i++) block[i] = field.reduce(block[i] + field.reduce(c[i] * entries[i]))
    },
    transpose (f) {
      FIELDS[f].transpose(block)
    }
  }
}

/**
 * Commits to a vector of `length` integers (each below 2^51 in magnitude) fed in order, in pieces of
 * any size: a masked vector chunk by chunk as it is made, or an aggregate sum. The last block is padded
 * with zeros. The block work runs in WebAssembly SIMD where it can (about 3x faster), else in
 * JavaScript, with the same result.
 */
export class Committer {
  private readonly matrix: MatrixRow[][]
  private readonly kernel: BlockKernel
  private filled = 0
  private absorbed = 0

  constructor (prg: Prg, context: RoundContext, readonly length: number, simd = true) {
    this.kernel = (simd ? simdBlockKernel(FIELDS, COMMITMENT_ROWS) : undefined) ?? jsBlockKernel()
    this.matrix = openMatrix(prg, context, this.kernel.samplers)
  }

  async absorb (values: Uint32Array | Float64Array): Promise<void> {
    if (this.absorbed + values.length > this.length) throw new RangeError(`committing to ${this.absorbed + values.length} coordinates of a vector of ${this.length}`)
    let i = 0
    while (i < values.length) {
      const take = Math.min(RING_DEGREE - this.filled, values.length - i)
      this.kernel.pending.set(values.subarray(i, i + take), this.filled)
      this.filled += take
      i += take
      if (this.filled === RING_DEGREE) await this.flush()
    }
    this.absorbed += values.length
  }

  /** The encoded commitment; the vector must be complete. */
  async finish (): Promise<Uint8Array> {
    if (this.absorbed !== this.length) throw new RangeError(`committing to ${this.absorbed} coordinates of a vector of ${this.length}`)
    if (this.filled > 0) {
      this.kernel.pending.fill(0, this.filled)
      await this.flush()
    }
    return encodeSums(this.kernel.sums)
  }

  private async flush (): Promise<void> {
    const { kernel } = this
    for (let f = 0; f < FIELDS.length; f++) {
      kernel.forward(f)
      for (let r = 0; r < COMMITMENT_ROWS; r++) {
        await this.matrix[f][r].next(kernel.entries)
        // Each reduced product is at most about p/2, so a sum over even 10^7 blocks stays far below
        // 2^51 and exact: it is reduced once, when the commitment is encoded.
        kernel.accumulate(f, r)
      }
    }
    this.filled = 0
  }
}

/** The commitment to `values`, whole. */
export async function commit (prg: Prg, context: RoundContext, values: Uint32Array | Float64Array, simd = true): Promise<Uint8Array> {
  const committer = new Committer(prg, context, values.length, simd)
  await committer.absorb(values)
  return committer.finish()
}

/** A commitment's coefficients, canonical in [0, p), in the order (prime, row, evaluation point). */
export function decodeCommitment (bytes: Uint8Array): Uint32Array {
  if (bytes.length !== COMMITMENT_LENGTH) throw new MalformedCommitmentError(`a commitment has ${COMMITMENT_LENGTH} bytes, got ${bytes.length}`)
  const coefficients = new Uint32Array(COEFFICIENTS)
  unpackInto(bytes, COEFFICIENT_BITS, coefficients, 'fill')
  for (let f = 0; f < FIELDS.length; f++) {
    const p = FIELDS[f].p
    const part = coefficients.subarray(f * COMMITMENT_ROWS * RING_DEGREE, (f + 1) * COMMITMENT_ROWS * RING_DEGREE)
    if (part.some(c => c >= p)) throw new MalformedCommitmentError(`a commitment coefficient is not reduced mod ${p}`)
  }
  return coefficients
}

/** The sum of commitments: the commitment to the sum of what they commit to. */
export function sumCommitments (commitments: readonly Uint8Array[]): Uint8Array {
  const total = new Uint32Array(COEFFICIENTS)
  for (const bytes of commitments) {
    const coefficients = decodeCommitment(bytes)
    for (let f = 0; f < FIELDS.length; f++) {
      const p = FIELDS[f].p
      for (let i = f * COMMITMENT_ROWS * RING_DEGREE; i < (f + 1) * COMMITMENT_ROWS * RING_DEGREE; i++) {
        const s = total[i] + coefficients[i]
        total[i] = s >= p ? s - p : s
      }
    }
  }
  return pack(total, COEFFICIENT_BITS)
}

function encodeSums (sums: ReadonlyArray<readonly Float64Array[]>): Uint8Array {
  const coefficients = new Uint32Array(COEFFICIENTS)
  let at = 0
  for (let f = 0; f < FIELDS.length; f++) {
    for (const row of sums[f]) {
      for (let i = 0; i < RING_DEGREE; i++) coefficients[at++] = FIELDS[f].canonical(row[i])
    }
  }
  return pack(coefficients, COEFFICIENT_BITS)
}
