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
const slow = { 'advertise-keys': minutes(3), 'share-keys': minutes(3), 'masked-input': minutes(3), 'consistency-check': minutes(3), unmask: minutes(3) }

// [peers, dimension, how long members gather presence before electing]. SCALE_N and SCALE_D run another
// size instead. Presence reaches every member through gossip: n^2 deliveries, which with every node in
// this one thread cost about 2 ms each at 400 peers (docs/network.md, "Scale"), so much larger sizes do
// not fit a test run on two cores.
const rows: Array<[number, number, number]> = process.env.SCALE_N === undefined
  ? [[200, 10_000, 10_000]]
  : [[Number(process.env.SCALE_N), Number(process.env.SCALE_D ?? 1000), Number(process.env.SCALE_GATHER ?? 60_000)]]

describe('many peers on the memory transport', () => {
  it.each(rows)('%i peers at d = %i complete a round with the exact sum', async (n, dimension, gatherDelay) => {
    const started = Date.now()
    // Presence only when a member gets ready: periodic presence from this many peers would be n^2 work again.
    nodes = await startNetwork(n, { transport: 'memory', presenceInterval: minutes(30), gatherDelay })
    const config = testSession(n, { dimension, phaseTimeouts: slow, announceTimeout: minutes(5) })
    const updates = gridUpdates(openSession(config).params, n, `scale-${n}`)
    const sessions = await joinAll(nodes, config, minutes(3))
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
      expect(result.survivors).toHaveLength(n)
      expect(Array.from(result.sum)).toEqual(expected)
    }
    console.log(`${n} peers, d = ${dimension}: network ${setUp - started} ms, round ${Date.now() - setUp} ms, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`)
  }, minutes(30))
})
