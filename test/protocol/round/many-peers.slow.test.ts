/**
 * A whole round among 300 simulated peers in one process, with a tenth dropping out. With verifiable
 * secret sharing each of them checks 2k Horner evaluations of t commitments one after another on one
 * thread (at 1000 peers, about half a second each: some ten minutes), too long for the fast tier; 500
 * and (with `npm run test:scale`) 1000 peers run on real libp2p nodes in test/node/scale.slow.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'

describe('a round among 300 simulated peers', () => {
  it('gives the exact sum of 300 peers\' inputs at small dimension, with 10% dropping out', async () => {
    const n = 300
    const params = testParams({ dimension: 8, encoding: { maxParticipants: n }, minParticipants: 270 })
    const peers = await simulatedPeers(n, 'three hundred')
    const updates = gridUpdates(params, n, 'three hundred')
    const drops = new Map(Array.from({ length: 30 }, (_, i) => [10 * i + 3, i % 2 === 0 ? 'share-keys' as const : 'masked-input' as const]))
    const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite, drops, seed: 'three hundred' })
    const survivors = [...peers.keys()].filter(i => !drops.has(i))
    expect(report.aggregator.abort).toBeUndefined()
    expect(Array.from(report.aggregator.outcome!.sum)).toEqual(Array.from(exactSum(updates, survivors)))
    expect(report.aggregator.outcome!.survivors).toHaveLength(270)
    expect(Array.from(report.participants[1].outcome!.sum)).toEqual(Array.from(report.aggregator.outcome!.sum))
  })
})
