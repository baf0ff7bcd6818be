/**
 * The WebAssembly SIMD upload kernels (uploads.wat): the committed module is what the .wat compiles to,
 * and each gives exactly what the JavaScript it replaces gives: the sum and its wrap counts word for
 * word, for every width the SIMD unpacking takes, any chunk and any offset; and the inner products,
 * congruent term for term, so an upload's digest is the same either way, whether taken in the pass
 * that sums (ingest) or alone (digest).
 */
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pack } from '../../../src/protocol/encoding/bit-pack.js'
import { jsPackedSum } from '../../../src/protocol/round/aggregator/integer-sum.js'
import { hasUploadKernels, SIMD_UNPACK_BITS, simdCheckedSum, simdFormDigest, simdPackedSum } from '../../../src/protocol/crypto/wasm/uploads.js'
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

const [first, second] = FIELDS

/** Forms as the upload check makes them: signed, below 2^25 in magnitude. */
function formsOf (length: number, seed = 7): [Int32Array, Int32Array] {
  return [wordsOf(seed, length, 25), wordsOf(seed + 1, length, 25)].map(f => Int32Array.from(f, v => v - 2 ** 24)) as [Int32Array, Int32Array]
}

/** Expects each sum to be an exact number below `bound` in magnitude, congruent to the inner product of the values with its form from offset on. */
function expectCongruent (sums: readonly number[], values: Uint32Array, forms: readonly Int32Array[], offset: number, bound = 2 ** 53): void {
  for (const [f, field] of [first, second].entries()) {
    const p = BigInt(field.p)
    let exact = 0n
    for (let i = 0; i < values.length; i++) exact += BigInt(values[i]) * BigInt(forms[f][offset + i])
    expect(Number.isSafeInteger(sums[f])).toBe(true)
    expect(Math.abs(sums[f])).toBeLessThan(bound)
    expect(((BigInt(sums[f]) - exact) % p + p) % p).toBe(0n)
  }
}

// counts around the unpacking's groups of 8, the adds' blocks of 16 and the kernel's chunk
const countArb = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: KERNEL_WORDS - 40, max: KERNEL_WORDS }))

