/**
 * mask-threads: the aggregator's mask removal at n = 100, d = 1,000,000 (its 324 masks: 90 self masks
 * and 234 pairwise ones of the 10 dropped peers, as in round-costs) split over every core the machine
 * has (mask-workers-node.ts), against the same on one thread in the same run. A ratio below 1 is a
 * gain; nodeCryptoSuite splits only where it is one.
 */
import { availableParallelism } from 'node:os'
import { randomBytes } from 'node:crypto'
import { maskWorkers } from '../src/protocol/crypto/mask-workers-node.js'
import type { MaskKey } from '../src/protocol/crypto/prg.js'
import { median } from './floors.js'
import type { BenchResult } from './result.js'

const REPEATS = 5

export async function maskThreads (masks = 324, dimension = 1_000_000): Promise<BenchResult[]> {
  const threads = availableParallelism()
  const keys: MaskKey[] = Array.from({ length: masks }, (_, i) => ({ key: randomBytes(16), mode: i % 2 === 0 ? 'add' : 'subtract' }))
  const target = new Uint32Array(dimension + 1)
  const one = maskWorkers({ threads: 1 })
  const all = maskWorkers({ threads })
  // the workers' start and their first, unoptimised runs are not what a long-running aggregator pays
  await all(target, keys)
  const alone: number[] = []
  const split: number[] = []
  for (let r = 0; r < REPEATS; r++) {
    let started = performance.now()
    await one(target, keys)
    alone.push(performance.now() - started)
    started = performance.now()
    await all(target, keys)
    split.push(performance.now() - started)
  }
  return [{ name: 'mask-threads', value: median(split), unit: 'ms', floor: median(alone), detail: `${masks} masks of ${dimension + 1} words over ${threads} threads, against one thread` }]
}
