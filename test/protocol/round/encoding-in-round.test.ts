import { describe, expect, it } from 'vitest'
import { compareBytes } from '../../../src/protocol/crypto/bytes.js'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { Roster } from '../../../src/protocol/pb/messages.js'
import { simulatedPeers } from '../../../src/simulation/peers.js'
import { simulateRound } from '../../../src/simulation/simulation.js'
import { gridUpdates, testParams } from '../../support/round-fixtures.js'

describe('encoding within a round', () => {
  it('computes a weighted mean from sample-count weights', async () => {
    const params = testParams({ dimension: 64, encoding: { maxWeight: 1000 } })
    const n = 6
    const peers = await simulatedPeers(n, 'weights')
    const updates = gridUpdates(params, n, 'weights')
    const weights = [1000, 10, 250, 600, 1, 77]
    const report = await simulateRound({ params, peers, updates, weights, aggregator: 2, crypto: nodeCryptoSuite })
    const outcome = report.aggregator.outcome!
    const totalWeight = weights.reduce((a, b) => a + b, 0)
    // each weighted value is off by less than one quantum, maxWeight / scale, before dividing by the total
    const quantum = params.encoding.maxWeight / params.encoding.scale
    expect(Math.abs(outcome.weightSum - totalWeight)).toBeLessThan(n * params.encoding.maxWeight / params.encoding.weightScale)
    for (let j = 0; j < params.dimension; j++) {
      const weighted = weights.reduce((acc, w, i) => acc + w * updates[i][j], 0)
      expect(Math.abs(outcome.sum[j] - weighted)).toBeLessThan(n * quantum)
      expect(outcome.mean[j]).toBeCloseTo(outcome.sum[j] / outcome.weightSum, 12)
    }
  })

  it('reports how many coordinates each peer clipped', async () => {
    const params = testParams({ dimension: 50 })
    const peers = await simulatedPeers(4, 'clipping')
    const clip = params.encoding.clip
    const updates = [0, 3, 7, 50].map(over => Float32Array.from({ length: 50 }, (_, i) => i < over ? (i % 2 === 0 ? 2 * clip : -3 * clip) : clip / 2))
    const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite })
    const clipped = report.participants.map(p => p.events.find(e => e.type === 'input-encoded'))
    expect(clipped.map(e => e?.type === 'input-encoded' ? e.clipped : undefined)).toEqual([0, 3, 7, 50])
    // clipped values count at the clip bound
    expect(report.aggregator.outcome!.sum[0]).toBe(clip / 2 + clip + clip + clip)
  })

  it('keeps the roster within the modulus: peers beyond the encoding\'s maximum are left out', async () => {
    const params = testParams({ dimension: 16, encoding: { maxParticipants: 5 } })
    const peers = await simulatedPeers(7, 'overflow')
    const report = await simulateRound({ params, peers, updates: gridUpdates(params, 7), aggregator: 0, crypto: nodeCryptoSuite })
    const excluded = report.aggregator.events.filter(e => e.type === 'excluded' && e.reason === 'too-many-participants')
    expect(excluded).toHaveLength(2)
    expect(report.aggregator.outcome!.participants).toHaveLength(5)
    expect(report.participants.filter(p => p.abort?.reason === 'excluded')).toHaveLength(2)
    expect(report.participants.filter(p => p.outcome !== undefined)).toHaveLength(5)
  })

  it('refuses, before sending anything, a roster larger than the modulus allows', async () => {
    const params = testParams({ dimension: 16, encoding: { maxParticipants: 5 } })
    const peers = await simulatedPeers(5, 'overflow-refused')
    const extra = (await simulatedPeers(2, 'intruders')).map(p => p.identity.bytes)
    const report = await simulateRound({
      params, peers, updates: gridUpdates(params, 5), aggregator: 0, crypto: nodeCryptoSuite,
      tamper: (message) => {
        if (message.type !== 'roster') return [message]
        const roster = Roster.decode(message.bytes)
        const peersList = [...roster.peers, ...extra].sort(compareBytes)
        return [{ type: 'roster', bytes: Roster.encode({ ...roster, peers: peersList as Array<Uint8Array<ArrayBuffer>> }) }]
      }
    })
    for (let i = 0; i < 5; i++) {
      expect(report.participants[i].abort?.reason).toBe('too-many-participants')
      expect(report.participants[i].events.some(e => e.type === 'input-encoded')).toBe(false)
    }
    expect(report.bytesSent.every(b => b < 1000)).toBe(true)
    expect(report.aggregator.outcome).toBeUndefined()
  })

  it('refuses an update with NaN before sending anything', async () => {
    const params = testParams({ dimension: 8 })
    const peers = await simulatedPeers(4, 'nan')
    const updates = gridUpdates(params, 4)
    updates[2][5] = Number.NaN
    const report = await simulateRound({ params, peers, updates, aggregator: 0, crypto: nodeCryptoSuite })
    expect(report.participants[2].abort?.reason).toBe('invalid-input')
    expect(report.bytesSent[2]).toBe(0)
  })
})
