/**
 * Many peers in one process on the memory transport. Slow (minutes): `npm run test:slow` runs this
 * file, and CI runs it after the fast suite.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openSession } from '../../src/node/session-config.js'
import { exactSum, gridUpdates } from '../support/round-fixtures.js'
import { joinAll, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'

let nodes: SecAggNode[] = []
afterEach(async () => { await stopNetwork(nodes); nodes = [] })

const minutes = (m: number): number => m * 60_000

interface Size {
  peers: number
  dimension: number
  /**
   * 'open': anyone may join, and the aggregator is elected among the members heard ready, so every
   * member's presence reaches every other: n^2 gossip deliveries, about 1-2 ms each with every node in
   * this one thread (docs/network.md, "Scale"), which is what limits this kind to a few hundred here.
   * 'closed': the session lists its members and elects from the list, with no presence at all.
   */
  members: 'open' | 'closed'
  /** How long members of an open session gather presence before electing. */
  gatherDelay: number
  /**
   * Every phase's deadline, far above what the phase takes here, so that none closes on a slow machine:
   * the test is that every peer makes it into the sum (dropouts have tests of their own).
   */
  phaseMinutes: number
}

// SCALE_N, SCALE_D, SCALE_MEMBERS and SCALE_GATHER run another size instead (`npm run test:scale`: 1000 peers;
// `SCALE_N=500 npm run test:scale`: 500).
const sizes: Size[] = process.env.SCALE_N === undefined
  ? [
      // one phase took up to a minute here
      { peers: 200, dimension: 10_000, members: 'open', gatherDelay: 10_000, phaseMinutes: 4 },
      // 500 peers took 15 minutes here, most of it each peer's check of the round's transcript, all on
      // one thread: too long for CI, so they and 1000 peers (an hour) are `npm run test:scale` runs
      { peers: 300, dimension: 1000, members: 'closed', gatherDelay: 0, phaseMinutes: 8 }
    ]
  : [{
      peers: Number(process.env.SCALE_N),
      dimension: Number(process.env.SCALE_D ?? 1000),
      members: process.env.SCALE_MEMBERS === 'open' ? 'open' : 'closed',
      gatherDelay: Number(process.env.SCALE_GATHER ?? 60_000),
      // 1000 peers spent 16 minutes in masked input (each peer checks its 2 x 78 x 52 share commitments, about 0.4 s, all on one thread)
      phaseMinutes: 30
    }]

describe('many peers on the memory transport', () => {
  it.each(sizes)('$peers peers at d = $dimension in a $members session complete a round with the exact sum', async ({ peers: n, dimension, members, gatherDelay, phaseMinutes }) => {
    const started = Date.now()
    // Presence only when a member of the open session gets ready: periodic presence from this many
    // peers would be n^2 work again.
    nodes = await startNetwork(n, { transport: 'memory', presenceInterval: minutes(30), gatherDelay })
    const config = testSession(n, {
      dimension,
      phaseTimeouts: { 'advertise-keys': minutes(phaseMinutes), 'share-keys': minutes(phaseMinutes), 'masked-input': minutes(phaseMinutes), 'consistency-check': minutes(phaseMinutes), unmask: minutes(phaseMinutes) },
      announceTimeout: minutes(phaseMinutes),
      ...(members === 'closed' ? { members: nodes.map(node => node.peerId.toString()) } : {})
    })
    const updates = gridUpdates(openSession(config).params, n, `scale-${n}`)
    const sessions = await joinAll(nodes, config, minutes(5))
    const setUp = Date.now()
    for (const node of nodes) {
      // where the round's time goes: when the aggregator enters each phase
      node.services.secagg.addEventListener('progress', ({ detail }) => {
        if (detail.role === 'aggregator') console.log(`${n} peers: attempt ${detail.attempt} ${detail.phase} at ${Date.now() - setUp} ms`)
      })
    }
    const results = await Promise.all(sessions.map(async (s, i) => s.aggregate(updates[i])))
    const expected = Array.from(exactSum(updates, [...nodes.keys()]))
    for (const result of results) {
      expect(result.attempt).toBe(0)
      expect(result.survivors).toHaveLength(n)
      expect(Array.from(result.sum)).toEqual(expected)
    }
    console.log(`${n} peers, d = ${dimension}, ${members}: network ${setUp - started} ms, round ${Date.now() - setUp} ms, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`)
  }, minutes(90))
})
