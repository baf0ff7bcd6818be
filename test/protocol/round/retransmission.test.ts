import { describe, expect, it } from 'vitest'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { exactSum, gridUpdates, testParams } from '../../support/round-fixtures.js'

describe('retransmitted messages', () => {
  it('are ignored by participants: every aggregator message delivered twice still gives the exact sum, and nothing is sent twice', async () => {
    const params = testParams({ dimension: 40 })
    const peers = await simulatedPeers(10, 'retransmission')
    const updates = gridUpdates(params, 10)
    const sent = new Map<string, number>()
    const report = await simulateRound({
      params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite,
      tamper: (message) => [message, message],
      observe: (d) => { if (d.to === 'aggregator' && d.type !== 'masked-input') sent.set(`${d.from}/${d.type}`, (sent.get(`${d.from}/${d.type}`) ?? 0) + 1) }
    })
    expect(report.aggregator.abort).toBeUndefined()
    expect(Array.from(report.aggregator.outcome!.sum)).toEqual(Array.from(exactSum(updates, peers.keys())))
    for (const participant of report.participants) expect(participant.outcome).toBeDefined()
    expect([...sent.values()].every(count => count === 1)).toBe(true)
    // key-advertisement, share-keys, share-check, consistency-signature and unmask-shares from each
    expect(sent.size).toBe(10 * 5)
  })
})
