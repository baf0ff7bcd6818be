import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { epsilonOf } from '../../../src/protocol/dp/accountant.js'
import { calibrate, centralNoiseStd, roundMechanism, type DpCalibration, type DpParams } from '../../../src/protocol/dp/calibration.js'
import { paddedDimension, rotate, unrotate } from '../../../src/protocol/dp/hadamard.js'
import { decodePrivately, encodePrivately, rotationKey } from '../../../src/protocol/dp/pipeline.js'
import { InvalidEncodingError } from '../../../src/protocol/encoding/errors.js'
import { resolveEncoding, type Encoding, type EncodingParams } from '../../../src/protocol/encoding/params.js'

const prg = nodeCryptoSuite.prg
const SESSION = new Uint8Array(32).fill(7)
const BEACON = new Uint8Array(32).fill(9)
const ROTATION = rotationKey(SESSION, 1, BEACON)

const privacy: DpParams = { mechanism: 'discrete-gaussian', l2Clip: 1, modulusBits: 16, epsilon: 10, delta: 1e-5, rounds: 1 }
const base: EncodingParams = { clip: 1, bits: 16, maxParticipants: 100, maxWeight: 1, privacy }
const dpOf = (encoding: Encoding): DpCalibration => encoding.privacy!

/** An update of L2 norm `norm` (to float32 precision) in a direction fixed by `seed`. */
function updateOf (seed: string, dimension: number, norm: number): Float32Array {
  const bytes = deterministicRandom(seed)(dimension)
  const raw = Float64Array.from(bytes, b => b - 127.5)
  const length = Math.hypot(...raw)
  return Float32Array.from(raw, v => v * norm / length)
}

const normOf = (x: ArrayLike<number>): number => {
  let sum = 0
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i]
  return Math.sqrt(sum)
}

/** The component of `x` along `direction`. */
const projection = (x: ArrayLike<number>, direction: ArrayLike<number>): number => {
  let dot = 0
  for (let i = 0; i < direction.length; i++) dot += x[i] * direction[i]
  return dot / normOf(direction)
}

/** The root mean square of x - expected. */
const rmsError = (x: ArrayLike<number>, expected: ArrayLike<number>): number => {
  let sum = 0
  for (let i = 0; i < expected.length; i++) sum += (x[i] - expected[i]) ** 2
  return Math.sqrt(sum / expected.length)
}

const sumWords = (encoding: Encoding, ...vectors: Uint32Array[]): Uint32Array => {
  const out = new Uint32Array(vectors[0].length)
  for (const words of vectors) for (let i = 0; i < out.length; i++) out[i] = (out[i] + words[i]) % 2 ** encoding.modulusBits
  return out
}

describe('the randomized Hadamard rotation', () => {
  it('pads a dimension to the next power of two', () => {
    for (const [d, D] of [[1, 1], [2, 2], [3, 4], [5, 8], [1000, 1024], [1024, 1024], [1025, 2048], [2 ** 20 + 1, 2 ** 21], [2 ** 30 - 1, 2 ** 30]]) {
      expect(paddedDimension(d)).toBe(D)
    }
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), d => {
      const D = paddedDimension(d)
      expect(Number.isInteger(Math.log2(D))).toBe(true)
      expect(D).toBeGreaterThanOrEqual(d)
      expect(D / 2).toBeLessThan(d)
    }), { numRuns: 1000 })
  })

  const vectorAndSigns = fc.integer({ min: 0, max: 10 }).chain(k => fc.tuple(
    fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2 ** k, maxLength: 2 ** k }),
    fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 2 ** k, maxLength: 2 ** k })
  ))

  it('gives the vector back when unrotated, to 1e-9', () => {
    fc.assert(fc.property(vectorAndSigns, ([values, signWords]) => {
      const signs = Uint32Array.from(signWords)
      const x = Float64Array.from(values)
      rotate(x, signs)
      unrotate(x, signs)
      for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - values[i])).toBeLessThan(1e-9)
    }))
  })

  it('keeps the L2 norm', () => {
    fc.assert(fc.property(vectorAndSigns, ([values, signWords]) => {
      const x = Float64Array.from(values)
      rotate(x, Uint32Array.from(signWords))
      expect(Math.abs(normOf(x) - normOf(values))).toBeLessThan(1e-9)
    }))
  })

  it('spreads a one-hot vector to ±1/√D in every coordinate, with signs that depend on the sign words', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 }).chain(k => fc.tuple(
      fc.integer({ min: 0, max: 2 ** k - 1 }),
      fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 2 ** k, maxLength: 2 ** k })
    )), ([hot, signWords]) => {
      const D = signWords.length
      const x = new Float64Array(D)
      x[hot] = 1
      const signs = Uint32Array.from(signWords)
      rotate(x, signs)
      for (const v of x) expect(Math.abs(Math.abs(v) - 1 / Math.sqrt(D))).toBeLessThan(1e-12)
      // flipping the hot coordinate's sign word flips every coordinate
      const flipped = new Float64Array(D)
      flipped[hot] = 1
      signs[hot] ^= 1
      rotate(flipped, signs)
      for (let i = 0; i < D; i++) expect(flipped[i]).toBe(-x[i])
    }), { numRuns: 50 })
  })
})

