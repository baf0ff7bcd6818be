/**
 * A robust round without the network: each peer's input encoded as its participant encodes it, each
 * group's encodings summed mod 2^m (what the group's masks leave once they cancel, which
 * test/protocol/robust/robust-round.test.ts checks against full rounds), decoded, and combined by the
 * session's rule. Honest peers clip in L2 and the encoder clips each coordinate; a Byzantine peer runs
 * its own encoder and clips nothing: any word mod 2^m is open to it. For training many simulated peers
 * (the MNIST example) and for the cost of the rule (bench).
 */
import { partitionGroups } from '../protocol/robust/groups.js'
import { groupParams } from '../protocol/robust/group-params.js'
import { clipL2, type GroupSum } from '../protocol/robust/bounds.js'
import { robustMean, type RobustOutcome } from '../protocol/robust/combine.js'
import { quantizeInto, quantizeWeight } from '../protocol/encoding/quantize.js'
import { decodeAggregate } from '../protocol/encoding/dequantize.js'
import type { Encoding } from '../protocol/encoding/params.js'
import type { ResolvedParams } from '../protocol/round/params.js'
import type { ResolvedRobust } from '../protocol/robust/params.js'
import type { RandomSource } from '../protocol/crypto/shamir.js'

export interface RobustSumInput {
  params: ResolvedParams
  robust: ResolvedRobust
  /** Each peer's wire id (groups are cut by it) and its update. */
  peers: ReadonlyArray<{ bytes: Uint8Array }>
  updates: readonly Float32Array[]
  weights: readonly number[]
  /** Peers (by index) whose inputs are in no sum (dropped out). */
  dropped?: ReadonlySet<number>
  byzantine?: ReadonlySet<number>
  round: number
  beacon: Uint8Array
  /** The rounding randomness. */
  random: RandomSource
}

export interface RobustSum {
  groups: number[][]
  sums: Array<GroupSum | undefined>
  outcome?: RobustOutcome
  error?: string
}

/** A Byzantine peer's words: weight · v at the session's scale, rounded, unclipped (>>> 0 is the residue mod 2^32). */
function unclippedInto (update: Float32Array, weight: number, encoding: Encoding, out: Uint32Array): void {
  const multiplier = encoding.scale * (weight / encoding.maxWeight)
  for (let i = 0; i < update.length; i++) out[i] = Math.round(update[i] * multiplier) >>> 0
}

export interface EncodedSumInput {
  updates: readonly Float32Array[]
  weights: readonly number[]
  /** The peers (by index) whose inputs go in. */
  inputs: readonly number[]
  encoding: Encoding
  random: RandomSource
  byzantine?: ReadonlySet<number>
  /** Honest peers clip to this L2 norm first (a robust session's l2Bound). */
  l2Bound?: number
}

/**
 * The sum mod 2^m of the peers' encodings, as their participants encode them: what a round's masks leave
 * once they cancel. Honest peers clip (in L2 when asked, and each coordinate in the encoder); a Byzantine
 * peer runs its own encoder and clips nothing.
 */
export function encodedSum (input: EncodedSumInput): Uint32Array {
  const { updates, weights, encoding, l2Bound } = input
  const words = updates[0].length + 1
  const mask = 2 ** encoding.modulusBits - 1
  const summed = new Uint32Array(words)
  const encoded = new Uint32Array(words)
  for (const i of input.inputs) {
    const uniforms = new Uint32Array(input.random(4 * words).slice().buffer)
    if (input.byzantine?.has(i) === true) unclippedInto(updates[i], weights[i], encoding, encoded)
    else quantizeInto(l2Bound === undefined ? updates[i] : clipL2(updates[i], l2Bound), weights[i], encoding, uniforms, encoded)
    encoded[words - 1] = quantizeWeight(weights[i], encoding, uniforms[words - 1])
    for (let j = 0; j < words; j++) summed[j] = ((summed[j] + encoded[j]) & mask) >>> 0
  }
  return summed
}

export function robustSum (input: RobustSumInput): RobustSum {
  const { params, robust, updates, weights } = input
  const indexed = input.peers.map((peer, i) => ({ bytes: peer.bytes, i }))
  const groups = partitionGroups(params.sessionId, input.round, input.beacon, indexed, robust.groupSize).map(group => group.map(m => m.i))
  const sums = groups.map((members, g): GroupSum | undefined => {
    const { encoding } = groupParams(params, robust, g, members.length)
    const inputs = members.filter(i => input.dropped?.has(i) !== true)
    // a group left with fewer than s inputs is not summed: its round aborts
    if (inputs.length < robust.groupSize) return undefined
    const summed = encodedSum({ updates, weights, inputs, encoding, random: input.random, ...(input.byzantine !== undefined ? { byzantine: input.byzantine } : {}), ...(robust.l2Bound !== undefined ? { l2Bound: robust.l2Bound } : {}) })
    const { sum, weightSum } = decodeAggregate(summed, encoding)
    return { sum, weightSum, inputs: inputs.length }
  })
  const result: RobustSum = { groups, sums }
  try {
    result.outcome = robustMean(sums, robust, params.encoding)
  } catch (err: any) {
    result.error = err.message
  }
  return result
}
