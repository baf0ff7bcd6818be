/**
 * Distributed DP against central DP at the same (epsilon, delta), for the fast tier (100 peers) and the
 * slow tier (1000 peers, about 25 s a case on the 2-core machine): the mean of n peers' updates at
 * d = 2^16, estimated through the DP pipeline, must come within `most` times central DP's squared error.
 */
import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../src/protocol/crypto/random.js'
import { resolveEncoding } from '../../src/protocol/encoding/params.js'
import { centralNoiseStd } from '../../src/protocol/dp/calibration.js'
import { rotationKey } from '../../src/protocol/dp/pipeline.js'
import { alignedUpdates, centralSum, privateSum, squaredError } from '../../src/simulation/private-sum.js'

const DIMENSION = 2 ** 16
const privacy = { mechanism: 'discrete-gaussian' as const, l2Clip: 1, epsilon: 3, delta: 1e-5, rounds: 1 }

async function expectNearCentral (n: number, bits: number, most: number): Promise<void> {
  const encoding = resolveEncoding({ clip: 1, bits: 16, maxParticipants: n, maxWeight: 1, privacy: { ...privacy, modulusBits: bits } }, { dimension: DIMENSION, honestPeers: n })
  const random = deterministicRandom(`mean-estimation/${n}/${bits}`)
  // norm 0.9, under the clip: clipping costs neither mechanism anything
  const updates = await alignedUpdates(n, DIMENSION, 0.9, nodeCryptoSuite.prg, random)
  const distributed = await privateSum(updates, encoding, nodeCryptoSuite.prg, rotationKey(new Uint8Array(32), 1, random(32)), random)
  const central = await centralSum(updates, privacy.l2Clip, centralNoiseStd(privacy.l2Clip, privacy.epsilon, privacy.delta, privacy.rounds), nodeCryptoSuite.prg, random(32))
  const ratio = squaredError(distributed.sum, updates) / squaredError(central, updates)
  expect(ratio).toBeLessThanOrEqual(most)
  // and the comparison means something: the central error is the noise the accountant asks for
  expect(ratio).toBeGreaterThan(0.9)
}

/** The comparison for each case: n peers, a modulus of `bits` bits, at most `most` times central DP's error. */
export function describeMeanEstimation (cases: ReadonlyArray<readonly [n: number, bits: number, most: number]>): void {
  describe('distributed DP against central DP at the same (epsilon, delta)', () => {
    for (const [n, bits, most] of cases) {
      it(`estimates the mean of ${n} peers at d = 2^16 within ${most}x central DP's squared error, at ${bits} bits`, async () => {
        await expectNearCentral(n, bits, most)
      }, 120_000)
    }
  })
}
