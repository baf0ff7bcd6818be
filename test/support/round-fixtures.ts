/** Shared set-up for simulation tests: parameters, grid inputs and the exact sums they must produce. */
import { resolveParams, DEFAULT_PHASE_TIMEOUTS, type GraphPolicy, type ResolvedParams } from '../../src/protocol/round/params.js'
import { deterministicRandom } from '../../src/protocol/crypto/random.js'
import type { EncodingParams } from '../../src/protocol/encoding/params.js'

export const SESSION_ID = new Uint8Array(32).fill(0x5e)

export function testParams (overrides: { dimension?: number, encoding?: Partial<EncodingParams>, graph?: Partial<GraphPolicy>, minParticipants?: number } = {}): ResolvedParams {
  return resolveParams({
    sessionId: SESSION_ID,
    dimension: overrides.dimension ?? 100,
    // clip is a power of two, so the fixed-point scale is too and grid inputs quantize exactly
    // maxParticipants sizes the modulus and the corrupt peers planned for (5% of it): tests with bigger
    // rosters raise it
    encoding: { clip: 4, bits: 16, maxParticipants: 20, maxWeight: 1, ...overrides.encoding },
    graph: { shape: 'harary', dropoutRate: 0.1, corruptRate: 0.05, threatModel: 'malicious', ...overrides.graph },
    minParticipants: overrides.minParticipants ?? 3,
    phaseTimeouts: DEFAULT_PHASE_TIMEOUTS
  })
}

/**
 * Updates on the fixed-point grid (integers over the scale, within the clip), so that quantization
 * is exact and the expected sum is known without the peers' rounding randomness.
 */
export function gridUpdates (params: ResolvedParams, count: number, seed = 'updates'): Float32Array[] {
  const random = deterministicRandom(seed)
  const top = 2 ** (params.encoding.bits - 1)
  return Array.from({ length: count }, () => {
    const words = new Uint32Array(random(params.dimension * 4).slice().buffer)
    return Float32Array.from(words, w => ((w % (2 * top + 1)) - top) / params.encoding.scale)
  })
}

/** The exact sum of the given peers' grid updates, coordinate by coordinate. */
export function exactSum (updates: Float32Array[], peers: Iterable<number>): Float64Array {
  const sum = new Float64Array(updates[0].length)
  for (const i of peers) updates[i].forEach((v, j) => { sum[j] += v })
  return sum
}