describe('the round\'s rotation key', () => {
  it('depends on the session, the round and the beacon', () => {
    const other = new Uint8Array(32).fill(8)
    const keys = [
      rotationKey(SESSION, 1, BEACON),
      rotationKey(other, 1, BEACON),
      rotationKey(SESSION, 2, BEACON),
      rotationKey(SESSION, 0, BEACON),
      rotationKey(SESSION, 1, other)
    ]
    expect(keys[0]).toHaveLength(32)
    expect(new Set(keys.map(k => Buffer.from(k).toString('hex'))).size).toBe(keys.length)
  })

  it('depends on nothing else: the same bytes give the same key, from any buffer or view, and bytes cannot move between fields', () => {
    const key = rotationKey(SESSION, 7, BEACON)
    expect(rotationKey(SESSION.slice(), 7, BEACON.slice())).toEqual(key)
    const backing = new Uint8Array(100).fill(1)
    backing.set(SESSION, 3)
    backing.set(BEACON, 50)
    expect(rotationKey(backing.subarray(3, 35), 7, backing.subarray(50, 82))).toEqual(key)
    // the fields are framed: moving a byte from the beacon to the session changes the key
    const joined = new Uint8Array([...SESSION, ...BEACON])
    expect(rotationKey(joined.subarray(0, 33), 7, joined.subarray(33))).not.toEqual(key)
  })
})

