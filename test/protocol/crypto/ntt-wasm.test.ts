/**
 * The WebAssembly SIMD commitment block (ntt.wat): the committed module is what the .wat compiles to,
 * each block's transform and row products, and the upload check's pull-back of its form, give the
 * JavaScript's doubles bit for bit, the matrix
 * entries are sampled as the JavaScript samples them, rejections included, and so a commitment is the
 * same either way, whatever the values and the length.
 */
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nodePrg } from '../../../src/protocol/crypto/prg-node.js'
import { sampleEntries, simdBlockKernel } from '../../../src/protocol/crypto/wasm/ntt.js'
import { KERNEL_WORDS } from '../../../src/protocol/crypto/wasm/words.js'
import { commit, COMMITMENT_ROWS, FIELDS, jsBlockKernel } from '../../../src/protocol/verification/commitment.js'
import type { RoundContext } from '../../../src/protocol/crypto/kdf.js'
// @ts-expect-error: a plain ES module script, without types
import { compileModule, moduleFile } from '../../../scripts/build-wasm.mjs'

const context: RoundContext = { sessionId: new Uint8Array(32).fill(4), round: 3, attempt: 0 }

/** Integers of magnitude below 2^bits, signed, from a seed. */
function integers (seed: number, length: number, bits: number): Float64Array {
  let state = seed >>> 0 || 1
  const next = (): number => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return state >>> 0
  }
  return Float64Array.from({ length }, () => {
    const value = bits <= 32 ? next() % 2 ** bits : (next() % 2 ** (bits - 32)) * 2 ** 32 + next()
    return next() % 2 === 0 ? value : -value
  })
}

/** At most 1024 words from `from`: what one block's entries can take. */
function from1024 (from: number): number {
  return Math.min(KERNEL_WORDS, from + 1024)
}

describe('the WebAssembly commitment block', () => {
  it('is the module ntt.wat compiles to', async () => {
    expect(await compileModule('ntt')).toBe(await readFile(moduleFile('ntt'), 'utf8'))
  })

  it('gives the JavaScript\'s transform and row products bit for bit', () => {
    fc.assert(fc.property(fc.integer(), fc.constantFrom(8, 26, 33, 51), (seed, bits) => {
      const simd = simdBlockKernel(FIELDS, COMMITMENT_ROWS)!
      const js = jsBlockKernel()
      for (let block = 0; block < 3; block++) {
        const pending = integers(seed + block, 1024, bits)
        simd.pending.set(pending)
        js.pending.set(pending)
        for (let f = 0; f < FIELDS.length; f++) {
          simd.forward(f)
          js.forward(f)
          for (let r = 0; r < COMMITMENT_ROWS; r++) {
            const entries = integers(seed ^ (block * 8 + f * 2 + r), 1024, 25).map(Math.abs)
            simd.entries.set(entries)
            js.entries.set(entries)
            simd.accumulate(f, r)
            js.accumulate(f, r)
          }
        }
      }
      for (let f = 0; f < FIELDS.length; f++) {
        for (let r = 0; r < COMMITMENT_ROWS; r++) expect(Buffer.from(simd.sums[f][r].buffer, simd.sums[f][r].byteOffset, 8192).equals(Buffer.from(js.sums[f][r].buffer))).toBe(true)
      }
    }), { numRuns: 40 })
  })

  it('pulls a form back through the rows and the transposed transform as the JavaScript does, bit for bit', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const simd = simdBlockKernel(FIELDS, COMMITMENT_ROWS)!
      const js = jsBlockKernel()
      for (let f = 0; f < FIELDS.length; f++) {
        for (let r = 0; r < COMMITMENT_ROWS; r++) {
          const challenge = integers(seed + 10 * f + r, 1024, 25).map(Math.abs)
          simd.challenges[f][r].set(challenge)
          js.challenges[f][r].set(challenge)
        }
      }
      for (let f = 0; f < FIELDS.length; f++) {
        simd.block.fill(0)
        js.block.fill(0)
        for (let r = 0; r < COMMITMENT_ROWS; r++) {
          const entries = integers(seed ^ (f * 2 + r + 1), 1024, 25).map(Math.abs)
          simd.entries.set(entries)
          js.entries.set(entries)
          simd.pullBack(f, r)
          js.pullBack(f, r)
        }
        simd.transpose(f)
        js.transpose(f)
        expect(Buffer.from(simd.block.buffer, simd.block.byteOffset, 8192).equals(Buffer.from(js.block.buffer))).toBe(true)
      }
    }), { numRuns: 40 })
  })

  it('samples matrix entries as the JavaScript does, rejections included, into its own memory or any array', () => {
    const p = FIELDS[0].p
    fc.assert(fc.property(
      fc.integer(),
      fc.array(fc.nat(KERNEL_WORDS - 1), { maxLength: 30 }),
      fc.nat(KERNEL_WORDS),
      fc.nat(KERNEL_WORDS),
      (seed, rejected, a, b) => {
        const kernel = simdBlockKernel(FIELDS, COMMITMENT_ROWS)!
        const sampler = kernel.samplers[1][0]
        const words = Uint32Array.from(integers(seed, KERNEL_WORDS, 32), Math.abs)
        // a word whose top 26 bits are p or more is rejected: some at chosen places, besides any by chance
        for (const at of rejected) words[at] = (p + words[at] % (2 ** 26 - p)) * 64 + (words[at] & 63)
        sampler.words.set(words)
        const [from, to] = [Math.min(a, b), Math.min(Math.max(a, b), from1024(Math.min(a, b)))]
        const expected = new Float64Array(1024)
        const wrote = sampleEntries(words, from, to, expected, 0, p)
        expect(sampler.take(from, to, kernel.entries, 0, p)).toBe(wrote)
        expect([...kernel.entries.subarray(0, wrote)]).toEqual([...expected.subarray(0, wrote)])
        const elsewhere = new Float64Array(1024)
        expect(sampler.take(from, to, elsewhere, 0, p)).toBe(wrote)
        expect(elsewhere).toEqual(expected)
      }
    ), { numRuns: 100 })
  })

  it('commits to any vector as the JavaScript does', async () => {
    await fc.assert(fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 5000 }), fc.constantFrom(23, 32, 51), async (seed, length, bits) => {
      const values = integers(seed, length, bits)
      const vector = bits <= 32 ? Uint32Array.from(values, Math.abs) : values
      expect(await commit(nodePrg, context, vector, true)).toEqual(await commit(nodePrg, context, vector, false))
    }), { numRuns: 30 })
  })
})
