import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { pack, packedLength, unpackInto } from '../../../src/protocol/encoding/bit-pack.js'
import { decodeAggregate, toSigned } from '../../../src/protocol/encoding/dequantize.js'
import { checkParticipants, DEFAULT_ENCODING, resolveEncoding } from '../../../src/protocol/encoding/params.js'
import { assertValidUpdate, quantizeInto, quantizeWeight } from '../../../src/protocol/encoding/quantize.js'

const randomWords = (n: number): Uint32Array => {
  const out = new Uint32Array(n)
  for (let i = 0; i < n; i += 16384) globalThis.crypto.getRandomValues(out.subarray(i, i + 16384))
  return out
}

describe('encoding parameters', () => {
  it('chooses m = bits + ceil(log2(maxParticipants + 1)) and the default fits in 23 bits', () => {
    expect(resolveEncoding(DEFAULT_ENCODING).modulusBits).toBe(23)
    expect(resolveEncoding({ ...DEFAULT_ENCODING, maxParticipants: 1000 }).modulusBits).toBe(26)
    expect(resolveEncoding({ ...DEFAULT_ENCODING, bits: 20, maxParticipants: 1024 }).modulusBits).toBe(31)
    expect(resolveEncoding({ ...DEFAULT_ENCODING, bits: 8, maxParticipants: 1 }).modulusBits).toBe(9)
  })

  it('refuses parameters whose modulus would exceed 32 bits, or that make no sense', () => {
    const named = expect.objectContaining({ name: 'InvalidEncodingError' })
    expect(() => resolveEncoding({ ...DEFAULT_ENCODING, bits: 24, maxParticipants: 1000 })).toThrow(named)
    expect(() => resolveEncoding({ ...DEFAULT_ENCODING, bits: 25 })).toThrow(named)
    expect(() => resolveEncoding({ ...DEFAULT_ENCODING, bits: 1 })).toThrow(named)
    expect(() => resolveEncoding({ ...DEFAULT_ENCODING, clip: 0 })).toThrow(named)
    expect(() => resolveEncoding({ ...DEFAULT_ENCODING, clip: Number.NaN })).toThrow(named)
    expect(() => resolveEncoding({ ...DEFAULT_ENCODING, maxParticipants: 0 })).toThrow(named)
    expect(() => resolveEncoding({ ...DEFAULT_ENCODING, maxWeight: -1 })).toThrow(named)
  })

  it('refuses more actual participants than the modulus was sized for', () => {
    const encoding = resolveEncoding({ ...DEFAULT_ENCODING, maxParticipants: 10 })
    expect(() => checkParticipants(encoding, 10)).not.toThrow()
    expect(() => checkParticipants(encoding, 11)).toThrow(expect.objectContaining({ name: 'EncodingOverflowError' }))
  })

  it('never wraps: maxParticipants values at the clip bound sum exactly in both directions', () => {
    const encoding = resolveEncoding({ clip: 2, bits: 12, maxParticipants: 255, maxWeight: 1 })
    const top = new Float32Array([2, -2])
    const acc = new Uint32Array(3)
    const one = new Uint32Array(2)
    for (let p = 0; p < encoding.maxParticipants; p++) {
      quantizeInto(top, 1, encoding, randomWords(2), one)
      acc[0] += one[0]
      acc[1] += one[1]
      acc[2] += quantizeWeight(1, encoding, 0)
    }
    const decoded = decodeAggregate(acc.map(v => v % 2 ** encoding.modulusBits), encoding)
    expect(Array.from(decoded.sum)).toEqual([2 * 255, -2 * 255])
    expect(decoded.weightSum).toBe(255)
  })
})

