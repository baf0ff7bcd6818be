/**
 * Softmax regression (multinomial logistic regression) on 784 pixels: a 10 x 784 weight matrix and 10
 * biases in one flat vector, which is what a peer's update is. Small enough to train in plain
 * TypeScript in a second, and a real model: about 90% on MNIST.
 */
import { CLASSES, PIXELS, shuffledOrder, type Dataset } from './data.js'

/** Weights row by row (class by class), then the biases. */
export const PARAMETERS = CLASSES * PIXELS + CLASSES

// Module-local copies for the hot loops: under vitest an imported binding is a property lookup on
// every read, which makes training several times slower than under Node.
const classes = CLASSES
const pixels = PIXELS
const WEIGHTS = classes * pixels

export interface TrainingOptions {
  epochs: number
  batchSize: number
  learningRate: number
  /** Seeds the order the examples are visited in. */
  seed: string
}

/** Class probabilities of one example into `out`. */
function predict (model: Float32Array, x: Float32Array, offset: number, out: Float64Array): void {
  let max = -Infinity
  for (let k = 0; k < classes; k++) {
    let z = model[WEIGHTS + k]
    const row = k * pixels
    for (let j = 0; j < pixels; j++) z += model[row + j] * x[offset + j]
    out[k] = z
    if (z > max) max = z
  }
  let total = 0
  for (let k = 0; k < classes; k++) {
    out[k] = Math.exp(out[k] - max)
    total += out[k]
  }
  for (let k = 0; k < classes; k++) out[k] /= total
}

/** Mini-batch gradient descent on the cross-entropy loss; returns the trained copy of `model`. */
export function train (model: Float32Array, data: Dataset, options: TrainingOptions): Float32Array {
  const trained = model.slice()
  const gradient = new Float64Array(PARAMETERS)
  const p = new Float64Array(classes)
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffledOrder(data.size, `${options.seed}/epoch-${epoch}`)
    for (let start = 0; start < data.size; start += options.batchSize) {
      const end = Math.min(start + options.batchSize, data.size)
      gradient.fill(0)
      for (let b = start; b < end; b++) {
        const offset = order[b] * pixels
        predict(trained, data.x, offset, p)
        p[data.y[order[b]]] -= 1
        for (let k = 0; k < classes; k++) {
          const g = p[k]
          if (g === 0) continue
          const row = k * pixels
          for (let j = 0; j < pixels; j++) gradient[row + j] += g * data.x[offset + j]
          gradient[WEIGHTS + k] += g
        }
      }
      const step = options.learningRate / (end - start)
      for (let i = 0; i < PARAMETERS; i++) trained[i] -= step * gradient[i]
    }
  }
  return trained
}

/** A peer's update: the change training from `model` on its data makes. */
export function localUpdate (model: Float32Array, data: Dataset, options: TrainingOptions): Float32Array {
  const trained = train(model, data, options)
  for (let i = 0; i < PARAMETERS; i++) trained[i] -= model[i]
  return trained
}

/** The share of `data` the model classifies right, in [0, 1]. */
export function accuracy (model: Float32Array, data: Dataset): number {
  const p = new Float64Array(classes)
  let right = 0
  for (let i = 0; i < data.size; i++) {
    predict(model, data.x, i * pixels, p)
    let best = 0
    for (let k = 1; k < classes; k++) if (p[k] > p[best]) best = k
    if (best === data.y[i]) right++
  }
  return right / data.size
}

/**
 * Every peer's update from `model` in round `round`. A peer's seed is its own and the round's, not the
 * model's: runs that train different models from the same data differ only by what reached each model.
 */
export function roundUpdates (model: Float32Array, peers: readonly Dataset[], training: Omit<TrainingOptions, 'seed'>, seed: string, round: number): Float32Array[] {
  return peers.map((data, i) => localUpdate(model, data, { ...training, seed: `${seed}/peer-${i}/round-${round}` }))
}
