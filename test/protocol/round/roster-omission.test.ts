import { describe, expect, it } from 'vitest'
import { toHex } from '../../../src/protocol/crypto/bytes.js'
import { graphSeed, NeighbourGraph } from '../../../src/protocol/graph/harary-graph.js'
import { NeighbourKeys, KeyAdvertisement } from '../../../src/protocol/pb/messages.js'
import { graphParametersFor } from '../../../src/protocol/round/params.js'
import { sortIdentities } from '../../../src/protocol/round/roster.js'
import { run, scenario } from '../../support/adversary.js'

/**
 * The attack a roster-independent ring would allow: the aggregator knows every peer's place in advance,
 * picks colluders around a target, and leaves out the honest peers between them, so that the target's
 * neighbours in the smaller roster are exactly its colluders.
 */
function plan (ring: readonly Uint8Array[], target: number, degree: number, spacing: number): { colluders: Set<string>, omitted: Set<string> } {
  const n = ring.length
  const colluders = new Set<string>()
  const omitted = new Set<string>()
  for (let d = 1; d <= spacing * degree / 2; d++) {
    for (const p of [ring[(target + d) % n], ring[(target - d + n) % n]]) (d % spacing === 0 ? colluders : omitted).add(toHex(p))
  }
  return { colluders, omitted }
}

describe('leaving peers out of the roster', () => {
  it('does not let the aggregator choose a target\'s neighbours', async () => {
    const s = await scenario({ n: 40 })
    const context = { sessionId: s.params.sessionId, round: s.round, attempt: s.attempt }
    const roster = sortIdentities(s.peers.map(p => p.identity)).map(i => i.bytes)
    const aggregator = toHex(roster[s.aggregator])
    const ring = new NeighbourGraph(roster, graphSeed(context, s.beacon, roster, s.digests), graphParametersFor(s.params, 40).degree).ring
    const targetAt = (ring.findIndex(p => toHex(p) === aggregator) + 20) % 40
    const target = ring[targetAt]
    // Colluders one every third place on either side, and the honest peers between them left out: pick
    // the degree whose roster size after the omissions gives that same degree back.
    const degree = [4, 6, 8, 10].find(k => graphParametersFor(s.params, 40 - plan(ring, targetAt, k, 3).omitted.size).degree === k)!
    expect(degree).toBeDefined()
    const { colluders, omitted } = plan(ring, targetAt, degree, 3)
    expect(omitted.has(aggregator)).toBe(false)
    const kept = roster.filter(p => !omitted.has(toHex(p)))

    // Against a ring fixed by the beacon alone, the plan works: the target's neighbours are the colluders.
    const beaconOnly = new NeighbourGraph(kept, graphSeed(context, s.beacon, roster, s.digests), degree)
    expect(new Set(beaconOnly.neighboursOf(target).map(toHex))).toEqual(colluders)

    // In the protocol the roster is part of the seed, so the smaller roster gets a new ring, and the
    // participants, which recompute their own neighbours, take keys only from those.
    const drops = new Map(s.peers.flatMap((p, i) => omitted.has(toHex(p.identity.bytes)) ? [[i, 'advertise-keys' as const] as const] : []))
    const targetIndex = s.peers.findIndex(p => toHex(p.identity.bytes) === toHex(target))
    let neighbours: string[] = []
    const { report } = await run({ ...s, drops }, (message, recipient) => {
      if (recipient === targetIndex && message.type === 'neighbour-keys') {
        neighbours = NeighbourKeys.decode(message.bytes).advertisements.map(a => toHex(KeyAdvertisement.decode(a.body).peer))
      }
      return [message]
    })
    expect(report.participants[targetIndex].outcome).toBeDefined()
    expect(neighbours).toHaveLength(degree)
    const captured = neighbours.filter(n => colluders.has(n)).length
    expect(captured).toBeLessThan(graphParametersFor(s.params, kept.length).threshold)
  })
})
