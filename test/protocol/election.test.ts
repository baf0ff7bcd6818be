import { describe, expect, it } from 'vitest'
import { beaconFromVrf, electAggregator, genesisBeacon, rankAggregators } from '../../src/protocol/election.js'
import { simulatedPeers } from '../../src/simulation/peers.js'

const session = new Uint8Array(32).fill(9)

describe('aggregator election', () => {
  it('ranks members the same way whatever order they are listed in', async () => {
    const members = (await simulatedPeers(12, 'election')).map(p => p.identity)
    const beacon = genesisBeacon(session)
    const a = rankAggregators(session, 4, beacon, members).map(m => m.id)
    const b = rankAggregators(session, 4, beacon, [...members].reverse()).map(m => m.id)
    expect(a).toEqual(b)
    expect(new Set(a).size).toBe(12)
  })

  it('hands each further attempt to the next-ranked member', async () => {
    const members = (await simulatedPeers(5, 'election')).map(p => p.identity)
    const beacon = genesisBeacon(session)
    const ranked = rankAggregators(session, 1, beacon, members)
    for (let attempt = 0; attempt < 7; attempt++) expect(electAggregator(session, 1, attempt, beacon, members).id).toBe(ranked[attempt % 5].id)
  })

  it('changes the aggregator with the beacon, which comes from the previous aggregator\'s VRF output', async () => {
    const members = (await simulatedPeers(20, 'election')).map(p => p.identity)
    const winners = new Set<string>()
    let beacon = genesisBeacon(session)
    for (let round = 1; round <= 20; round++) {
      winners.add(electAggregator(session, round, 0, beacon, members).id)
      const next = beaconFromVrf(session, new Uint8Array(64).fill(round))
      expect(next).not.toEqual(beacon)
      beacon = next
    }
    // 20 rounds over 20 members: a fixed or round-robin choice would show 1 or 20; a hash shows several
    expect(winners.size).toBeGreaterThan(5)
    expect(winners.size).toBeLessThan(20)
  })
})
