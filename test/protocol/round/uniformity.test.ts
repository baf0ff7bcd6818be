import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { unpackInto } from '../../../src/protocol/encoding/bit-pack.js'
import { quantizeInto } from '../../../src/protocol/encoding/quantize.js'
import { MaskedInputChunk } from '../../../src/protocol/pb/messages.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { testParams } from '../../support/round-fixtures.js'

const BUCKETS = 64
// The chi-square statistic with 63 degrees of freedom exceeds 110 with probability below 2e-4:
// a uniform source passes, and every run is deterministic (seeded), so the test cannot flake.
const CRITICAL = 110

function chiSquare (values: Uint32Array, bits: number): number {
  const counts = new Float64Array(BUCKETS)
  const shift = bits - Math.log2(BUCKETS)
  for (const v of values) counts[Math.floor(v / 2 ** shift)]++
  const expected = values.length / BUCKETS
  return counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0)
}

const params = testParams({ dimension: 2047 })
const bits = params.encoding.modulusBits
const clip = params.encoding.clip

const inputs: Record<string, (i: number) => number> = {
  'all zeros': () => 0,
  'all at the clip bound': () => clip,
  'all at the negative bound': () => -clip,
  'a ramp across the range': (i) => -clip + 2 * clip * (i / params.dimension),
  'far beyond the clip': () => 1e6
}

describe('masked vectors', () => {
  it.each(Object.keys(inputs))('look uniform mod 2^m whatever the inputs: %s', async (name) => {
    const n = 8
    const peers = await simulatedPeers(n, `uniform-${name}`)
    const updates = peers.map(() => Float32Array.from({ length: params.dimension }, (_, i) => inputs[name](i)))
    const masked = new Map<number, Uint32Array>()
    const report = await simulateRound({
      params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, seed: `uniform-${name}`,
      observe: (d) => {
        if (d.type !== 'masked-input') return
        const chunk = MaskedInputChunk.decode(d.bytes)
        const values = masked.get(d.from) ?? new Uint32Array(params.dimension + 1)
        unpackInto(chunk.data, bits, values.subarray(chunk.offset, chunk.offset + chunk.count), 'fill')
        masked.set(d.from, values)
      }
    })
    expect(report.aggregator.outcome).toBeDefined()
    expect(masked.size).toBe(n)
    for (const values of masked.values()) expect(chiSquare(values, bits)).toBeLessThan(CRITICAL)
  })

  it('is a test that fails on unmasked inputs (the control)', () => {
    const values = new Uint32Array(params.dimension)
    const uniforms = new Uint32Array(params.dimension)
    quantizeInto(Float32Array.from({ length: params.dimension }, (_, i) => inputs['a ramp across the range'](i)), 1, params.encoding, uniforms, values)
    expect(chiSquare(values.map(v => v % 2 ** bits), bits)).toBeGreaterThan(CRITICAL)
  })
})
