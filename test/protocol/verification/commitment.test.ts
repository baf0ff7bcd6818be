import { describe, expect, it } from 'vitest'
import { createCipheriv, createHash } from 'node:crypto'
import type { Prg } from '../../../src/protocol/crypto/prg.js'
import { nodePrg } from '../../../src/protocol/crypto/prg-node.js'
import { webPrg } from '../../../src/protocol/crypto/prg-web.js'
import { evaluationPoints, generator, smallestPsi } from './reference-ring.js'
import type { RoundContext } from '../../../src/protocol/crypto/kdf.js'
import {
  commit,
  COMMITMENT_LENGTH,
  COMMITMENT_PRIMES,
  COMMITMENT_ROWS,
  Committer,
  decodeCommitment,
  MalformedCommitmentError,
  matrixKey,
  sumCommitments
} from '../../../src/protocol/verification/commitment.js'

const N = 1024
const COEFFICIENTS = COMMITMENT_PRIMES.length * COMMITMENT_ROWS * N

const context: RoundContext = { sessionId: new Uint8Array(32).fill(7), round: 3, attempt: 0 }

// ---- an independent reference: AES-CTR from node:crypto, rejection sampling, BigInt evaluation ----


function randomWords (seed: number, length: number, bits = 32): Uint32Array {
  const next = generator(seed)
  return Uint32Array.from({ length }, () => bits === 32 ? next() : next() >>> (32 - bits))
}

/** Evaluation point i of each prime p: psi^(2 bitrev10(i) + 1). */
const POINTS = COMMITMENT_PRIMES.map(p => evaluationPoints(smallestPsi(p), p))

/** The first `count` matrix entries of (prime f, row r): AES-256-CTR words >>> 6, rejected when >= p. */
function referenceEntries (key: Uint8Array, f: number, r: number, count: number): { entries: bigint[], rejected: number } {
  const p = COMMITMENT_PRIMES[f]
  const iv = Buffer.alloc(16)
  iv[0] = f
  iv[1] = r
  const cipher = createCipheriv('aes-256-ctr', key, iv)
  const entries: bigint[] = []
  let rejected = 0
  while (entries.length < count) {
    const bytes = cipher.update(Buffer.alloc(4096))
    for (let at = 0; at < bytes.length && entries.length < count; at += 4) {
      const value = bytes.readUInt32LE(at) >>> 6
      if (value < p) entries.push(BigInt(value))
      else rejected++
    }
  }
  return { entries, rejected }
}

/**
 * The reference commitment coefficients at the given points (all 1024 by default), in the order
 * (prime, row, point): sum over zero-padded blocks of entry x block(point) mod p.
 */
function referenceCommitment (values: ArrayLike<number>, ctx: RoundContext, pointIndices?: number[]): { coefficients: Map<string, bigint>, rejected: number } {
  const key = matrixKey(ctx)
  const blocks = Math.ceil(values.length / N)
  const indices = pointIndices ?? Array.from({ length: N }, (_, i) => i)
  const coefficients = new Map<string, bigint>()
  let rejected = 0
  COMMITMENT_PRIMES.forEach((p, f) => {
    const P = BigInt(p)
    // block evaluations at the chosen points, Horner in BigInt
    const evaluations = Array.from({ length: blocks }, (_, b) => indices.map(i => {
      const x = POINTS[f][i]
      let acc = 0n
      for (let j = Math.min(N, values.length - b * N) - 1; j >= 0; j--) acc = (acc * x + BigInt(values[b * N + j])) % P
      return acc
    }))
    for (let r = 0; r < COMMITMENT_ROWS; r++) {
      const stream = referenceEntries(key, f, r, blocks * N)
      rejected += stream.rejected
      indices.forEach((i, k) => {
        let sum = 0n
        for (let b = 0; b < blocks; b++) sum += stream.entries[b * N + i] * evaluations[b][k]
        sum %= P
        coefficients.set(`${f},${r},${i}`, sum < 0n ? sum + P : sum)
      })
    }
  })
  return { coefficients, rejected }
}

function compareWithReference (decoded: Uint32Array, reference: Map<string, bigint>): void {
  let compared = 0
  for (const [where, value] of reference) {
    const [f, r, i] = where.split(',').map(Number)
    const index = (f * COMMITMENT_ROWS + r) * N + i
    if (BigInt(decoded[index]) !== value) {
      throw new Error(`coefficient (prime ${f}, row ${r}, point ${i}): module ${decoded[index]}, reference ${value}`)
    }
    compared++
  }
  expect(compared).toBe(reference.size)
}

