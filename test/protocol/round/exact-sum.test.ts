import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { webCryptoSuite } from '../../../src/protocol/crypto/suite-web.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'

describe('a round among simulated peers', () => {
  it.each([3, 10, 100])('gives every survivor the exact sum of %i peers\' inputs', async (n) => {
    const params = testParams({ dimension: 257, encoding: { maxParticipants: n }, minParticipants: Math.max(3, n - n / 10) })
    const peers = await simulatedPeers(n)
    const updates = gridUpdates(params, n)
    const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite })
    expect(report.aggregator.abort).toBeUndefined()
    const expected = Array.from(exactSum(updates, peers.keys()))
    expect(Array.from(report.aggregator.outcome!.sum)).toEqual(expected)
    expect(report.aggregator.outcome!.weightSum).toBe(n)
    for (const participant of report.participants) {
      expect(Array.from(participant.outcome!.sum)).toEqual(expected)
      expect(participant.outcome!.survivors).toHaveLength(n)
    }
  })

  it('gives the same result on the WebCrypto backend', async () => {
    const params = testParams({ dimension: 100 })
    const peers = await simulatedPeers(10)
    const updates = gridUpdates(params, 10)
    const crypto = await webCryptoSuite()
    const report = await simulateRound({ params, peers, updates, aggregator: 3, crypto })
    expect(Array.from(report.aggregator.outcome!.sum)).toEqual(Array.from(exactSum(updates, peers.keys())))
  })
})

describe('rounding across attempts', () => {
  it('is the same in two attempts with the same rounding seeds, so their sums differ only by whole inputs', async () => {
    const n = 6
    const params = testParams({ dimension: 300, encoding: { maxParticipants: n } })
    const peers = await simulatedPeers(n, 'rounding')
    // off the fixed-point grid, so rounding matters
    const updates = peers.map((_, p) => Float32Array.from({ length: 300 }, (_, i) => Math.sin(p * 7 + i) * 3.3))
    const seeds = peers.map((_, i) => new Uint8Array(16).fill(i + 1))
    const run = async (attempt: number, roundingSeeds?: Uint8Array[]): Promise<Uint32Array> =>
      (await simulateRound({ params, peers, updates, aggregator: attempt, attempt, crypto: nodeCryptoSuite, seed: `attempt-${attempt}`, roundingSeeds })).aggregator.outcome!.quantizedSum
    expect(await run(0, seeds)).toEqual(await run(1, seeds))
    expect(await run(0)).not.toEqual(await run(1))
  })
})
