import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { toHex, utf8 } from '../../../src/protocol/crypto/bytes.js'
import { graphSeed, NeighbourGraph } from '../../../src/protocol/graph/harary-graph.js'

const peers = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => utf8(`peer-${i}`))
const context = { sessionId: new Uint8Array(32), round: 1, attempt: 0 }
const beacon = new Uint8Array(32).fill(1)
/** Stand-ins for the roster's advertisement digests, one per peer. */
const digests = (list: Uint8Array[], salt = 0): Uint8Array[] => list.map((_, i) => new Uint8Array(32).fill((i + salt) % 256))
const seedA = graphSeed(context, beacon, peers(40), digests(peers(40)))
const seedB = graphSeed({ ...context, attempt: 1 }, beacon, peers(40), digests(peers(40)))
const ids = (list: Uint8Array[]): string[] => list.map(toHex)

describe('Harary neighbour graph', () => {
  it('gives every peer exactly k distinct neighbours, symmetrically', () => {
    fc.assert(fc.property(fc.integer({ min: 4, max: 60 }).chain(n => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: Math.floor((n - 2) / 2) }))), ([n, half]) => {
      fc.pre(2 * half < n - 1)
      const graph = new NeighbourGraph(peers(n), seedA, 2 * half)
      for (const p of graph.ring) {
        const neighbours = graph.neighboursOf(p)
        expect(new Set(ids(neighbours)).size).toBe(2 * half)
        expect(ids(neighbours)).not.toContain(toHex(p))
        for (const q of neighbours) {
          expect(ids(graph.neighboursOf(q))).toContain(toHex(p))
          expect(graph.areNeighbours(p, q)).toBe(true)
        }
      }
      let edges = 0
      for (const p of graph.ring) for (const q of graph.ring) if (graph.areNeighbours(p, q)) edges++
      expect(edges).toBe(n * 2 * half)
    }), { numRuns: 100 })
  })

  it('orders the ring from the seed alone, whatever order the roster arrives in', () => {
    const roster = peers(40)
    const shuffled = [...roster].reverse()
    expect(ids([...new NeighbourGraph(roster, seedA, 6).ring])).toEqual(ids([...new NeighbourGraph(shuffled, seedA, 6).ring]))
    expect(ids([...new NeighbourGraph(roster, seedA, 6).ring])).not.toEqual(ids([...new NeighbourGraph(roster, seedB, 6).ring]))
  })

  it('binds the seed to the beacon, to the roster whatever its order, and to every advertisement digest', () => {
    const roster = peers(40)
    const d = digests(roster)
    expect(graphSeed(context, beacon, [...roster].reverse(), [...d].reverse())).toEqual(seedA)
    expect(graphSeed(context, new Uint8Array(32).fill(2), roster, d)).not.toEqual(seedA)
    expect(graphSeed(context, beacon, roster.slice(1), d.slice(1))).not.toEqual(seedA)
    // one peer's fresh keys differ, and the whole ring is drawn again: no one knows it before the keys are in
    const other = d.map((x, i) => i === 7 ? new Uint8Array(32).fill(0xee) : x)
    expect(graphSeed(context, beacon, roster, other)).not.toEqual(seedA)
  })

  it('reshuffles the whole ring when one peer is left out of the roster, so no one can pick a peer\'s neighbours by omission', () => {
    const roster = peers(40)
    const full = new NeighbourGraph(roster, graphSeed(context, beacon, roster, digests(roster)), 6)
    const partialRoster = roster.filter((_, i) => i !== 17)
    const partial = new NeighbourGraph(partialRoster, graphSeed(context, beacon, partialRoster, digests(roster).filter((_, i) => i !== 17)), 6)
    const keptOrder = ids([...full.ring]).filter(id => id !== toHex(roster[17]))
    expect(ids([...partial.ring])).not.toEqual(keptOrder)
    // most peers get different neighbours, not just the two next to the gap
    const changed = partialRoster.filter(p => ids(full.neighboursOf(p)).sort().join() !== ids(partial.neighboursOf(p)).sort().join())
    expect(changed.length).toBeGreaterThan(partialRoster.length / 2)
  })

  it('is the complete graph at degree n - 1', () => {
    const graph = new NeighbourGraph(peers(7), seedA, 6)
    expect(graph.complete).toBe(true)
    for (const p of graph.ring) expect(graph.neighboursOf(p)).toHaveLength(6)
  })

  it('rejects odd sparse degrees, degrees beyond n - 1 and repeated peers', () => {
    expect(() => new NeighbourGraph(peers(10), seedA, 3)).toThrow(RangeError)
    expect(() => new NeighbourGraph(peers(10), seedA, 10)).toThrow(RangeError)
    expect(() => new NeighbourGraph([...peers(5), utf8('peer-1')], seedA, 2)).toThrow(RangeError)
  })
})
