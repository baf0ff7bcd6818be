/**
 * A whole round among 1000 simulated peers in one process. With verifiable secret sharing each of them
 * checks 2k = 156 Horner evaluations of t = 52 commitments (about half a second per peer, bench/vss-cost.ts),
 * one after another on one thread: some ten minutes, too long for the default suite.
 */
import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'

describe('a round among 1000 simulated peers', () => {
  it('gives the exact sum of 1000 peers\' inputs at small dimension, with 10% dropping out', async () => {
    const n = 1000
    const params = testParams({ dimension: 8, encoding: { maxParticipants: n }, minParticipants: 900 })
    const peers = await simulatedPeers(n, 'thousand')
    const updates = gridUpdates(params, n, 'thousand')
    const drops = new Map(Array.from({ length: 100 }, (_, i) => [10 * i + 3, i % 2 === 0 ? 'share-keys' as const : 'masked-input' as const]))
    const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, drops, seed: 'thousand' })
    const survivors = [...peers.keys()].filter(i => !drops.has(i))
    expect(report.aggregator.abort).toBeUndefined()
    expect(Array.from(report.aggregator.outcome!.sum)).toEqual(Array.from(exactSum(updates, survivors)))
    expect(report.aggregator.outcome!.survivors).toHaveLength(900)
    expect(Array.from(report.participants[1].outcome!.sum)).toEqual(Array.from(report.aggregator.outcome!.sum))
  })
})
