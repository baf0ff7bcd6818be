/**
 * Plain secure averaging in process: each survivor's update encoded as its participant encodes it (each
 * coordinate clipped to the session's range, scaled by its weight and rounded stochastically), the
 * encodings summed mod 2^m, which is what a round's masks leave once they cancel, and the sum decoded
 * to the weighted mean. A Byzantine peer runs its own encoder and clips nothing: it sends its update at
 * the session's scale, wrapped mod 2^32 (src/simulation/robust-sum.ts, encodedSum).
 */
import { decodeAggregate, type Encoding, type RandomSource } from 'libp2p-secagg/core'
import { encodedSum } from 'libp2p-secagg/testing'

export interface SecureMeanInput {
  updates: readonly Float32Array[]
  /** The weight each peer claims. */
  weights: readonly number[]
  encoding: Encoding
  /** The rounding randomness. */
  random: RandomSource
  /** Peers (by index) whose inputs are in no sum. */
  dropped?: ReadonlySet<number>
  byzantine?: ReadonlySet<number>
}

/** The weighted mean of the survivors' updates, as a round of the session would compute it. */
export function secureMean (input: SecureMeanInput): Float64Array {
  const inputs = [...input.updates.keys()].filter(i => input.dropped?.has(i) !== true)
  return decodeAggregate(encodedSum({ ...input, inputs }), input.encoding).mean
}
