/**
 * The WebAssembly SIMD word kernels: the committed module is what words.wat compiles to, and masking
 * through them gives exactly what the plain loop gives, word for word, for any length, any mix of
 * added and subtracted keystreams, either PRG backend, and calls that run at the same time; so do
 * quantizing into a kernel and cutting its words to m bits.
 */
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyKeystreams, combine, PRG_CHUNK_WORDS, type MaskMode, type Prg } from '../../../src/protocol/crypto/prg.js'
import { nodePrg } from '../../../src/protocol/crypto/prg-node.js'
import { webPrg } from '../../../src/protocol/crypto/prg-web.js'
import { jsKernels, KERNEL_WORDS, simdKernels, wordKernels, type WordKernel } from '../../../src/protocol/crypto/wasm/words.js'
import { quantizeScaled } from '../../../src/protocol/encoding/quantize.js'
// @ts-expect-error: a plain ES module script, without types
import { compileModule, moduleFile } from '../../../scripts/build-wasm.mjs'

interface Mask { key: Uint8Array, mode: MaskMode }

/** The reference: one keystream at a time over the whole target, with the plain loop of prg.ts. */
async function reference (prg: Prg, target: Uint32Array, masks: Mask[]): Promise<Uint32Array> {
  const out = target.slice()
  for (const { key, mode } of masks) {
    const words = new Uint32Array(out.length)
    await prg.open(key).apply(words, 'fill')
    combine(out, words, mode)
  }
  return out
}

async function through (prg: Prg, target: Uint32Array, masks: Mask[], kernels = wordKernels): Promise<Uint32Array> {
  const out = target.slice()
  await applyKeystreams(out, masks.map(({ key, mode }) => ({ stream: prg.open(key), mode })), kernels)
  return out
}

/** Where two word vectors first differ, or -1 (toEqual walks a typed array element by element: slow at 50,000 words). */
function firstDifference (a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length)
  const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength)
  if (x.equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) return -1
  return a.findIndex((v, i) => v !== b[i])
}

const maskArb = fc.record({ key: fc.uint8Array({ minLength: 16, maxLength: 16 }), mode: fc.constantFrom<MaskMode>('add', 'subtract') })
// lengths around the SIMD loop's 16-word blocks and the kernel's chunk
const lengthArb = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: KERNEL_WORDS - 20, max: KERNEL_WORDS + 40 }), fc.integer({ min: 2 * KERNEL_WORDS - 3, max: 3 * KERNEL_WORDS + 17 }))