describe('encodePrivately', () => {
  const small = resolveEncoding(base, { dimension: 100, honestPeers: 50 })

  it('is deterministic given the update, the rounding seed and the rotation key: the same words every attempt', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 100, maxLength: 100 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      async (values, seed, beacon) => {
        const update = Float32Array.from(values)
        const rotation = rotationKey(SESSION, 3, beacon)
        const first = await encodePrivately(update, 1, small, prg, rotation, seed)
        const second = await encodePrivately(Float32Array.from(values), 1, small, prg, rotation.slice(), seed.slice())
        expect(second.words).toEqual(first.words)
        expect(second.clipped).toBe(first.clipped)
        expect(first.words).toHaveLength(dpOf(small).paddedDimension + 1)
        for (const w of first.words) expect(w).toBeLessThan(2 ** small.modulusBits)
      }
    ), { numRuns: 30 })
  })

  const encoding = resolveEncoding(base, { dimension: 4096, honestPeers: 100 })
  const dp = dpOf(encoding)
  /** The std of one peer's noise on a decoded coordinate, in the update's units. */
  const noiseStd = Math.sqrt(dp.peerVariance) / dp.scale

  it('draws different noise from a different rounding seed', async () => {
    const update = updateOf('pipeline/seed', 4096, 0.9)
    const a = await encodePrivately(update, 1, encoding, prg, ROTATION, new Uint8Array(16).fill(1))
    const b = await encodePrivately(update, 1, encoding, prg, ROTATION, new Uint8Array(16).fill(2))
    let same = 0
    for (let i = 0; i < 4096; i++) if (a.words[i] === b.words[i]) same++
    expect(same).toBeLessThan(4096 * 0.01)
    // both decode to the update, with independent noise: their difference has std √2 times one peer's
    const da = await decodePrivately(a.words, encoding, 4096, prg, ROTATION)
    const db = await decodePrivately(b.words, encoding, 4096, prg, ROTATION)
    expect(rmsError(da.sum, db.sum) / (Math.SQRT2 * noiseStd)).toBeCloseTo(1, 1)
  })

  it('encodes differently under a different round\'s rotation key, and decodes only under its own', async () => {
    const update = updateOf('pipeline/rotation', 4096, 0.9)
    const seed = new Uint8Array(16).fill(3)
    const otherRotation = rotationKey(SESSION, 2, BEACON)
    const a = await encodePrivately(update, 1, encoding, prg, ROTATION, seed)
    const b = await encodePrivately(update, 1, encoding, prg, otherRotation, seed)
    let same = 0
    for (let i = 0; i < 4096; i++) if (a.words[i] === b.words[i]) same++
    expect(same).toBeLessThan(4096 * 0.05)
    expect(Math.abs(projection((await decodePrivately(b.words, encoding, 4096, prg, otherRotation)).sum, update) - 0.9)).toBeLessThan(5 * noiseStd)
    // under the wrong key the update is scattered: next to nothing of it is left along its direction
    expect(Math.abs(projection((await decodePrivately(b.words, encoding, 4096, prg, ROTATION)).sum, update))).toBeLessThan(0.3)
  })
})

describe('decodePrivately of one peer\'s encoding', () => {
  const encoding = resolveEncoding(base, { dimension: 4096, honestPeers: 100 })
  const dp = dpOf(encoding)
  const noiseStd = Math.sqrt(dp.peerVariance) / dp.scale

  it('is calibrated for a test that can tell a clipped update from an unclipped one', () => {
    expect(dp.paddedDimension).toBe(4096)
    // projections onto the update's direction carry noise of this std; the norms below differ by far more
    expect(noiseStd).toBeGreaterThan(0.001)
    expect(noiseStd).toBeLessThan(0.1)
  })

  it('gives the update plus noise of per-coordinate std sqrt(peerVariance)/scale, at d = 4096', async () => {
    const update = updateOf('pipeline/noise', 4096, 0.9)
    const { words, clipped } = await encodePrivately(update, 1, encoding, prg, ROTATION, new Uint8Array(16).fill(4))
    expect(clipped).toBe(0)
    const decoded = await decodePrivately(words, encoding, 4096, prg, ROTATION)
    expect(decoded.sum).toHaveLength(4096)
    // the std estimate over 4096 coordinates has a relative standard error of 1/sqrt(2·4096) ≈ 1.1%;
    // stochastic rounding adds at most 1/4 to peerVariance, which is far larger
    expect(dp.peerVariance).toBeGreaterThan(1000)
    const ratio = rmsError(decoded.sum, update) / noiseStd
    expect(ratio).toBeGreaterThan(0.95)
    expect(ratio).toBeLessThan(1.05)
    expect(projection(decoded.sum, update)).toBeGreaterThan(0.9 - 5 * noiseStd)
    expect(projection(decoded.sum, update)).toBeLessThan(0.9 + 5 * noiseStd)
  })

  it('scales an update above l2Clip down to l2Clip (clipped = 1), and leaves one below it alone (clipped = 0)', async () => {
    for (const [norm, expectedClipped] of [[10, 1], [1.5, 1], [0.5, 0], [0.2, 0]] as const) {
      const update = updateOf(`pipeline/clip/${norm}`, 4096, norm)
      const { words, clipped } = await encodePrivately(update, 1, encoding, prg, ROTATION, new Uint8Array(16).fill(5))
      expect(clipped).toBe(expectedClipped)
      const decoded = await decodePrivately(words, encoding, 4096, prg, ROTATION)
      const kept = Math.min(norm, privacy.l2Clip)
      expect(Math.abs(projection(decoded.sum, update) - kept)).toBeLessThan(5 * noiseStd)
      const expected = Float64Array.from(update, v => v * kept / norm)
      expect(rmsError(decoded.sum, expected) / noiseStd).toBeLessThan(1.05)
    }
  })

  it('clips only an update whose norm exceeds l2Clip, not one exactly at it', async () => {
    const at = new Float32Array(4096)
    at[17] = 1
    expect((await encodePrivately(at, 1, encoding, prg, ROTATION, new Uint8Array(16))).clipped).toBe(0)
    at[17] = Math.fround(1 + 2 ** -23)
    expect((await encodePrivately(at, 1, encoding, prg, ROTATION, new Uint8Array(16))).clipped).toBe(1)
  })

  it('decodes a dimension below the padded one from its first coordinates', async () => {
    const padded = resolveEncoding(base, { dimension: 3000, honestPeers: 100 })
    expect(dpOf(padded).paddedDimension).toBe(4096)
    const update = updateOf('pipeline/padded', 3000, 0.9)
    const { words } = await encodePrivately(update, 1, padded, prg, ROTATION, new Uint8Array(16).fill(6))
    expect(words).toHaveLength(4097)
    const decoded = await decodePrivately(words, padded, 3000, prg, ROTATION)
    expect(decoded.sum).toHaveLength(3000)
    const std = Math.sqrt(dpOf(padded).peerVariance) / dpOf(padded).scale
    expect(rmsError(decoded.sum, update) / std).toBeGreaterThan(0.95)
    expect(rmsError(decoded.sum, update) / std).toBeLessThan(1.05)
  })
})

