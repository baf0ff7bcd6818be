/**
 * The cut of a session's members into robust groups. Every peer must compute the same groups on its
 * own (from the beacon and the member list, whatever order it holds them in), no group may be below s
 * (its sum would reveal too little mixing), and the cut must look uniform: the admissibility bound
 * assumes the Byzantine peers land in groups at random.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256 } from '@noble/hashes/sha2.js'
import { groupSizes, partitionGroups } from '../../../src/protocol/robust/groups.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'

const random = deterministicRandom('robust groups test')
const member = (): { bytes: Uint8Array } => ({ bytes: random(38).slice() })
const members = (n: number): Array<{ bytes: Uint8Array }> => Array.from({ length: n }, member)

const sessionId = new Uint8Array(32).fill(0x5e)
const beaconOf = (i: number): Uint8Array => sha256(new TextEncoder().encode(`beacon ${i}`))

/** The members in the partition's order: groups concatenated. */
const order = <T>(groups: T[][]): T[] => groups.flat()

describe('groupSizes', () => {
  it('cuts n into ⌊n/s⌋ groups of at least s, differing by at most one, the larger first', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 400 }), (s, extra) => {
      const n = s + extra
      const sizes = groupSizes(n, s)
      expect(sizes).toHaveLength(Math.floor(n / s))
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n)
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(s)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      expect([...sizes].sort((a, b) => b - a)).toEqual(sizes)
    }))
    expect(groupSizes(17, 5)).toEqual([6, 6, 5])
    expect(groupSizes(100, 3)).toEqual([4, ...Array(32).fill(3)])
  })

  it('throws when n < s', () => {
    expect(() => groupSizes(4, 5)).toThrow(RangeError)
    expect(() => groupSizes(0, 3)).toThrow(RangeError)
  })
})

describe('partitionGroups', () => {
  const peers = members(23)

  it('is a partition of the members into the sizes of groupSizes', () => {
    for (const s of [3, 4, 5, 7, 23]) {
      const groups = partitionGroups(sessionId, 1, beaconOf(0), peers, s)
      expect(groups.map(g => g.length)).toEqual(groupSizes(peers.length, s))
      const all = order(groups)
      expect(new Set(all).size).toBe(peers.length)
      expect(new Set(all)).toEqual(new Set(peers))
    }
  })

  it('is the same for the same session, round, beacon and members, in any input order', () => {
    const groups = partitionGroups(sessionId, 3, beaconOf(1), peers, 4)
    fc.assert(fc.property(fc.shuffledSubarray(peers, { minLength: peers.length, maxLength: peers.length }), shuffled => {
      expect(partitionGroups(sessionId, 3, beaconOf(1), shuffled, 4)).toEqual(groups)
    }), { numRuns: 50 })
  })

  it('changes with the beacon, the round and the session', () => {
    const groups = order(partitionGroups(sessionId, 3, beaconOf(1), peers, 4))
    // 23! orders: any of these coinciding would be a hash that ignores its input
    expect(order(partitionGroups(sessionId, 3, beaconOf(2), peers, 4))).not.toEqual(groups)
    expect(order(partitionGroups(sessionId, 4, beaconOf(1), peers, 4))).not.toEqual(groups)
    expect(order(partitionGroups(new Uint8Array(32), 3, beaconOf(1), peers, 4))).not.toEqual(groups)
  })

  it('ranks each member by its own hash: removing one leaves the others in the same order', () => {
    // so a roster that leaves a member out cannot reshuffle who is near whom
    const full = order(partitionGroups(sessionId, 5, beaconOf(3), peers, 3))
    for (const removed of [0, 7, 22]) {
      const rest = peers.filter((_, i) => i !== removed)
      expect(order(partitionGroups(sessionId, 5, beaconOf(3), rest, 3))).toEqual(full.filter(p => p !== peers[removed]))
    }
  })

  it('puts two fixed members together as often as a uniform cut does', () => {
    // n = 12 in 4 groups of 3: a given other member is one of the 11 with 2 of the seats beside one
    const twelve = members(12)
    const trials = 2000
    let together = 0
    for (let t = 0; t < trials; t++) {
      const groups = partitionGroups(sessionId, 0, sha256(new Uint8Array(new Uint32Array([t]).buffer)), twelve, 3)
      if (groups.some(g => g.includes(twelve[0]) && g.includes(twelve[1]))) together++
    }
    const p = 2 / 11
    expect(Math.abs(together / trials - p)).toBeLessThanOrEqual(4 * Math.sqrt(p * (1 - p) / trials))
  })
})