describe('the WebAssembly upload kernels', () => {
  it('are the module uploads.wat compiles to', async () => {
    expect(await compileModule('uploads')).toBe(await readFile(moduleFile('uploads'), 'utf8'))
  })

  it('run on this Node.js, and take values of up to 25 bits', () => {
    const forms = formsOf(100)
    expect(hasUploadKernels).toBe(true)
    expect(simdCheckedSum(100, SIMD_UNPACK_BITS, forms, first.p, second.p)).toBeDefined()
    expect(simdCheckedSum(100, SIMD_UNPACK_BITS + 1, forms, first.p, second.p)).toBeUndefined()
    expect(simdPackedSum(100, SIMD_UNPACK_BITS)).toBeDefined()
    expect(simdPackedSum(100, SIMD_UNPACK_BITS + 1)).toBeUndefined()
  })

  it('unpack and add into the sum exactly as JavaScript does, alone or taking inner products in the same pass', () => {
    const words = KERNEL_WORDS + 100
    const forms = formsOf(words)
    fc.assert(fc.property(
      fc.integer({ min: 1, max: SIMD_UNPACK_BITS }),
      fc.array(fc.record({ count: countArb, seed: fc.integer() }), { minLength: 1, maxLength: 4 }),
      fc.integer(),
      (bits, chunks, start) => {
        const simd = simdCheckedSum(words, bits, forms, first.p, second.p)!
        const alone = simdPackedSum(words, bits)!
        const js = jsPackedSum(words, bits)
        // a sum already near 2^32 and some wraps counted, so that adding wraps and the counts carry on
        const initial = wordsOf(start, words, 32)
        for (const sum of [simd, alone, js]) {
          sum.accumulator.set(initial)
          sum.overflows.set(wordsOf(start + 1, words, 7))
        }
        for (const { count, seed } of chunks) {
          const values = wordsOf(seed, count, bits)
          const offset = Math.abs(seed) % (words - count + 1)
          const packed = pack(values, bits)
          expect(differ(js.add(offset, packed, count), values)).toBeUndefined()
          expect(differ(alone.add(offset, packed, count), values)).toBeUndefined()
          expectCongruent(simd.add(offset, packed, count), values, forms, offset, 2 ** 28)
        }
        for (const sum of [simd, alone]) {
          expect(differ(sum.accumulator, js.accumulator)).toBeUndefined()
          expect(differ(sum.overflows, js.overflows)).toBeUndefined()
        }
      }
    ), { numRuns: 150 })
  })

  it('count a wrap in every lane, in the groups of 8 and the last few', () => {
    const simd = simdCheckedSum(45, 25, formsOf(45), first.p, second.p)!
    simd.accumulator.fill(0xffffffff)
    const ones = new Uint32Array(45).fill(1)
    simd.add(0, pack(ones, 25), 45)
    expect([...simd.accumulator]).toEqual(new Array(45).fill(0))
    expect([...simd.overflows]).toEqual(new Array(45).fill(1))
  })

  it('stay exact and small in one pass at the widest values and forms, all of one sign, over a whole kernel chunk', () => {
    for (const sign of [1, -1]) {
      const forms: [Int32Array, Int32Array] = [new Int32Array(KERNEL_WORDS + 5).fill(sign * (2 ** 25 - 1)), new Int32Array(KERNEL_WORDS + 5).fill(sign * (2 ** 25 - 1))]
      const simd = simdCheckedSum(KERNEL_WORDS + 5, SIMD_UNPACK_BITS, forms, first.p, second.p)!
      // a whole chunk of groups, and one that ends with 7 values past its last group
      for (const count of [KERNEL_WORDS, KERNEL_WORDS - 1]) {
        const values = new Uint32Array(count).fill(2 ** SIMD_UNPACK_BITS - 1)
        expectCongruent(simd.add(0, pack(values, SIMD_UNPACK_BITS), count), values, forms, 0, 2 ** 28)
      }
    }
  })

  it('refuse a chunk that does not fit the sum, and forms shorter than it', () => {
    const simd = simdCheckedSum(64, 8, formsOf(64), first.p, second.p)!
    expect(() => simd.add(40, new Uint8Array(32), 32)).toThrow(RangeError)
    expect(() => simd.add(0, new Uint8Array(31), 32)).toThrow(RangeError)
    expect(() => simd.add(0, new Uint8Array(KERNEL_WORDS + 1), KERNEL_WORDS + 1)).toThrow(RangeError)
    expect(() => simdCheckedSum(65, 8, formsOf(64), first.p, second.p)).toThrow(RangeError)
  })

  it('take inner products congruent to the exact ones mod each prime, for narrow and wide values', () => {
    const length = 2 * KERNEL_WORDS + 64
    const digest = simdFormDigest(length)!
    const forms = formsOf(length)
    digest.forms[0].set(forms[0])
    digest.forms[1].set(forms[1])
    fc.assert(fc.property(
      fc.constantFrom(1, 23, 26, 32),
      fc.oneof(countArb, fc.integer({ min: KERNEL_WORDS + 1, max: 2 * KERNEL_WORDS })),
      fc.integer(),
      (bits, count, seed) => {
        const values = wordsOf(seed, count, bits)
        const offset = Math.abs(seed) % (length - count + 1)
        expectCongruent(digest.sums(offset, values, first.p, second.p, bits), values, forms, offset)
      }
    ), { numRuns: 60 })
  })

  it('stay exact at the widest values and forms, all of one sign', () => {
    const digest = simdFormDigest(KERNEL_WORDS)!
    for (const sign of [1, -1]) {
      digest.forms[0].fill(sign * (2 ** 25 - 1))
      digest.forms[1].fill(sign * (2 ** 25 - 1))
      for (const bits of [1, 8, 23, 25, 26, 32]) {
        const values = new Uint32Array(KERNEL_WORDS).fill(2 ** bits - 1)
        expectCongruent(digest.sums(0, values, first.p, second.p, bits), values, digest.forms, 0)
      }
    }
  })
})
