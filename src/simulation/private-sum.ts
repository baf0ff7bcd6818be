/**
 * Distributed DP without the network: each peer's update through the client pipeline, the encodings
 * summed mod 2^m (what the masks leave once they cancel), and the sum decoded, beside the central
 * Gaussian baseline. For measuring the pipeline's error against central DP (tests, `dp-mse` bench) and
 * for training many simulated peers (the MNIST example).
 */
import { encodePrivately, decodePrivately } from '../protocol/dp/pipeline.js'
import type { Prg } from '../protocol/crypto/prg.js'
import type { DecodedAggregate } from '../protocol/encoding/dequantize.js'
import type { Encoding } from '../protocol/encoding/params.js'
import type { RandomSource } from '../protocol/crypto/shamir.js'

/** The decoded sum of the peers' privately encoded updates (weight 1 each), with each peer's rounding seed drawn from `random`. */
export async function privateSum (updates: readonly Float32Array[], encoding: Encoding, prg: Prg, rotation: Uint8Array, random: RandomSource): Promise<DecodedAggregate & { encodeMs: number }> {
  const dp = encoding.privacy
  if (dp === undefined) throw new Error('privateSum needs a DP encoding')
  const summed = new Uint32Array(dp.paddedDimension + 1)
  const mask = dp.modulusBits === 32 ? 0xffffffff : 2 ** dp.modulusBits - 1
  let encodeMs = 0
  for (const update of updates) {
    const started = performance.now()
    const { words } = await encodePrivately(update, 1, encoding, prg, rotation, random(16))
    encodeMs += performance.now() - started
    for (let i = 0; i < words.length; i++) summed[i] = ((summed[i] + words[i]) & mask) >>> 0
  }
  return { ...await decodePrivately(summed, encoding, updates[0].length, prg, rotation), encodeMs }
}

/** Standard normal samples from a keystream (Box-Muller): test data, and the central baseline's continuous noise. */
async function gaussianSamples (count: number, prg: Prg, key: Uint8Array): Promise<Float64Array> {
  const words = new Uint32Array(2 * Math.ceil(count / 2))
  await prg.open(key).apply(words, 'fill')
  const out = new Float64Array(count)
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log((words[i] + 1) / 4294967297))
    const angle = 2 * Math.PI * words[i + 1] / 4294967296
    out[i] = r * Math.cos(angle)
    if (i + 1 < count) out[i + 1] = r * Math.sin(angle)
  }
  return out
}

/** Central DP: the exact sum of the updates clipped to l2Clip, plus N(0, noiseStd²) on each coordinate. */
export async function centralSum (updates: readonly Float32Array[], l2Clip: number, noiseStd: number, prg: Prg, key: Uint8Array): Promise<Float64Array> {
  const sum = new Float64Array(updates[0].length)
  for (const update of updates) {
    let norm2 = 0
    for (const v of update) norm2 += v * v
    const factor = Math.min(1, l2Clip / Math.sqrt(norm2))
    for (let i = 0; i < update.length; i++) sum[i] += update[i] * factor
  }
  const noise = await gaussianSamples(sum.length, prg, key)
  for (let i = 0; i < sum.length; i++) sum[i] += noiseStd * noise[i]
  return sum
}

/**
 * Updates of L2 norm `norm` that share a direction, as model updates do: the case a DP modulus is sized
 * for, since a sum of aligned updates is as long as it gets. Each is a shared and an own Gaussian direction.
 */
export async function alignedUpdates (n: number, dimension: number, norm: number, prg: Prg, random: RandomSource): Promise<Float32Array[]> {
  const shared = await gaussianSamples(dimension, prg, random(32))
  const updates: Float32Array[] = []
  for (let p = 0; p < n; p++) {
    const own = await gaussianSamples(dimension, prg, random(32))
    const v = Float32Array.from(shared, (s, i) => s + own[i])
    let norm2 = 0
    for (const x of v) norm2 += x * x
    const scale = norm / Math.sqrt(norm2)
    updates.push(v.map(x => x * scale))
  }
  return updates
}

/** ||estimate - Σ updates||²: the squared error of an estimate of the updates' sum. */
export function squaredError (estimate: Float64Array, updates: readonly Float32Array[]): number {
  const truth = new Float64Array(estimate.length)
  for (const u of updates) for (let i = 0; i < u.length; i++) truth[i] += u[i]
  let error = 0
  for (let i = 0; i < estimate.length; i++) error += (estimate[i] - truth[i]) ** 2
  return error
}