describe('the weight coordinate', () => {
  const encoding = resolveEncoding(base, { dimension: 4096, honestPeers: 100 })
  const D = 4096

  it('carries no noise: weight 1 of maxWeight 1 decodes to a weight sum of exactly 1, weight 0 to exactly 0, under any seed', async () => {
    const update = updateOf('pipeline/weight', 4096, 0.9)
    for (let s = 0; s < 8; s++) {
      const seed = new Uint8Array(16).fill(s)
      const one = await encodePrivately(update, 1, encoding, prg, ROTATION, seed)
      const zero = await encodePrivately(update, 0, encoding, prg, ROTATION, seed)
      expect(one.words[D]).toBe(encoding.weightScale)
      expect(zero.words[D]).toBe(0)
      expect((await decodePrivately(one.words, encoding, 4096, prg, ROTATION)).weightSum).toBe(1)
      const decodedZero = await decodePrivately(zero.words, encoding, 4096, prg, ROTATION)
      expect(decodedZero.weightSum).toBe(0)
      // weight 0 sends noise alone, and there is no mean to divide out
      expect(Math.abs(projection(decodedZero.sum, update))).toBeLessThan(0.3)
      expect(decodedZero.mean.every(v => v === 0)).toBe(true)
    }
  })

  it('sums exactly across peers mod 2^m, and with maxWeight 4 decodes weights 4 and 0 to 4 and 0', async () => {
    const update = updateOf('pipeline/weights', 4096, 0.9)
    const peers = await Promise.all([1, 1, 0].map(async (w, i) => (await encodePrivately(update, w, encoding, prg, ROTATION, new Uint8Array(16).fill(20 + i))).words))
    const decoded = await decodePrivately(sumWords(encoding, ...peers), encoding, 4096, prg, ROTATION)
    expect(decoded.weightSum).toBe(2)
    // the weight-0 peer's update counts for nothing, its noise as much as the others'
    const sumStd = Math.sqrt(3 * dpOf(encoding).peerVariance) / dpOf(encoding).scale
    expect(Math.abs(projection(decoded.sum, update) - 1.8)).toBeLessThan(5 * sumStd)
    expect(Math.abs(projection(decoded.mean, update) - 0.9)).toBeLessThan(5 * sumStd / 2)

    const heavy = resolveEncoding({ ...base, maxWeight: 4 }, { dimension: 4096, honestPeers: 100 })
    const four = await encodePrivately(update, 4, heavy, prg, ROTATION, new Uint8Array(16).fill(30))
    const none = await encodePrivately(update, 0, heavy, prg, ROTATION, new Uint8Array(16).fill(31))
    expect((await decodePrivately(four.words, heavy, 4096, prg, ROTATION)).weightSum).toBe(4)
    expect((await decodePrivately(none.words, heavy, 4096, prg, ROTATION)).weightSum).toBe(0)
    expect((await decodePrivately(sumWords(heavy, four.words, none.words), heavy, 4096, prg, ROTATION)).weightSum).toBe(4)
  })
})

