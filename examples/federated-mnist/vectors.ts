/** Small vector helpers the example's training loops share: a model moves by an aggregate, updates are measured. */
import { PARAMETERS } from './model.js'

/** ||update||₂ */
export function norm (update: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < update.length; i++) sum += update[i] * update[i]
  return Math.sqrt(sum)
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** model += factor * step */
export function move (model: Float32Array, step: ArrayLike<number>, factor = 1): void {
  for (let i = 0; i < PARAMETERS; i++) model[i] += factor * step[i]
}