describe('the WebAssembly word kernels', () => {
  it('are the module words.wat compiles to', async () => {
    expect(await compileModule('words')).toBe(await readFile(moduleFile('words'), 'utf8'))
  })

  it('run on this Node.js, and are what masking uses', () => {
    expect(simdKernels).toBeDefined()
    expect(wordKernels.name).toBe('wasm-simd')
  })

  it('match the PRG\'s chunk, so a chunk of masking is one kernel load', () => {
    expect(KERNEL_WORDS).toBe(PRG_CHUNK_WORDS)
  })

  it.each([['node:crypto', nodePrg], ['webcrypto', webPrg()]] as const)('give the plain loop\'s words for any length and mix of masks (%s)', async (_, prg) => {
    await fc.assert(fc.asyncProperty(lengthArb, fc.array(maskArb, { maxLength: 6 }), fc.integer(), async (length, masks, seed) => {
      const target = Uint32Array.from({ length }, (_, i) => Math.imul(i + 1, seed | 1) >>> 0)
      const expected = await reference(prg, target, masks)
      expect(firstDifference(await through(prg, target, masks, simdKernels), expected)).toBe(-1)
      expect(firstDifference(await through(prg, target, masks, jsKernels), expected)).toBe(-1)
    }), { numRuns: 40 })
  })

  it('wrap mod 2^32 in both directions', async () => {
    const key = new Uint8Array(16).fill(7)
    const target = new Uint32Array(33).fill(0xffffffff)
    const added = await through(nodePrg, target, [{ key, mode: 'add' }, { key, mode: 'add' }], simdKernels)
    expect(added).toEqual(await reference(nodePrg, target, [{ key, mode: 'add' }, { key, mode: 'add' }]))
    // a mask added and taken off leaves the target as it was
    expect(await through(nodePrg, target, [{ key, mode: 'add' }, { key, mode: 'subtract' }], simdKernels)).toEqual(target)
  })

  it('keep calls that run at the same time apart, each in its own kernel', async () => {
    const prg = webPrg() // truly asynchronous: every chunk awaits WebCrypto, so the calls interleave
    const masks = (k: number): Mask[] => [{ key: new Uint8Array(16).fill(k), mode: 'add' }, { key: new Uint8Array(16).fill(k + 1), mode: 'subtract' }]
    const targets = [0, 1, 2, 3].map(k => Uint32Array.from({ length: 2 * KERNEL_WORDS + 5 }, (_, i) => i * (k + 1)))
    const together = await Promise.all(targets.map(async (target, k) => through(prg, target, masks(10 * k), simdKernels)))
    for (const [k, target] of targets.entries()) expect(firstDifference(together[k], await reference(prg, target, masks(10 * k)))).toBe(-1)
  })

  describe('quantizing into a kernel', () => {
    /** The kernel's words after quantizing `input` with `uniforms`, and its count of clipped values. */
    const quantized = (kernel: WordKernel, input: Float32Array, uniforms: Uint32Array, multiplier: number, clip: number): [Uint32Array, number] => {
      kernel.keystream.set(uniforms)
      kernel.sum.fill(0xdeadbeef)
      const clipped = kernel.quantize(input, multiplier, clip)
      return [kernel.sum.slice(0, input.length + 3), clipped]
    }
    const special = [0, -0, 1, -1, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38, 0.5, -0.5]
    const valueArb = fc.oneof(fc.float({ noDefaultInfinity: false, noNaN: false }), fc.constantFrom(...special))
    // with |clip x multiplier| below 2^30, as quantize.ts requires; clip a float32, so values can equal it
    const scaleArb = fc.tuple(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([clip, fraction]) => ({ clip: Math.fround(clip), multiplier: fraction * (2 ** 30 - 1) / Math.fround(clip) }))

    it('gives the plain loop\'s words and clipped count for any values, lengths and scales', () => {
      const simd = simdKernels!.acquire()
      const js = jsKernels.acquire()
      fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: KERNEL_WORDS - 9, max: KERNEL_WORDS })), valueArb, scaleArb, fc.integer(), (length, value, { clip, multiplier }, seed) => {
        // every lane of a vector, and the scalar tail, sees the value, the clip and its negation
        const input = Float32Array.from({ length }, (_, i) => [value, clip, -clip][i % 11] ?? Math.fround(Math.sin(seed + i) * clip * 1.5))
        for (const [i, v] of special.entries()) if (i < length && seed % 3 === 0) input[(i * 37) % length] = v
        const uniforms = Uint32Array.from({ length }, (_, i) => Math.imul(i + 1, seed | 1) >>> 0)
        const expectedWords = new Uint32Array(length)
        const expectedClipped = quantizeScaled(input, multiplier, clip, uniforms, expectedWords)
        const [words, clipped] = quantized(simd, input, uniforms, multiplier, clip)
        expect(clipped).toBe(expectedClipped)
        expect(firstDifference(words.subarray(0, length), expectedWords)).toBe(-1)
        // nothing past the values is written
        expect(Array.from(words.subarray(length))).toEqual(new Array(Math.min(3, KERNEL_WORDS - length)).fill(0xdeadbeef))
        const [jsWords, jsClipped] = quantized(js, input, uniforms, multiplier, clip)
        expect(jsClipped).toBe(clipped)
        expect(firstDifference(jsWords, words)).toBe(-1)
      }), { numRuns: 120 })
    })

    it('counts a value clipped only when it is beyond the clip, in either direction', () => {
      const simd = simdKernels!.acquire()
      const clip = 0.75
      // lanes 0 and 1 of a vector, lanes 2 and 3, then the scalar tail: each sees a value at the clip
      // (kept) and one beyond it (clipped)
      const input = Float32Array.from([0.7500001, -0.75, 0.75, -0.7500001, Infinity, 0, -Infinity, Number.NaN, 0.75, -Infinity])
      const [words, clipped] = quantized(simd, input, new Uint32Array(input.length), 1024, clip)
      expect(clipped).toBe(5)
      // +-clip is +-768, as words mod 2^32; NaN is the plain loop's -2^30 mod 2^32
      const minus = (x: number): number => 2 ** 32 - x
      expect(Array.from(words.subarray(0, 10))).toEqual([768, minus(768), 768, minus(768), 768, 0, minus(768), minus(2 ** 30), 768, minus(768)])
    })
  })

  it('cut words to their low bits as the plain loop does', () => {
    const simd = simdKernels!.acquire()
    const js = jsKernels.acquire()
    fc.assert(fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 31 }), fc.integer(), (length, bits, seed) => {
      const words = Uint32Array.from({ length: KERNEL_WORDS }, (_, i) => Math.imul(i + 7, seed | 1) >>> 0)
      simd.sum.set(words)
      js.sum.set(words)
      simd.keepLow(length, 2 ** bits - 1)
      js.keepLow(length, 2 ** bits - 1)
      expect(firstDifference(simd.sum, js.sum)).toBe(-1)
      expect(simd.sum.subarray(0, length).every(w => w < 2 ** bits)).toBe(true)
      expect(firstDifference(simd.sum.subarray(length), words.subarray(length))).toBe(-1)
    }), { numRuns: 100 })
  })
})