describe('resolveEncoding with privacy', () => {
  const numbers = { dimension: 1000, honestPeers: 50 }
  const refuses = (params: EncodingParams, message: RegExp, at = numbers): void => {
    expect(() => resolveEncoding(params, at)).toThrow(expect.objectContaining({ name: InvalidEncodingError.name, message: expect.stringMatching(message) }))
  }

  it('refuses fewer than one honest peer, naming the fix', () => {
    for (const honestPeers of [0, -3, 0.5, Number.NaN]) refuses(base, /raise minParticipants or lower corruptRate/, { dimension: 1000, honestPeers })
  })

  it('refuses modulusBits outside 8..32', () => {
    for (const modulusBits of [7, 33, 0, 16.5, Number.NaN]) refuses({ ...base, privacy: { ...privacy, modulusBits } }, /privacy modulusBits must be an integer in 8\.\.32/)
  })

  it('refuses an epsilon that is not positive', () => {
    for (const epsilon of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) refuses({ ...base, privacy: { ...privacy, epsilon } }, /privacy epsilon must be a positive number/)
  })

  it('refuses a delta outside (0, 1)', () => {
    for (const delta of [0, 1, -1e-5, 2, Number.NaN]) refuses({ ...base, privacy: { ...privacy, delta } }, /privacy delta must be in \(0, 1\)/)
  })

  it('refuses rounds that are not a positive integer', () => {
    for (const rounds of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) refuses({ ...base, privacy: { ...privacy, rounds } }, /privacy rounds must be a positive integer/)
  })

  it('refuses a modulus too small to hold maxParticipants\' noise, naming the fix', () => {
    refuses({ ...base, maxParticipants: 1000, privacy: { ...privacy, modulusBits: 8, epsilon: 0.5 } }, /8-bit modulus cannot hold 1000 peers' noise .*raise modulusBits/, { dimension: 1000, honestPeers: 500 })
  })

  it('refuses a DP encoding without the dimension and honest peers to calibrate it', () => {
    expect(() => resolveEncoding(base)).toThrow(expect.objectContaining({ name: InvalidEncodingError.name }))
  })

  // The sampler's total variation is charged to delta, (1 + e^ε) times over per sample (calibrate's
  // samplerDelta): at ε = 50 that is far more than δ = 1e-5, and at δ = 1e-30 even ε = 10 leaves nothing.
  // Neither setting can work, and the refusal should say so as the others do.
  it('refuses, with an InvalidEncodingError naming epsilon or delta, an epsilon so large that the sampler\'s distance uses up delta', () => {
    refuses({ ...base, privacy: { ...privacy, epsilon: 50 } }, /epsilon|delta/)
  })

  it('refuses, with an InvalidEncodingError naming epsilon or delta, a delta smaller than the sampler\'s distance', () => {
    refuses({ ...base, privacy: { ...privacy, delta: 1e-30 } }, /epsilon|delta/)
  })
})

describe('calibration', () => {
  const cases: Array<{ params: DpParams, dimension: number, maxParticipants: number, honestPeers: number }> = [
    { params: { ...privacy, epsilon: 3 }, dimension: 1000, maxParticipants: 100, honestPeers: 50 },
    { params: { ...privacy, modulusBits: 20, epsilon: 1, delta: 1e-6, rounds: 10 }, dimension: 4096, maxParticipants: 20, honestPeers: 10 },
    { params: { ...privacy, modulusBits: 18, epsilon: 8, rounds: 100, sigmas: 6 }, dimension: 100, maxParticipants: 10, honestPeers: 5 }
  ]
  let memo: Array<typeof cases[number] & { calibration: DpCalibration }> | undefined
  const calibrated = (): NonNullable<typeof memo> => (memo ??= cases.map(c => ({ ...c, calibration: calibrate(c.params, c) })))

  it('spends at most epsilon over all its rounds, and tightly: 1% less noise would spend more', () => {
    for (const { params, calibration } of calibrated()) {
      const spent = epsilonOf([{ mechanism: roundMechanism(calibration), count: params.rounds }], params.delta).epsilon
      expect(spent).toBeLessThanOrEqual(params.epsilon)
      const less = { ...calibration, peerVariance: calibration.peerVariance * 0.99 }
      expect(epsilonOf([{ mechanism: roundMechanism(less), count: params.rounds }], params.delta).epsilon).toBeGreaterThan(params.epsilon)
    }
  })

  it('reports as roundEpsilon what one round spends, within epsilon, and below it when there are several rounds', () => {
    for (const { params, calibration } of calibrated()) {
      const one = epsilonOf([{ mechanism: roundMechanism(calibration), count: 1 }], params.delta).epsilon
      expect(Math.abs(calibration.roundEpsilon - one) / one).toBeLessThan(1e-6)
      expect(calibration.roundEpsilon).toBeLessThanOrEqual(params.epsilon)
      if (params.rounds > 1) expect(calibration.roundEpsilon).toBeLessThan(params.epsilon)
    }
  })

  it('fits sigmas standard deviations of the sum of maxParticipants aligned updates within 2^(m-1), at the finest scale that does', () => {
    for (const { params, maxParticipants: n, calibration: c } of calibrated()) {
      const D = c.paddedDimension
      const proxy = (n * c.l2Bound) ** 2 / D + n / 4 + n * c.peerVariance
      const room = 2 ** (params.modulusBits - 1)
      expect(c.sigmas).toBe(params.sigmas ?? 4)
      expect(c.sigmas * Math.sqrt(proxy)).toBeLessThanOrEqual(room)
      // the scale is as fine as the modulus allows
      expect(c.sigmas * Math.sqrt(proxy)).toBeGreaterThan(0.999 * room)
      expect(c.wrapBound).toBeCloseTo(2 * Math.exp(-c.sigmas * c.sigmas / 2), 12)
    }
  })

  it('gives a central noise std of about 1.49 for one round at ε = 3, δ = 1e-5, C = 1, meeting ε exactly', () => {
    const std = centralNoiseStd(1, 3, 1e-5, 1)
    expect(std).toBeGreaterThan(1.48)
    expect(std).toBeLessThan(1.50)
    const spent = epsilonOf([{ mechanism: { kind: 'gaussian', noiseStd: std, l2Sensitivity: 1 }, count: 1 }], 1e-5).epsilon
    expect(Math.abs(spent - 3) / 3).toBeLessThan(1e-9)
    // the same, by an independent minimisation of Canonne, Kamath and Steinke's conversion of the
    // Gaussian's RDP curve α/(2σ²) over a fine grid of orders
    let best = Infinity
    for (let i = 0; i <= 200_000; i++) {
      const alpha = 1 + 10 ** (-3 + 7 * i / 200_000)
      const value = alpha / (2 * std * std) + Math.log1p(-1 / alpha) - (Math.log(1e-5) + Math.log(alpha)) / (alpha - 1)
      if (value < best) best = value
    }
    expect(best).toBeCloseTo(3, 6)
    // and the noise grows with the clip norm in proportion
    expect(centralNoiseStd(2.5, 3, 1e-5, 1) / std).toBeCloseTo(2.5, 8)
  })
})