describe('quantization', () => {
  const encoding = resolveEncoding({ clip: 1, bits: 16, maxParticipants: 1000, maxWeight: 1 })

  it('is exact on the fixed-point grid and counts clipped values', () => {
    const input = new Float32Array([0.5, -0.25, 1, -1, 3, -7, 2 ** -15, 0])
    const out = new Uint32Array(input.length)
    const clipped = quantizeInto(input, 1, encoding, randomWords(input.length), out)
    expect(clipped).toBe(2)
    expect(Array.from(out, v => toSigned(v, 32))).toEqual([16384, -8192, 32768, -32768, 32768, -32768, 1, 0])
  })

  it('stays exact on the grid for every uniform word, the largest included, at every resolution', () => {
    // Regression: with the word's 32 bits beside the 2^30 floor offset, 0xffffffff rounded a grid value up.
    const words = Uint32Array.from([0, 1, 0x7fffffff, 0xfffffbff, 0xfffffc00, 0xfffffffe, 0xffffffff])
    for (const bits of [2, 16, 24]) {
      const enc = resolveEncoding({ clip: 4, bits, maxParticipants: 1, maxWeight: 1 })
      const top = 2 ** (bits - 1)
      const grid = Float32Array.from([top, top - 1, 1, 0, -1, 1 - top, -top, Math.floor(top / 3)], k => k / enc.scale)
      const out = new Uint32Array(grid.length)
      for (const word of words) {
        quantizeInto(grid, 1, enc, new Uint32Array(grid.length).fill(word), out)
        expect(Array.from(out, v => toSigned(v, 32))).toEqual(Array.from(grid, v => v * enc.scale))
        expect(quantizeWeight(1, enc, word)).toBe(top)
        expect(quantizeWeight(0, enc, word)).toBe(0)
      }
    }
  })

  it('rounds without bias: the mean of many roundings converges to the scaled value', () => {
    const trials = 20000
    const values = new Float32Array([0.3, -0.7, 1e-5, 0.123456])
    const sums = new Float64Array(values.length)
    const out = new Uint32Array(values.length)
    for (let t = 0; t < trials; t++) {
      quantizeInto(values, 1, encoding, randomWords(values.length), out)
      for (let i = 0; i < values.length; i++) {
        const q = toSigned(out[i], 32)
        // only ever one of the two grid neighbours of the exact value
        expect(Math.abs(q - values[i] * encoding.scale)).toBeLessThan(1)
        sums[i] += q
      }
    }
    values.forEach((v, i) => {
      const exact = v * encoding.scale
      // each rounding is exact +/- a Bernoulli error with variance <= 1/4: allow 6 standard errors
      expect(Math.abs(sums[i] / trials - exact)).toBeLessThan(6 * 0.5 / Math.sqrt(trials))
    })
  })

  it('keeps the error of a sum of n updates under n / scale per coordinate', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 2, max: 20 }),
      (n, d, bits) => {
        const enc = resolveEncoding({ clip: 3, bits, maxParticipants: 1000, maxWeight: 1 })
        const acc = new Uint32Array(d + 1)
        const exact = new Float64Array(d)
        const one = new Uint32Array(d)
        for (let p = 0; p < n; p++) {
          const input = new Float32Array(d).map(() => (Math.random() - 0.5) * 8)
          quantizeInto(input, 1, enc, randomWords(d), one)
          for (let i = 0; i < d; i++) {
            acc[i] += one[i]
            exact[i] += Math.max(-3, Math.min(3, input[i]))
          }
          acc[d] += quantizeWeight(1, enc, 0)
        }
        const decoded = decodeAggregate(acc.map(v => v % 2 ** enc.modulusBits), enc)
        for (let i = 0; i < d; i++) expect(Math.abs(decoded.sum[i] - exact[i])).toBeLessThan(n / enc.scale)
        expect(decoded.weightSum).toBe(n)
      }), { numRuns: 200 })
  })

  it('decodes every modulus\'s extreme words to the signed integers they stand for', () => {
    for (const [bits, maxParticipants] of [[2, 1], [16, 100], [20, 1000], [24, 255]]) {
      const enc = resolveEncoding({ clip: 1, bits, maxParticipants, maxWeight: 1 })
      const m = enc.modulusBits
      const words = Uint32Array.from([0, 1, 2 ** (m - 1) - 1, 2 ** (m - 1), 2 ** m - 1, 2 ** m - 2, 1])
      const expected = [0, 1, 2 ** (m - 1) - 1, -(2 ** (m - 1)), -1, -2]
      expect(Array.from(decodeAggregate(words, enc).sum)).toEqual(expected.map(v => v / enc.scale))
      expect(expected.map((_, i) => toSigned(words[i], m))).toEqual(expected)
    }
  })

  it('computes a weighted mean from pre-multiplied values and the weight coordinate', () => {
    const enc = resolveEncoding({ clip: 1, bits: 20, maxParticipants: 100, maxWeight: 64 })
    const updates = [new Float32Array([0.5, -0.5]), new Float32Array([0.25, 1])]
    const weights = [48, 16]
    const acc = new Uint32Array(3)
    const one = new Uint32Array(2)
    updates.forEach((u, p) => {
      quantizeInto(u, weights[p], enc, randomWords(2), one)
      acc[0] += one[0]
      acc[1] += one[1]
      acc[2] += quantizeWeight(weights[p], enc, randomWords(1)[0])
    })
    const decoded = decodeAggregate(acc.map(v => v % 2 ** enc.modulusBits), enc)
    expect(decoded.weightSum).toBe(64)
    expect(decoded.mean[0]).toBeCloseTo((48 * 0.5 + 16 * 0.25) / 64, 12)
    expect(decoded.mean[1]).toBeCloseTo((48 * -0.5 + 16 * 1) / 64, 12)
  })

  it('rejects NaN, infinities, a wrong length and a weight out of range', () => {
    const named = expect.objectContaining({ name: 'InvalidInputError' })
    expect(() => assertValidUpdate(new Float32Array([1, Number.NaN]), 2, 1, encoding)).toThrow(named)
    expect(() => assertValidUpdate(new Float32Array([1, Number.POSITIVE_INFINITY]), 2, 1, encoding)).toThrow(named)
    expect(() => assertValidUpdate(new Float32Array([1]), 2, 1, encoding)).toThrow(named)
    expect(() => assertValidUpdate(new Float32Array([1, 2]), 2, 2, encoding)).toThrow(named)
    expect(() => assertValidUpdate(new Float32Array([1, 2]), 2, -0.5, encoding)).toThrow(named)
    expect(() => assertValidUpdate(new Float32Array([1, 2]), 2, 1, encoding)).not.toThrow()
  })
})

