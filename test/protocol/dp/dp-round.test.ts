import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { encodePrivately, rotationKey } from '../../../src/protocol/dp/pipeline.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { auditTranscript } from '../../../src/protocol/verification/audit.js'
import { SESSION_ID, testParams } from '../../support/round-fixtures.js'

const privacy = { mechanism: 'discrete-gaussian' as const, l2Clip: 1, modulusBits: 20, epsilon: 3, delta: 1e-5, rounds: 1 }

describe('a distributed-DP round', () => {
  it('sums exactly the survivors\' noisy encodings, and decodes near the true mean', async () => {
    const params = testParams({ dimension: 100, encoding: { maxParticipants: 20, privacy }, minParticipants: 10 })
    const n = 12
    const peers = await simulatedPeers(n, 'dp-round')
    const random = deterministicRandom('dp-round/updates')
    const updates = Array.from({ length: n }, () => Float32Array.from(random(100), b => (b - 127.5) / 1280))
    const roundingSeeds = Array.from({ length: n }, () => random(16))
    const beacon = random(32)
    const drops = new Map([[5, 'masked-input' as const]])
    const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, roundingSeeds, beacon, round: 1, drops })
    if (report.aggregator.outcome === undefined) throw new Error(JSON.stringify([report.aggregator.abort, report.participants.map(p => p.abort)]))
    const outcome = report.aggregator.outcome
    expect(outcome.survivors).toHaveLength(n - 1)
    expect(outcome.quantizedSum).toHaveLength(params.encoding.privacy!.paddedDimension + 1)

    const rotation = rotationKey(SESSION_ID, 1, beacon)
    const expected = new Uint32Array(outcome.quantizedSum.length)
    for (let i = 0; i < n; i++) {
      if (i === 5) continue
      const { words } = await encodePrivately(updates[i], 1, params.encoding, nodeCryptoSuite.prg, rotation, roundingSeeds[i])
      for (let j = 0; j < words.length; j++) expected[j] = (expected[j] + words[j]) & (2 ** 20 - 1)
    }
    expect(outcome.quantizedSum).toEqual(expected)
    expect(outcome.weightSum).toBe(n - 1)
    const audit = await auditTranscript(outcome.transcript!, params, nodeCryptoSuite)
    expect(audit.verdict).toBe('verified')
    // each coordinate of the decoded sum carries the survivors' noise, rotated back: N(0, (n-1)σ²)/scale
    const dp = params.encoding.privacy!
    const noiseStd = Math.sqrt((n - 1) * dp.peerVariance) / dp.scale
    for (let j = 0; j < 100; j++) {
      const truth = updates.reduce((acc, u, i) => i === 5 ? acc : acc + u[j], 0)
      expect(Math.abs(outcome.sum[j] - truth)).toBeLessThan(6 * noiseStd)
    }
    expect(noiseStd).toBeGreaterThan(0.1)
    for (const participant of report.participants) if (participant.outcome !== undefined) expect(participant.outcome.mean).toEqual(outcome.mean)
  })
})
