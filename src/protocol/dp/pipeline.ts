/**
 * The distributed-DP client pipeline and its inverse at the aggregator (Kairouz, Liu and Steinke,
 * ICML 2021, Algorithms 1 and 2). A peer scales its update to an L2 norm of at most C, pads it to D,
 * rotates it (the signs are public: a keystream keyed by the session, the round and its beacon, the
 * same in every attempt), scales it to integer units, rounds it stochastically until the rounded norm
 * is within the bound the accountant charges for, adds its share of discrete Gaussian noise and reduces
 * mod 2^m. Rounding and noise come from the round's rounding seed, so every attempt of a round carries
 * the very same noisy vector and no two sums give an adversary two draws of one peer's noise.
 * Decoding centres each word mod 2^m, rescales and rotates back.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { frame, u32be } from '../crypto/bytes.js'
import { PRG_CHUNK_WORDS, type Prg } from '../crypto/prg.js'
import { quantizeWeight } from '../encoding/quantize.js'
import type { DecodedAggregate } from '../encoding/dequantize.js'
import type { Encoding } from '../encoding/params.js'
import type { DpCalibration } from './calibration.js'
import { DiscreteGaussian, WORDS_PER_SAMPLE } from './discrete-gaussian.js'
import { rotate, unrotate } from './hadamard.js'

const ROTATION_LABEL = 'libp2p-secagg/1/dp-rotation'
/** The noise reads the rounding seed's keystream from block 2^120 on, far from the rounding's own words. */
const NOISE_IV = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
/** Gives up a rounding that keeps exceeding the bound: each try passes with probability at least 1 - β. */
const MAX_ROUNDINGS = 1000

/** The key of a round's public rotation signs. */
export function rotationKey (sessionId: Uint8Array, round: number, beacon: Uint8Array): Uint8Array {
  return sha256(frame([ROTATION_LABEL, sessionId, u32be(round), beacon]))
}

async function signsOf (prg: Prg, key: Uint8Array, length: number): Promise<Uint32Array> {
  const signs = new Uint32Array(length)
  await prg.open(key).apply(signs, 'fill')
  return signs
}

// A table costs tens of milliseconds to build and a session uses one variance.
const samplers = new Map<number, DiscreteGaussian>()
function samplerFor (variance: number): DiscreteGaussian {
  let sampler = samplers.get(variance)
  if (sampler === undefined) {
    if (samplers.size >= 4) samplers.clear()
    sampler = new DiscreteGaussian(variance)
    samplers.set(variance, sampler)
  }
  return sampler
}

export interface PrivateEncoding {
  /** D + 1 words mod 2^m: the noisy rotated update, then the weight coordinate. */
  words: Uint32Array
  /** 1 when the update's norm was scaled down to C, else 0. */
  clipped: number
}

/** Encodes an update (validated: dimension finite values, weight in range) for a DP session. */
export async function encodePrivately (update: Float32Array, weight: number, encoding: Encoding, prg: Prg, rotation: Uint8Array, seed: Uint8Array): Promise<PrivateEncoding> {
  const dp = encoding.privacy as DpCalibration
  const D = dp.paddedDimension
  let norm2 = 0
  for (let i = 0; i < update.length; i++) norm2 += update[i] * update[i]
  const norm = Math.sqrt(norm2)
  const clipped = norm > dp.l2Clip ? 1 : 0
  const factor = (clipped === 1 ? dp.l2Clip / norm : 1) * (weight / encoding.maxWeight) * dp.scale
  const x = new Float64Array(D)
  for (let i = 0; i < update.length; i++) x[i] = update[i] * factor
  rotate(x, await signsOf(prg, rotation, D))

  const rounded = new Int32Array(D)
  const uniforms = new Uint32Array(D)
  const rounding = prg.open(seed)
  const bound2 = dp.l2Bound * dp.l2Bound
  for (let tries = 0; ; tries++) {
    if (tries === MAX_ROUNDINGS) throw new Error(`no rounding of the update met its norm bound in ${MAX_ROUNDINGS} tries`)
    await rounding.apply(uniforms, 'fill')
    let rounded2 = 0
    for (let i = 0; i < D; i++) {
      const floor = Math.floor(x[i])
      const r = floor + (uniforms[i] * 2 ** -32 < x[i] - floor ? 1 : 0)
      rounded[i] = r
      rounded2 += r * r
    }
    // an integer sum of integer squares below 2^53: exact
    if (rounded2 <= bound2) break
  }
  const weightUniform = new Uint32Array(1)
  await rounding.apply(weightUniform, 'fill')

  const sampler = samplerFor(dp.peerVariance)
  const noise = prg.open(seed, 0, NOISE_IV)
  const words = new Uint32Array(PRG_CHUNK_WORDS * WORDS_PER_SAMPLE)
  for (let offset = 0; offset < D; offset += PRG_CHUNK_WORDS) {
    const part = rounded.subarray(offset, Math.min(D, offset + PRG_CHUNK_WORDS))
    const chunk = words.subarray(0, part.length * WORDS_PER_SAMPLE)
    await noise.apply(chunk, 'fill')
    sampler.addTo(part, chunk)
  }

  const out = new Uint32Array(D + 1)
  const mask = dp.modulusBits === 32 ? 0xffffffff : 2 ** dp.modulusBits - 1
  for (let i = 0; i < D; i++) out[i] = (rounded[i] & mask) >>> 0
  out[D] = quantizeWeight(weight, encoding, weightUniform[0])
  return { words: out, clipped }
}

/** Decodes a DP session's sum of D + 1 words into the sum, weight sum and mean of `dimension` coordinates. */
export async function decodePrivately (summed: Uint32Array, encoding: Encoding, dimension: number, prg: Prg, rotation: Uint8Array): Promise<DecodedAggregate> {
  const dp = encoding.privacy as DpCalibration
  const D = dp.paddedDimension
  const shift = 32 - dp.modulusBits
  const toValue = encoding.maxWeight / dp.scale
  const x = new Float64Array(D)
  for (let i = 0; i < D; i++) x[i] = ((summed[i] << shift) >> shift) * toValue
  unrotate(x, await signsOf(prg, rotation, D))
  const weightSum = ((summed[D] << shift) >> shift) / encoding.weightScale * encoding.maxWeight
  const sum = x.slice(0, dimension)
  const mean = new Float64Array(dimension)
  if (weightSum > 0) for (let i = 0; i < dimension; i++) mean[i] = sum[i] / weightSum
  return { sum, weightSum, mean }
}
