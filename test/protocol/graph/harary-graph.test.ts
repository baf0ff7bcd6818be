import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { toHex, utf8 } from '../../../src/protocol/crypto/bytes.js'
import { graphSeed, NeighbourGraph } from '../../../src/protocol/graph/harary-graph.js'

const peers = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => utf8(`peer-${i}`))
const seedA = graphSeed({ sessionId: new Uint8Array(32), round: 1, attempt: 0 }, new Uint8Array(32).fill(1))
const seedB = graphSeed({ sessionId: new Uint8Array(32), round: 1, attempt: 1 }, new Uint8Array(32).fill(1))
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

  it('keeps the relative order of the others when peers are left out of the roster', () => {
    const roster = peers(40)
    const full = ids([...new NeighbourGraph(roster, seedA, 6).ring])
    const left = new Set([3, 17, 28].map(i => toHex(roster[i])))
    const partial = ids([...new NeighbourGraph(roster.filter(p => !left.has(toHex(p))), seedA, 6).ring])
    expect(partial).toEqual(full.filter(id => !left.has(id)))
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