describe('bit packing', () => {
  it('round-trips any values at any width from 1 to 32 bits, keeping the low bits', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 32 }), fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 200 }), (bits, list) => {
      const values = Uint32Array.from(list)
      const packed = pack(values, bits)
      expect(packed.byteLength).toBe(packedLength(values.length, bits))
      const back = new Uint32Array(values.length)
      unpackInto(packed, bits, back, 'fill')
      const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1
      expect(back).toEqual(values.map(v => (v & mask) >>> 0))
    }), { numRuns: 500 })
  })

  it('packs chunks of 32 values into bytes that concatenate to the packed whole, and adds unaligned input', () => {
    const bits = 26
    const values = randomWords(32 * 5 + 7)
    const whole = pack(values, bits)
    const pieces = [pack(values.subarray(0, 64), bits), pack(values.subarray(64, 160), bits), pack(values.subarray(160), bits)]
    const joined = new Uint8Array(whole.length + 1).fill(9).subarray(1)
    let at = 0
    for (const piece of pieces) { joined.set(piece, at); at += piece.length }
    expect(joined).toEqual(whole)
    const acc = new Uint32Array(values.length).fill(5)
    unpackInto(joined, bits, acc, 'add')
    expect(acc).toEqual(values.map(v => ((v & (2 ** bits - 1)) + 5) >>> 0))
  })

  it('rejects packed data of the wrong length', () => {
    expect(() => unpackInto(new Uint8Array(3), 26, new Uint32Array(1), 'fill')).toThrow(RangeError)
  })

  it('makes the default encoding upload at most 0.85 of a float32 vector', () => {
    const enc = resolveEncoding(DEFAULT_ENCODING)
    expect(packedLength(1_000_001, enc.modulusBits) / (1_000_000 * 4)).toBeLessThan(0.85)
  })
})

describe('bit packing without code generation (a page whose CSP forbids eval)', () => {
  it('packs and unpacks the same bytes with the table-driven fallback', async () => {
    const { vi } = await import('vitest')
    vi.resetModules()
    const original = globalThis.Function
    let refused = 0
    globalThis.Function = new Proxy(original, { construct () { refused++; throw new EvalError('code generation from strings disallowed') } })
    let fallback: typeof import('../../../src/protocol/encoding/bit-pack.js')
    try {
      fallback = await import('../../../src/protocol/encoding/bit-pack.js')
      for (const bits of [1, 7, 26, 31, 32]) {
        const values = randomWords(32 * 9 + 13)
        const packed = fallback.pack(values, bits)
        expect(packed).toEqual(pack(values, bits))
        for (const mode of ['fill', 'add', 'subtract'] as const) {
          const a = new Uint32Array(values.length).fill(77)
          const b = new Uint32Array(values.length).fill(77)
          fallback.unpackInto(packed, bits, a, mode)
          unpackInto(packed, bits, b, mode)
          expect(a).toEqual(b)
        }
      }
      // the fresh module really tried to generate code and fell back
      expect(refused).toBeGreaterThan(0)
    } finally {
      globalThis.Function = original
    }
  })
})
