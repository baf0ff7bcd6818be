/**
 * What a group's sum can be when every peer in it is honest: each clips its update (coordinate-wise to
 * the encoding's clip, and in L2 to the session's l2Bound) and claims a weight in [0, maxWeight]; the
 * fixed-point rounding moves each peer's coordinate by under one step. A group sum beyond that holds a
 * peer that did not clip, and is dropped before the robust rule. Byzantine peers that stay within the
 * bounds are left to the rule.
 */
import { l2Norm } from './rules.js'
import type { Encoding } from '../encoding/params.js'

export interface GroupSum {
  /** Σ weight · update over the group's survivors. */
  sum: Float64Array
  weightSum: number
  /** Inputs in the sum. */
  inputs: number
}

/** Why a group's sum is beyond what its inputs could sum to if all were honest, or undefined. */
export function boundProblem (group: GroupSum, encoding: Encoding, l2Bound: number | undefined): string | undefined {
  const { sum, weightSum, inputs } = group
  const step = encoding.maxWeight / encoding.scale
  const weightSlack = inputs * encoding.maxWeight / encoding.weightScale
  if (!(weightSum >= 0)) return `its weight ${weightSum} is negative`
  if (weightSum > inputs * encoding.maxWeight + weightSlack) return `its weight ${weightSum} exceeds ${inputs} inputs of at most ${encoding.maxWeight}`
  const weights = weightSum + weightSlack
  const linf = weights * encoding.clip + inputs * step
  for (let j = 0; j < sum.length; j++) {
    if (Math.abs(sum[j]) > linf) return `coordinate ${j} is ${sum[j]}, beyond the ${linf} its inputs' clip allows`
  }
  if (l2Bound !== undefined) {
    const norm = l2Norm(sum)
    const bound = weights * l2Bound + inputs * step * Math.sqrt(sum.length)
    if (norm > bound) return `its L2 norm ${norm} is beyond the ${bound} its inputs' L2 bound allows`
  }
  return undefined
}

/** An honest peer's update clipped in L2 to `bound` (the same array when it is within). */
export function clipL2 (update: Float32Array, bound: number): Float32Array {
  const norm = l2Norm(update)
  if (norm <= bound) return update
  const factor = bound / norm
  return update.map(v => v * factor)
}
