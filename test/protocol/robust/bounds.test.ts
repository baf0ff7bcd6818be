/**
 * The bounds a group sum is checked against before the robust rule. They must never drop an honest
 * group — the rule would then count a group short and could refuse or tip a round that was fine —
 * so honest groups are encoded exactly as the participant encodes (L2 clip, coordinate clip, stochastic
 * rounding with real uniforms, sum mod 2^m, decode), including inputs sitting on both clips.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { boundProblem, clipL2, type GroupSum } from '../../../src/protocol/robust/bounds.js'
import { l2Norm } from '../../../src/protocol/robust/rules.js'
import { resolveEncoding, type Encoding } from '../../../src/protocol/encoding/params.js'
import { quantizeInto, quantizeWeight } from '../../../src/protocol/encoding/quantize.js'
import { decodeAggregate } from '../../../src/protocol/encoding/dequantize.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'

const encoding = resolveEncoding({ clip: 0.5, bits: 16, maxParticipants: 5, maxWeight: 10 })

interface Peer { update: Float32Array, weight: number, byzantine?: boolean }

/** The group's sum as its peers' words leave it: honest ones encoded as the participant does, a Byzantine one unclipped. */
function groupSum (peers: readonly Peer[], enc: Encoding, l2Bound: number | undefined, seed: number): GroupSum {
  const d = peers[0].update.length
  const random = deterministicRandom(`bounds ${seed}`)
  const mask = 2 ** enc.modulusBits - 1
  const summed = new Uint32Array(d + 1)
  const words = new Uint32Array(d + 1)
  for (const { update, weight, byzantine } of peers) {
    const uniforms = new Uint32Array(random(4 * (d + 1)).slice().buffer)
    if (byzantine === true) {
      // any word mod 2^32 is open to it: round(v·scale·w/maxWeight), no clip
      for (let j = 0; j < d; j++) words[j] = Math.round(update[j] * enc.scale * weight / enc.maxWeight) >>> 0
    } else {
      quantizeInto(l2Bound === undefined ? update : clipL2(update, l2Bound), weight, enc, uniforms, words)
    }
    words[d] = quantizeWeight(weight, enc, uniforms[d])
    for (let j = 0; j <= d; j++) summed[j] = ((summed[j] + words[j]) & mask) >>> 0
  }
  const { sum, weightSum } = decodeAggregate(summed, enc)
  return { sum, weightSum, inputs: peers.length }
}

/** A vector of dimension d in direction `direction` (nonzero) with L2 norm exactly `norm` (to float32). */
const withNorm = (direction: number[], norm: number): Float32Array => {
  const n = l2Norm(direction)
  return Float32Array.from(direction, v => v / n * norm)
}

const dimension = fc.integer({ min: 1, max: 16 })
const direction = (d: number) => fc.array(fc.double({ noNaN: true, min: -1, max: 1 }), { minLength: d, maxLength: d }).filter(v => l2Norm(v) > 1e-3)

/** An honest peer's update: anywhere (clipped by the encoder), every coordinate on the clip, or exactly on the L2 bound. */
const update = (d: number, l2Bound: number) => fc.oneof(
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -3, max: 3 }), { minLength: d, maxLength: d }).map(v => Float32Array.from(v)),
  fc.array(fc.constantFrom(encoding.clip, -encoding.clip), { minLength: d, maxLength: d }).map(v => Float32Array.from(v)),
  direction(d).map(v => withNorm(v, l2Bound))
)

const weight = fc.oneof(fc.constant(0), fc.constant(encoding.maxWeight), fc.double({ noNaN: true, min: 0, max: encoding.maxWeight }))

// A weight below maxWeight/weightScale may round to a zero word: a group of only such weights decodes
// to weight 0 and has no mean to take. Honest groups here hold at least one weight of a quantum or more.
const quantum = encoding.maxWeight / encoding.weightScale

