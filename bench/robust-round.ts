/**
 * What robust groups cost against a plain round of the same peers, both through the full round core in
 * the same run: n = 100, d = 100,000, the median over groups of 5 (the f = 5% setting), no dropouts (a
 * group of exactly s has none to spare; the plain round's dropout cost is round-costs'). The floor of each
 * figure is the plain round's. Bytes: the mean a participant sends (keys, shares, masked input, ...).
 * Aggregator time: its handling of every message of every group, with the bounds check and the rule.
 */
import { nodeCryptoSuite } from '../src/protocol/crypto/suite-node.js'
import { simulateRound } from '../src/simulation/simulation.js'
import { simulateRobustRound } from '../src/simulation/robust-round.js'
import { resolveRobust } from '../src/protocol/robust/params.js'
import { benchRound, SEED } from './bench-round.js'
import { median } from './floors.js'
import type { BenchResult } from './result.js'

const REPEATS = 3
const N = 100
const DIMENSION = 100_000

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
const total = (ms: Record<string, number | undefined>): number => Object.values(ms).reduce<number>((a, b) => a + (b ?? 0), 0)

export async function robustRound (): Promise<BenchResult[]> {
  const { params, peers, updates } = await benchRound(N, DIMENSION)
  const robust = resolveRobust({ groupSize: 5, rule: 'median', byzantineRate: 0.05 }, N)
  const plainMs: number[] = []
  const robustMs: number[] = []
  let plainBytes = 0
  let robustBytes = 0
  for (let r = 0; r < REPEATS; r++) {
    const plain = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, seed: SEED })
    if (plain.aggregator.outcome === undefined) throw new Error(`plain round aborted: ${plain.aggregator.abort?.message}`)
    plainMs.push(total(plain.aggregatorMs))
    plainBytes = mean(plain.bytesSent)
    const grouped = await simulateRobustRound({ params, robust, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, seed: SEED, round: 1, beacon: new Uint8Array(32) })
    if (grouped.outcome === undefined) throw new Error(`robust round failed: ${grouped.error}`)
    robustMs.push(grouped.aggregatorMs + grouped.ruleMs)
    robustBytes = mean(grouped.bytesSent)
  }
  const groups = robust.sizes.length
  return [
    {
      name: 'robust-round-bytes',
      value: robustBytes / 1024,
      unit: 'KiB',
      floor: plainBytes / 1024,
      detail: `bytes a participant sends in a robust round (${groups} groups of 5, median) against a plain round, n = ${N}, d = ${DIMENSION} (goal ratio <= 1.1)`
    },
    {
      name: 'robust-round-aggregator',
      value: median(robustMs),
      unit: 'ms',
      floor: median(plainMs),
      detail: `the aggregator's time over all ${groups} groups' rounds, bounds and median, against a plain round of the same peers (goal ratio <= 1.3)`
    }
  ]
}
