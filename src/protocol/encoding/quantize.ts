/** Float to fixed point: clipping and unbiased stochastic rounding, fused into one pass. */
import { InvalidInputError } from './errors.js'
import type { Encoding } from './params.js'

// floor(x) for |x| < 2^30 as ((x + 2^30) | 0) - 2^30: truncation of a positive number is its floor,
// and on Node's V8 this measured twice as fast as Math.floor here.
const FLOOR_OFFSET = 2 ** 30
// The rounding uniform keeps 22 of the word's 32 bits: beside the 2^30 offset a double has 22 fractional
// bits left, and with all 32 a word near 2^32 rounded k + 0.9999999 up to k + 1, so a value already on the
// grid came out one step too high (about once in 8 million coordinates). A 2^-22 resolution of the rounding
// probability is far below a quantum's own noise.
const UNIFORM_SHIFT = 10
const UNIFORM = 2 ** -22

/** Throws InvalidInputError unless the update has `dimension` finite values and the weight is in [0, maxWeight]. */
export function assertValidUpdate (update: Float32Array, dimension: number, weight: number, encoding: Encoding): void {
  if (!(update instanceof Float32Array)) throw new InvalidInputError('update must be a Float32Array')
  if (update.length !== dimension) throw new InvalidInputError(`update has ${update.length} values, the session expects ${dimension}`)
  for (let i = 0; i < update.length; i++) {
    if (!Number.isFinite(update[i])) throw new InvalidInputError(`update value ${i} is not a finite number`)
  }
  if (!Number.isFinite(weight) || weight < 0 || weight > encoding.maxWeight) {
    throw new InvalidInputError(`weight must be a number in [0, ${encoding.maxWeight}], got ${weight}`)
  }
}

/**
 * Quantizes `input` into `out` (two's complement mod 2^32) as clip(v) * weight/maxWeight * scale,
 * rounded up with probability equal to the fractional part (so E[q] is the exact scaled value), with
 * one uniform 32-bit word per coordinate from `uniforms` (its top 22 bits). Returns how many values were clipped.
 */
export function quantizeInto (input: Float32Array, weight: number, encoding: Encoding, uniforms: Uint32Array, out: Uint32Array): number {
  return quantizeScaled(input, quantizeMultiplier(weight, encoding), encoding.clip, uniforms, out)
}

/** What quantizeInto multiplies a clipped value by: the scale times weight/maxWeight. */
export function quantizeMultiplier (weight: number, encoding: Encoding): number {
  return encoding.scale * (weight / encoding.maxWeight)
}

/**
 * quantizeInto with its multiplier given: the reference the WebAssembly kernel (words.wat's quantize)
 * gives the same words as. |clip * multiplier| must be at most 2^30 - 1: with the uniform below 1 and
 * the 2^30 offset, the sum then stays in [0, 2^31), where | 0 is the floor (an encoding has at most 24
 * bits, so clip * multiplier is at most 2^23).
 */
export function quantizeScaled (input: Float32Array, multiplier: number, clip: number, uniforms: Uint32Array, out: Uint32Array): number {
  let clipped = 0
  for (let i = 0; i < input.length; i++) {
    let v = input[i]
    if (v > clip) {
      v = clip
      clipped++
    } else if (v < -clip) {
      v = -clip
      clipped++
    }
    out[i] = ((v * multiplier + (uniforms[i] >>> UNIFORM_SHIFT) * UNIFORM + FLOOR_OFFSET) | 0) - FLOOR_OFFSET
  }
  return clipped
}

/** The weight coordinate: weight/maxWeight in fixed point, stochastically rounded with one uniform word. */
export function quantizeWeight (weight: number, encoding: Encoding, uniform: number): number {
  return (Math.floor(weight / encoding.maxWeight * encoding.weightScale + (uniform >>> UNIFORM_SHIFT) * UNIFORM)) >>> 0
}