describe('boundProblem', () => {
  it('never flags a group of honest peers, on the clips or within them', () => {
    const cases = fc.record({ d: dimension, m: fc.integer({ min: 1, max: encoding.maxParticipants }), l2Bound: fc.option(fc.double({ noNaN: true, min: 0.05, max: 2 }), { nil: undefined }) })
      .chain(({ d, m, l2Bound }) => fc.record({
        l2Bound: fc.constant(l2Bound),
        seed: fc.nat(),
        peers: fc.array(fc.record({ update: update(d, l2Bound ?? 1), weight }), { minLength: m, maxLength: m })
      }))
      .filter(({ peers }) => peers.some(p => p.weight >= quantum))
    fc.assert(fc.property(cases, ({ l2Bound, seed, peers }) => {
      expect(boundProblem(groupSum(peers, encoding, l2Bound, seed), encoding, l2Bound)).toBeUndefined()
    }), { numRuns: 50 })
  })

  it('never flags the largest honest group, every peer at full weight on both clips at once', () => {
    // d = 4, every coordinate ±0.5: the L2 norm is 1, the bound exactly; the sum is maxParticipants·maxWeight·clip
    const d = 4
    const l2Bound = encoding.clip * Math.sqrt(d)
    const peers = Array.from({ length: encoding.maxParticipants }, () => ({ update: new Float32Array(d).fill(encoding.clip), weight: encoding.maxWeight }))
    const group = groupSum(peers, encoding, l2Bound, 1)
    expect(Array.from(group.sum)).toEqual(Array(d).fill(5 * 10 * 0.5))
    expect(group.weightSum).toBe(5 * 10)
    expect(boundProblem(group, encoding, l2Bound)).toBeUndefined()
  })

  it('flags a group with one peer that scaled its update ×100 instead of clipping', () => {
    // A modulus with headroom (maxParticipants 1000: 26 bits) so the ×100 words do not wrap mod 2^m: a
    // wrapped sum lands anywhere, in bounds too, which is left to the rule. The Byzantine peer has norm
    // 100·l2Bound at weight ≥ maxWeight/2; the rest add at most 4·maxWeight·l2Bound: the sum's norm is
    // over 46·maxWeight·l2Bound, the bound about 5·maxWeight·l2Bound.
    const wide = resolveEncoding({ clip: 0.5, bits: 16, maxParticipants: 1000, maxWeight: 10 })
    const cases = fc.record({ d: dimension, m: fc.integer({ min: 1, max: 5 }), l2Bound: fc.double({ noNaN: true, min: 0.05, max: 2 }) })
      .chain(({ d, m, l2Bound }) => fc.record({
        l2Bound: fc.constant(l2Bound),
        seed: fc.nat(),
        honest: fc.array(fc.record({ update: update(d, l2Bound), weight }), { minLength: m - 1, maxLength: m - 1 }),
        byzantine: fc.record({ update: direction(d).map(v => withNorm(v, 100 * l2Bound)), weight: fc.double({ noNaN: true, min: wide.maxWeight / 2, max: wide.maxWeight }), byzantine: fc.constant(true) })
      }))
    fc.assert(fc.property(cases, ({ l2Bound, seed, honest, byzantine }) => {
      const group = groupSum([...honest, byzantine], wide, l2Bound, seed)
      expect(boundProblem(group, wide, l2Bound)).toMatch(/L2|coordinate/)
      // and the same peer clipping as it should passes
      expect(boundProblem(groupSum([...honest, { ...byzantine, byzantine: false }], wide, l2Bound, seed), wide, l2Bound)).toBeUndefined()
    }), { numRuns: 50 })
  })

  it('flags a coordinate beyond the clip even without an L2 bound', () => {
    const peers: Peer[] = [{ update: new Float32Array([0.1, 0.2]), weight: 10 }, { update: new Float32Array([0, 3]), weight: 10, byzantine: true }]
    expect(boundProblem(groupSum(peers, encoding, undefined, 2), encoding, undefined)).toMatch(/coordinate 1/)
  })

  it('flags a weight beyond m·maxWeight (past the rounding slack) and a negative one', () => {
    const m = 3
    const slack = m * encoding.maxWeight / encoding.weightScale
    const group = (weightSum: number): GroupSum => ({ sum: new Float64Array([0.1, -0.1]), weightSum, inputs: m })
    expect(boundProblem(group(m * encoding.maxWeight + slack / 2), encoding, 1)).toBeUndefined()
    expect(boundProblem(group(m * encoding.maxWeight + 2 * slack), encoding, 1)).toMatch(/exceeds 3 inputs of at most 10/)
    expect(boundProblem(group(1.5 * m * encoding.maxWeight), encoding, 1)).toMatch(/exceeds/)
    // honest peers may all weigh nothing: their sum is then within the rounding of zero
    expect(boundProblem({ sum: new Float64Array(2), weightSum: 0, inputs: m }, encoding, 1)).toBeUndefined()
    expect(boundProblem(group(-1), encoding, 1)).toMatch(/negative/)
    expect(boundProblem(group(Number.NaN), encoding, 1)).toMatch(/negative/)
  })
})

describe('clipL2', () => {
  it('returns the same array within the bound, and scales onto the bound beyond it', () => {
    const cases = fc.record({ v: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -100, max: 100 }), { minLength: 1, maxLength: 32 }), bound: fc.double({ noNaN: true, min: 1e-3, max: 100 }) })
    fc.assert(fc.property(cases, ({ v, bound }) => {
      const update = Float32Array.from(v)
      const norm = l2Norm(update)
      const clipped = clipL2(update, bound)
      if (norm <= bound) {
        expect(clipped).toBe(update)
      } else {
        expect(clipped).not.toBe(update)
        expect(Math.abs(l2Norm(clipped) / bound - 1)).toBeLessThan(1e-6)
        // the direction is kept: the same factor on every coordinate
        const factor = bound / norm
        update.forEach((x, j) => expect(Math.abs(clipped[j] - x * factor)).toBeLessThanOrEqual(Math.abs(x * factor) * 2 ** -23 + 2 ** -149))
      }
    }))
  })
})
