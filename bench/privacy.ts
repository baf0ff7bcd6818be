/**
 * What distributed DP costs. `dp-mse`: the squared error of the mean of n = 100 peers' updates at
 * d = 2^20 through the client pipeline (encoded, summed mod 2^m, decoded; the masks would cancel
 * exactly), against central continuous Gaussian noise at the same (epsilon, delta) on the same updates:
 * the floor is the central error, so the ratio is what doing DP without a trusted server costs in
 * accuracy (goals: 1.10 at 16 bits, 1.03 at 18). `dp-client`: a participant's pipeline (rotation,
 * rounding, sampling) at d = 2^20, against the AES-CTR keystream floor of the random words it draws;
 * the detail gives the participant's masking at the same dimension (27 keystreams, as round-costs'
 * n = 100 round) measured in the same run (goal: the pipeline adds at most 150 ms).
 */
import { randomBytes } from 'node:crypto'
import { nodeCryptoSuite } from '../src/protocol/crypto/suite-node.js'
import { resolveEncoding, type Encoding } from '../src/protocol/encoding/params.js'
import { centralNoiseStd } from '../src/protocol/dp/calibration.js'
import { encodePrivately, rotationKey } from '../src/protocol/dp/pipeline.js'
import { WORDS_PER_SAMPLE } from '../src/protocol/dp/discrete-gaussian.js'
import { alignedUpdates, centralSum, privateSum, squaredError } from '../src/simulation/private-sum.js'
import { keystreamAddFloor, median } from './floors.js'
import type { BenchResult } from './result.js'

const DIMENSION = 2 ** 20
const PEERS = 100
const BUDGET = { mechanism: 'discrete-gaussian' as const, l2Clip: 1, epsilon: 3, delta: 1e-5, rounds: 1 }
/** Masks of a participant in round-costs' round (n = 100, malicious model): its self mask and 26 neighbours. */
const MASKS = 27
const REPEATS = 5

function encodingAt (bits: number, peers: number): Encoding {
  return resolveEncoding({ clip: 1, bits: 16, maxParticipants: peers, maxWeight: 1, privacy: { ...BUDGET, modulusBits: bits } }, { dimension: DIMENSION, honestPeers: peers })
}

export async function privacy (): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  const random = (length: number): Uint8Array => randomBytes(length)
  const updates = await alignedUpdates(PEERS, DIMENSION, 0.9, nodeCryptoSuite.prg, random)
  const centralStd = centralNoiseStd(BUDGET.l2Clip, BUDGET.epsilon, BUDGET.delta, BUDGET.rounds)
  for (const bits of [16, 18]) {
    const encoding = encodingAt(bits, PEERS)
    const distributed = await privateSum(updates, encoding, nodeCryptoSuite.prg, rotationKey(randomBytes(32), 1, randomBytes(32)), random)
    const central = await centralSum(updates, BUDGET.l2Clip, centralStd, nodeCryptoSuite.prg, randomBytes(32))
    results.push({
      name: `dp-mse-${bits}bit`,
      value: squaredError(distributed.sum, updates),
      unit: 'sq',
      floor: squaredError(central, updates),
      detail: `squared error of the sum of ${PEERS} updates at d = 2^20, epsilon ${BUDGET.epsilon}, delta ${BUDGET.delta}, ${bits}-bit modulus; floor: central Gaussian noise (goal ratio <= ${bits === 16 ? '1.10' : '1.03'})`
    })
  }

  const encoding = encodingAt(16, PEERS)
  const update = updates[0]
  const pipeline: number[] = []
  for (let r = 0; r <= REPEATS; r++) {
    const started = performance.now()
    await encodePrivately(update, 1, encoding, nodeCryptoSuite.prg, randomBytes(32), randomBytes(16))
    if (r > 0) pipeline.push(performance.now() - started)
  }
  // the words it draws: the rotation's signs, at least one rounding, and the samples
  const words = new Uint32Array(DIMENSION)
  const drawn = 2 + WORDS_PER_SAMPLE
  const floor = median(Array.from({ length: REPEATS }, () => keystreamAddFloor(words.length, drawn)))
  const masking = median(Array.from({ length: REPEATS }, () => keystreamAddFloor(words.length, MASKS)))
  results.push({
    name: 'dp-client',
    value: median(pipeline),
    unit: 'ms',
    floor,
    detail: `a participant's DP pipeline at d = 2^20 (rotate, round, sample); floor: the keystream of the ${drawn} words per coordinate it draws; its masking here: ${masking.toFixed(0)} ms (goal: adds <= 150 ms)`
  })
  return results
}