/** Writes `value` as coefficient `index` of a little-endian 26-bit packed stream, by hand. */
function setCoefficient (bytes: Uint8Array, index: number, value: number): void {
  for (let k = 0; k < 26; k++) {
    const bit = index * 26 + k
    const mask = 1 << (bit & 7)
    if (((value >>> k) & 1) === 1) bytes[bit >> 3] |= mask
    else bytes[bit >> 3] &= ~mask
  }
}

function addIntegers (vectors: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(vectors[0].length)
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i] += v[i]
  return out
}

async function commitInPieces (prg: Prg, ctx: RoundContext, values: Uint32Array | Float64Array, pieces: number[]): Promise<Uint8Array> {
  const committer = new Committer(prg, ctx, values.length)
  let at = 0
  for (const size of pieces) {
    await committer.absorb(values.subarray(at, at + size))
    at += size
  }
  await committer.absorb(values.subarray(at))
  return committer.finish()
}

const backends: Prg[] = [nodePrg, webPrg()]

describe('linear module-SIS commitments', () => {
  it('has the advertised sizes and parameters', async () => {
    expect(COMMITMENT_LENGTH).toBe(13312)
    expect(COMMITMENT_PRIMES).toEqual([67104769, 67090433])
    expect(COMMITMENT_ROWS).toBe(2)
    expect((await commit(nodePrg, context, randomWords(1, 10))).length).toBe(COMMITMENT_LENGTH)
  })

  it('derives the matrix key as SHA-256 of the framed label and round context', () => {
    const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b }
    const u64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(v)); return b }
    const framed = [Buffer.from('libp2p-secagg/1/commitment-matrix'), Buffer.from(context.sessionId), u64(context.round), u32(context.attempt)]
      .flatMap(field => [u32(field.length), field])
    const expected = createHash('sha256').update(Buffer.concat(framed)).digest()
    expect(Buffer.from(matrixKey(context)).toString('hex')).toBe(expected.toString('hex'))
  })

  it('matches an independent reference (2,500 coordinates: 3 blocks, the last zero padded)', async () => {
    const values = randomWords(2, 2500)
    const { coefficients } = referenceCommitment(values, context)
    expect(coefficients.size).toBe(COEFFICIENTS)
    compareWithReference(decodeCommitment(await commit(nodePrg, context, values)), coefficients)
  })

  it('matches the reference for signed integers of magnitude up to 2^51 (Float64Array)', async () => {
    const next = generator(3)
    const values = Float64Array.from({ length: 1500 }, (_, i) => {
      const magnitude = (next() % 2 ** 19) * 2 ** 32 + next() // below 2^51
      return i % 2 === 0 ? magnitude : -magnitude
    })
    values.set([2 ** 51 - 1, -(2 ** 51 - 1), 0, -1, 2 ** 32, -(2 ** 32)])
    const { coefficients } = referenceCommitment(values, context)
    compareWithReference(decodeCommitment(await commit(nodePrg, context, values)), coefficients)
  })

  it('commits to d = 100,001 (rejections exercised): reference at sampled points, irregular pieces, both backends', async () => {
    const values = randomWords(4, 100_001)
    const whole = await commit(nodePrg, context, values)
    const points = [0, 1, 2, 511, 512, 1000, 1023]
    const { coefficients, rejected } = referenceCommitment(values, context, points)
    // about 1 word in 16,000 (first prime) and 1 in 3,600 (second) is rejected: some were, over 4 x 98 blocks
    expect(rejected).toBeGreaterThan(0)
    compareWithReference(decodeCommitment(whole), coefficients)
    const pieces = await commitInPieces(nodePrg, context, values, [1, 1023, 5000, 333, 16384, 1])
    expect(Buffer.from(pieces).equals(Buffer.from(whole))).toBe(true)
    const web = await commit(webPrg(), context, values)
    expect(Buffer.from(web).equals(Buffer.from(whole))).toBe(true)
  })

  it('is linear over the integers: Com(y1) + Com(y2) = Com(y1 + y2)', async () => {
    const y1 = randomWords(5, 3000)
    const y2 = randomWords(6, 3000)
    const sum = addIntegers([y1, y2])
    expect(sum.some(x => x >= 2 ** 32)).toBe(true)
    const combined = sumCommitments([await commit(nodePrg, context, y1), await commit(nodePrg, context, y2)])
    const direct = await commit(nodePrg, context, sum)
    expect(Buffer.from(combined).equals(Buffer.from(direct))).toBe(true)
    // over the integers, not mod 2^32: the wrapped sum commits to something else
    const wrapped = Uint32Array.from(sum, x => x % 2 ** 32)
    expect(Buffer.from(await commit(nodePrg, context, wrapped)).equals(Buffer.from(direct))).toBe(false)
    // and the sum of one commitment is itself; of none, the commitment to zero
    const c1 = await commit(nodePrg, context, y1)
    expect(Buffer.from(sumCommitments([c1])).equals(Buffer.from(c1))).toBe(true)
    expect(Buffer.from(sumCommitments([])).equals(Buffer.from(await commit(nodePrg, context, new Uint32Array(3000))))).toBe(true)
    expect(decodeCommitment(sumCommitments([])).every(c => c === 0)).toBe(true)
  })

  it('is linear over 100 vectors of m-bit values', async () => {
    const d = 2100
    for (const m of [23, 32]) {
      const vectors = Array.from({ length: 100 }, (_, k) => randomWords(1000 * m + k, d, m))
      const commitments = await Promise.all(vectors.map(v => commit(nodePrg, context, v)))
      const sum = addIntegers(vectors)
      if (m === 32) expect(sum.some(x => x >= 2 ** 32)).toBe(true)
      const direct = await commit(nodePrg, context, sum)
      expect(Buffer.from(sumCommitments(commitments)).equals(Buffer.from(direct))).toBe(true)
      // leaving one vector out of the sum breaks the equality
      expect(Buffer.from(sumCommitments(commitments.slice(1))).equals(Buffer.from(direct))).toBe(false)
    }
  })

  it('does not depend on how the vector is cut into pieces', async () => {
    const values = randomWords(7, 7000)
    const whole = await commit(nodePrg, context, values)
    for (const pieces of [[1, 1023, 5000], [0, 1024, 1024], [3, 3, 2048, 1], [6999]]) {
      const bytes = await commitInPieces(nodePrg, context, values, pieces)
      expect(Buffer.from(bytes).equals(Buffer.from(whole))).toBe(true)
    }
    // a Float64Array of the same integers gives the same commitment
    expect(Buffer.from(await commit(nodePrg, context, Float64Array.from(values))).equals(Buffer.from(whole))).toBe(true)
  })

  it('rejects absorbing more than its length and finishing early, with RangeError', async () => {
    const values = randomWords(8, 2000)
    const whole = await commit(nodePrg, context, values)

    const over = new Committer(nodePrg, context, 2000)
    await expect(over.absorb(new Uint32Array(2001))).rejects.toThrow(RangeError)
    await over.absorb(values.subarray(0, 1500))
    await expect(over.absorb(new Uint32Array(501))).rejects.toThrow(RangeError)
    // a rejected piece leaves the committer as it was
    await over.absorb(values.subarray(1500))
    await expect(over.absorb(new Uint32Array(1))).rejects.toThrow(RangeError)
    expect(Buffer.from(await over.finish()).equals(Buffer.from(whole))).toBe(true)

    const early = new Committer(nodePrg, context, 2000)
    await early.absorb(values.subarray(0, 1999))
    await expect(early.finish()).rejects.toThrow(RangeError)
    await expect(new Committer(nodePrg, context, 1).finish()).rejects.toThrow(RangeError)
  })

  it('changes when the vector changes by one, by the top bit, or by a swap', async () => {
    const values = randomWords(9, 3000)
    values[10] = 5
    values[2900] = 6
    const base = Buffer.from(await commit(nodePrg, context, values))
    const variants: Array<(v: Uint32Array) => void> = [
      v => { v[0] += 1 },
      v => { v[2999] -= 1 },
      v => { v[1500] ^= 0x80000000 },
      v => { v[1024] ^= 0x80000000 },
      v => { [v[10], v[2900]] = [v[2900], v[10]] },
      v => { [v[1], v[2]] = [v[2], v[1]] }
    ]
    const seen = new Set([base.toString('hex')])
    for (const change of variants) {
      const changed = values.slice()
      change(changed)
      expect(changed).not.toEqual(values)
      const bytes = Buffer.from(await commit(nodePrg, context, changed))
      expect(bytes.equals(base)).toBe(false)
      seen.add(bytes.toString('hex'))
    }
    expect(seen.size).toBe(variants.length + 1)
    // one more trailing zero is a different length but the same padded blocks: the same commitment
    // (the length is not bound by the commitment; whoever checks it must fix d)
    const padded = new Uint32Array(3001)
    padded.set(values)
    expect(Buffer.from(await commit(nodePrg, context, padded)).equals(base)).toBe(true)
  })

  it('uses a different matrix for a different session, round or attempt', async () => {
    const values = randomWords(10, 1100)
    const contexts: RoundContext[] = [
      context,
      { ...context, sessionId: new Uint8Array(32).fill(8) },
      { ...context, round: 4 },
      { ...context, attempt: 1 }
    ]
    const keys = new Set(contexts.map(c => Buffer.from(matrixKey(c)).toString('hex')))
    expect(keys.size).toBe(contexts.length)
    const commitments = new Set<string>()
    for (const c of contexts) commitments.add(Buffer.from(await commit(nodePrg, c, values)).toString('hex'))
    expect(commitments.size).toBe(contexts.length)
    // the same context again is deterministic
    commitments.add(Buffer.from(await commit(nodePrg, { sessionId: new Uint8Array(32).fill(7), round: 3, attempt: 0 }, values)).toString('hex'))
    expect(commitments.size).toBe(contexts.length)
  })

  it('gives identical commitments with the node:crypto and WebCrypto PRGs', async () => {
    const values = randomWords(11, 5000)
    const [a, b] = await Promise.all(backends.map(prg => commitInPieces(prg, context, values, [7, 2000])))
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true)
    expect(a.length).toBe(COMMITMENT_LENGTH)
  })

  describe('decodeCommitment', () => {
    it('rejects a wrong length', () => {
      // toThrow(undefined) would accept any error: make sure the class is really there
      expect(typeof MalformedCommitmentError).toBe('function')
      for (const length of [0, 1, COMMITMENT_LENGTH - 1, COMMITMENT_LENGTH + 1, 2 * COMMITMENT_LENGTH]) {
        expect(() => decodeCommitment(new Uint8Array(length))).toThrow(MalformedCommitmentError)
      }
      expect(() => sumCommitments([new Uint8Array(COMMITMENT_LENGTH - 1)])).toThrow(MalformedCommitmentError)
    })

    it('reads little-endian 26-bit coefficients and rejects one not below its own prime', () => {
      const [p1, p2] = COMMITMENT_PRIMES
      const half = COMMITMENT_ROWS * N
      const cases: Array<{ index: number, value: number, ok: boolean }> = [
        { index: 0, value: p1 - 1, ok: true },
        { index: 0, value: p1, ok: false },
        { index: half - 1, value: p1, ok: false },
        { index: 1500, value: 2 ** 26 - 1, ok: false },
        // p2 < p1: fine under the first prime, rejected under the second
        { index: half - 1, value: p2, ok: true },
        { index: half, value: p2, ok: false },
        { index: half, value: p2 - 1, ok: true },
        { index: COEFFICIENTS - 1, value: p2, ok: false },
        { index: COEFFICIENTS - 1, value: p2 - 1, ok: true },
        { index: COEFFICIENTS - 1, value: p1 - 1, ok: false }
      ]
      for (const { index, value, ok } of cases) {
        const bytes = new Uint8Array(COMMITMENT_LENGTH)
        setCoefficient(bytes, index, value)
        if (ok) {
          const decoded = decodeCommitment(bytes)
          expect(decoded[index]).toBe(value)
          expect(decoded.reduce((n, c) => n + (c === 0 ? 0 : 1), 0)).toBe(1)
        } else {
          expect(() => decodeCommitment(bytes), `coefficient ${index} = ${value}`).toThrow(MalformedCommitmentError)
          expect(() => sumCommitments([bytes])).toThrow(MalformedCommitmentError)
        }
      }
    })

    it('round-trips a commitment and is a MalformedCommitmentError by name', async () => {
      const bytes = await commit(nodePrg, context, randomWords(12, 1024))
      const decoded = decodeCommitment(bytes)
      expect(decoded.length).toBe(COEFFICIENTS)
      expect(decoded.some(c => c !== 0)).toBe(true)
      const bad = new Uint8Array(7)
      let error: unknown
      try { decodeCommitment(bad) } catch (e) { error = e }
      expect(error).toBeInstanceOf(MalformedCommitmentError)
      expect((error as Error).name).toBe('MalformedCommitmentError')
    })
  })
})
