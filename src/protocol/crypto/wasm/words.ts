/**
 * Word arithmetic mod 2^32 for masking: WebAssembly SIMD (words.wat, i32x4 lanes) where the runtime
 * has it, a plain loop where it does not, with identical results (test/protocol/crypto/words.test.ts).
 *
 * Why: adding a keystream into a vector with a JavaScript loop costs about as much as producing the
 * keystream (0.6 to 0.8 ms per million words against AES-CTR's 0.6 on the 2-core machine); i32x4.add
 * does it in 0.09. WebAssembly reads only its own memory, so a kernel holds one chunk of the running
 * sum and one of keystream there: the caller copies a chunk in once, adds every mask into it, and
 * copies it out. Node's AES-CTR writes a fresh buffer, so each keystream chunk is copied in too (a
 * 64 KiB copy, about 0.04 ms per million words when it stays in cache).
 *
 * A participant's chunk starts in the kernel too: its update's values are quantized into the sum there,
 * with the rounding keystream as uniforms (a million values, each way timed alone: 2.7-3.1 ms in
 * JavaScript, 1.4-1.6 ms in SIMD), and the masked sum is cut to m bits there before it comes out.
 */
import { WORDS_WASM_BASE64 } from './words-module.js'
import { compileKernel, instantiateKernel } from './module.js'
import { quantizeScaled } from '../../encoding/quantize.js'

/** Words a kernel holds at once, which words.wat sizes its memory for; the PRG's chunk too (prg.ts). */
export const KERNEL_WORDS = 16384
const SUM_OFFSET = 0
const KEYSTREAM_OFFSET = KERNEL_WORDS * 4
const FLOATS_OFFSET = 2 * KERNEL_WORDS * 4

/** One chunk's work area: `sum` and `keystream` are the chunk-sized views the operations read and write. */
export interface WordKernel {
  readonly sum: Uint32Array
  readonly keystream: Uint32Array
  /** sum[i] += keystream[i] mod 2^32 for i < words */
  add: (words: number) => void
  /** sum[i] -= keystream[i] mod 2^32 for i < words */
  subtract: (words: number) => void
  /** sum[i] &= mask for i < words */
  keepLow: (words: number, mask: number) => void
  /**
   * sum[i] = quantizeScaled's word for input[i] (at most KERNEL_WORDS values), with keystream[i] as its
   * uniform; returns how many values were clipped.
   */
  quantize: (input: Float32Array, multiplier: number, clip: number) => number
}

/** Hands out kernels, one per concurrent user: a kernel's memory must not change under an await. */
export interface WordKernels {
  readonly name: string
  acquire: () => WordKernel
  release: (kernel: WordKernel) => void
}

function jsKernel (): WordKernel {
  const sum = new Uint32Array(KERNEL_WORDS)
  const keystream = new Uint32Array(KERNEL_WORDS)
  return {
    sum,
    keystream,
    add (words) { for (let i = 0; i < words; i++) sum[i] += keystream[i] },
    subtract (words) { for (let i = 0; i < words; i++) sum[i] -= keystream[i] },
    keepLow (words, mask) { for (let i = 0; i < words; i++) sum[i] &= mask },
    quantize: (input, multiplier, clip) => quantizeScaled(input, multiplier, clip, keystream, sum)
  }
}

interface WordExports {
  memory: WebAssembly.Memory
  add: (dst: number, src: number, words: number) => void
  subtract: (dst: number, src: number, words: number) => void
  keep_low: (dst: number, words: number, mask: number) => void
  quantize: (dst: number, uniforms: number, src: number, n: number, multiplier: number, clip: number) => number
}

function simdKernel (module: WebAssembly.Module): WordKernel {
  const { memory, add, subtract, keep_low: keepLow, quantize } = instantiateKernel<WordExports>(module)
  // words.wat declares its three chunks and never grows, so these views stay attached
  const floats = new Float32Array(memory.buffer, FLOATS_OFFSET, KERNEL_WORDS)
  return {
    sum: new Uint32Array(memory.buffer, SUM_OFFSET, KERNEL_WORDS),
    keystream: new Uint32Array(memory.buffer, KEYSTREAM_OFFSET, KERNEL_WORDS),
    add (words) { add(SUM_OFFSET, KEYSTREAM_OFFSET, words) },
    subtract (words) { subtract(SUM_OFFSET, KEYSTREAM_OFFSET, words) },
    keepLow (words, mask) { keepLow(SUM_OFFSET, words, mask) },
    quantize (input, multiplier, clip) {
      floats.set(input)
      return quantize(SUM_OFFSET, KEYSTREAM_OFFSET, FLOATS_OFFSET, input.length, multiplier, clip)
    }
  }
}

function pool (name: string, make: () => WordKernel): WordKernels {
  const free: WordKernel[] = []
  return {
    name,
    acquire: () => free.pop() ?? make(),
    release: (kernel) => { free.push(kernel) }
  }
}

/** The plain-loop kernels: the fallback, and the reference the SIMD ones are tested against. */
export const jsKernels: WordKernels = pool('js', jsKernel)

/** The compiled words.wat, for threads that run the same kernels (mask-workers-node.ts). */
export const simdModule = compileKernel(WORDS_WASM_BASE64)

/** WebAssembly SIMD kernels if the runtime has them (Node.js 16.4+, every current browser). */
export const simdKernels: WordKernels | undefined = simdModule === undefined ? undefined : pool('wasm-simd', () => simdKernel(simdModule))

/** The kernels masking uses: SIMD where it runs, else the plain loop. */
export const wordKernels: WordKernels = simdKernels ?? jsKernels
