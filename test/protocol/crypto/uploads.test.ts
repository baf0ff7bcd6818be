/**
 * The WebAssembly SIMD upload kernels (uploads.wat): the committed module is what the .wat compiles to,
 * and each gives exactly what the JavaScript it replaces gives: the unpacked values, the sum and its
 * wrap counts word for word, for every width the SIMD unpacking takes, any chunk and any offset; and
 * the inner products, congruent term for term, so an upload's digest is the same either way.
 */
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pack } from '../../../src/protocol/encoding/bit-pack.js'
import { jsPackedSum } from '../../../src/protocol/round/aggregator/integer-sum.js'
import { hasUploadKernels, SIMD_UNPACK_BITS, simdFormDigest, simdPackedSum } from '../../../src/protocol/crypto/wasm/uploads.js'
import { KERNEL_WORDS } from '../../../src/protocol/crypto/wasm/words.js'
import { FIELDS } from '../../../src/protocol/verification/commitment.js'
// @ts-expect-error: a plain ES module script, without types
import { compileModule, moduleFile } from '../../../scripts/build-wasm.mjs'

/** Words of `bits` bits from a seed (fast-check shrinks the seed, not a million words). */
function wordsOf (seed: number, length: number, bits: number): Uint32Array {
  let state = seed >>> 0 || 1
  const out = new Uint32Array(length)
  for (let i = 0; i < length; i++) {
    // xorshift32
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out[i] = bits === 32 ? state >>> 0 : (state >>> 0) % 2 ** bits
  }
  return out
}

/** Whether two arrays hold the same bytes, and where they first differ: toEqual is slow on 16,384 words. */
function differ (a: ArrayBufferView, b: ArrayBufferView): string | undefined {
  const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength)
  const y = Buffer.from(b.buffer, b.byteOffset, b.byteLength)
  if (x.equals(y)) return undefined
  const at = x.findIndex((byte, i) => byte !== y[i])
  return `byte ${at} of ${x.length}: ${x[at]} against ${y[at]}`
}

// counts around the unpacking's groups of 8, the adds' blocks of 16 and the kernel's chunk
const countArb = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: KERNEL_WORDS - 40, max: KERNEL_WORDS }))

describe('the WebAssembly upload kernels', () => {
  it('are the module uploads.wat compiles to', async () => {
    expect(await compileModule('uploads')).toBe(await readFile(moduleFile('uploads'), 'utf8'))
  })

  it('run on this Node.js, and take values of up to 25 bits', () => {
    expect(hasUploadKernels).toBe(true)
    expect(simdPackedSum(100, SIMD_UNPACK_BITS)).toBeDefined()
    expect(simdPackedSum(100, SIMD_UNPACK_BITS + 1)).toBeUndefined()
  })

  it('unpack and add into the sum exactly as JavaScript does, wraps counted', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: SIMD_UNPACK_BITS }),
      fc.array(fc.record({ count: countArb, seed: fc.integer() }), { minLength: 1, maxLength: 4 }),
      fc.integer(),
      (bits, chunks, start) => {
        const words = KERNEL_WORDS + 100
        const simd = simdPackedSum(words, bits)!
        const js = jsPackedSum(words, bits)
        // a sum already near 2^32 and some wraps counted, so that adding wraps and the counts carry on
        const initial = wordsOf(start, words, 32)
        for (const sum of [simd, js]) {
          sum.accumulator.set(initial)
          sum.overflows.set(wordsOf(start + 1, words, 7))
        }
        for (const { count, seed } of chunks) {
          const values = wordsOf(seed, count, bits)
          const offset = Math.abs(seed) % (words - count + 1)
          const packed = pack(values, bits)
          expect(differ(simd.add(offset, packed, count), values)).toBeUndefined()
          expect(differ(js.add(offset, packed, count), values)).toBeUndefined()
        }
        expect(differ(simd.accumulator, js.accumulator)).toBeUndefined()
        expect(differ(simd.overflows, js.overflows)).toBeUndefined()
      }
    ), { numRuns: 150 })
  })

  it('count a wrap in every lane, in the blocks of 16 and one at a time', () => {
    const simd = simdPackedSum(40, 25)!
    simd.accumulator.fill(0xffffffff)
    const ones = new Uint32Array(40).fill(1)
    simd.add(0, pack(ones, 25), 40)
    expect([...simd.accumulator]).toEqual(new Array(40).fill(0))
    expect([...simd.overflows]).toEqual(new Array(40).fill(1))
  })

  it('refuse a chunk that does not fit the sum', () => {
    const simd = simdPackedSum(64, 8)!
    expect(() => simd.add(40, new Uint8Array(32), 32)).toThrow(RangeError)
    expect(() => simd.add(0, new Uint8Array(31), 32)).toThrow(RangeError)
    expect(() => simd.add(0, new Uint8Array(KERNEL_WORDS + 1), KERNEL_WORDS + 1)).toThrow(RangeError)
  })

  it('take inner products congruent to the exact ones mod each prime, for narrow and wide values', () => {
    const [first, second] = FIELDS
    const length = 2 * KERNEL_WORDS + 64
    const digest = simdFormDigest(length)!
    // forms as the upload check makes them: signed, below 2^25 in magnitude
    const forms = [wordsOf(7, length, 25), wordsOf(8, length, 25)].map(f => Int32Array.from(f, v => v - 2 ** 24))
    digest.forms[0].set(forms[0])
    digest.forms[1].set(forms[1])
    fc.assert(fc.property(
      fc.constantFrom(1, 23, 26, 32),
      fc.oneof(countArb, fc.integer({ min: KERNEL_WORDS + 1, max: 2 * KERNEL_WORDS })),
      fc.integer(),
      (bits, count, seed) => {
        const values = wordsOf(seed, count, bits)
        const offset = Math.abs(seed) % (length - count + 1)
        const sums = digest.sums(offset, values, first.p, second.p, bits)
        for (const [f, field] of [first, second].entries()) {
          const p = BigInt(field.p)
          let exact = 0n
          for (let i = 0; i < count; i++) exact += BigInt(values[i]) * BigInt(forms[f][offset + i])
          expect(Number.isSafeInteger(sums[f])).toBe(true)
          expect(((BigInt(sums[f]) - exact) % p + p) % p).toBe(0n)
        }
      }
    ), { numRuns: 60 })
  })

  it('stay exact at the widest values and forms, all of one sign', () => {
    const [first, second] = FIELDS
    const digest = simdFormDigest(KERNEL_WORDS)!
    for (const sign of [1, -1]) {
      digest.forms[0].fill(sign * (2 ** 25 - 1))
      digest.forms[1].fill(sign * (2 ** 25 - 1))
      for (const bits of [1, 8, 23, 25, 26, 32]) {
        const values = new Uint32Array(KERNEL_WORDS).fill(2 ** bits - 1)
        const sums = digest.sums(0, values, first.p, second.p, bits)
        for (const [f, field] of [first, second].entries()) {
          const p = BigInt(field.p)
          const exact = BigInt(KERNEL_WORDS) * BigInt(2 ** bits - 1) * BigInt(sign * (2 ** 25 - 1))
          expect(((BigInt(sums[f]) - exact) % p + p) % p, `${bits} bits, sign ${sign}`).toBe(0n)
        }
      }
    }
  })
})
