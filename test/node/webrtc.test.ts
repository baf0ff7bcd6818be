import { afterEach, describe, expect, it } from 'vitest'
import { openSession } from '../../src/node/session-config.js'
import { createSecAggNode } from '../../src/node/create-node.js'
import { exactSum, gridUpdates } from '../support/round-fixtures.js'
import { joinAll, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'

let nodes: SecAggNode[] = []
afterEach(async () => { await stopNetwork(nodes); nodes = [] })

const N = 4

/** A round over whatever connections the nodes hold, checked against the exact sum. */
async function exactRound (peers: SecAggNode[], label: string): Promise<void> {
  const config = testSession(N, { dimension: 10_000, minParticipants: N })
  const updates = gridUpdates(openSession(config).params, N, label)
  const sessions = await joinAll(peers, config)
  const results = await Promise.all(sessions.map(async (s, i) => s.aggregate(updates[i])))
  const expected = Array.from(exactSum(updates, [...peers.keys()]))
  for (const result of results) {
    expect(Array.from(result.sum)).toEqual(expected)
    expect(result.survivors).toHaveLength(N)
  }
}

describe('secure aggregation over WebRTC', () => {
  it('completes a round over webrtc-direct', async () => {
    nodes = await startNetwork(N, { transport: 'webrtc-direct' })
    for (const node of nodes) {
      for (const connection of node.getConnections()) expect(connection.remoteAddr.toString()).toContain('/webrtc-direct')
    }
    await exactRound(nodes, 'webrtc-direct')
  }, 60_000)

  it('completes a round between private peers connected by WebRTC through a circuit relay', async () => {
    const relay = await createSecAggNode({ listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, relay: true })
    nodes = [relay]
    const peers = await startNetwork(N, { transport: 'webrtc', relay: relay.getMultiaddrs()[0] })
    nodes.push(...peers)
    // Every pair holds a direct WebRTC connection. The relayed ones that set it up are limited, and the
    // service does not open its streams on limited connections: the round cannot go through the relay.
    for (const peer of peers) {
      const direct = peer.getConnections().filter(c => c.limits === undefined && !c.remotePeer.equals(relay.peerId))
      expect(new Set(direct.map(c => c.remotePeer.toString())).size).toBe(N - 1)
      for (const connection of direct) expect(connection.remoteAddr.toString()).toMatch(/\/webrtc\/p2p\//)
    }
    await exactRound(peers, 'webrtc-relay')
  }, 150_000)
})
