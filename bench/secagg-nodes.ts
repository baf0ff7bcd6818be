/**
 * Real secure-aggregation nodes on loopback TCP for the network benchmarks, the sessions they run, and
 * their inputs, for round-vs-plaintext and for the member processes of aggregator-rss.
 */
import { createSecAggNode, type SecAggServices } from '../src/node/create-node.js'
import { sessionTopic } from '../src/node/constants.js'
import { defineSession, type SessionConfig } from '../src/node/session-config.js'
import { DEFAULT_ENCODING } from '../src/protocol/encoding/params.js'
import type { JoinedSession } from '../src/node/service.js'
import type { PrivateKey } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

export type BenchNode = Libp2p<SecAggServices>

// Minutes per phase: on two shared cores a deadline must never be what ends a measured round (the
// slowest phase seen, masked input at n = 100, took under a minute).
const GENEROUS = 120_000

/** A node on 127.0.0.1 only; `gatherDelay` is how long members of an open session wait for each other's presence before electing. */
export async function startNode (gatherDelay?: number, privateKey?: PrivateKey): Promise<BenchNode> {
  return createSecAggNode({
    ...(privateKey != null ? { privateKey } : {}),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    // Presence only when a member gets ready or gives up: repeating it is O(n^2) gossip that
    // would compete for the same two cores as the round being measured.
    secagg: { presenceInterval: 3_600_000, ...(gatherDelay !== undefined ? { gatherDelay } : {}) }
  })
}

/**
 * Connects node i to node i + s for each step s ([1 .. n/2] gives every pair, a few small steps a ring
 * for gossip), and waits until both ends of every connection know of it: a dial resolves before the
 * listener has registered the connection, and until then a stream from that side fails to dial (it
 * has neither the connection nor, before identify, the dialler's address).
 */
export async function connect (nodes: BenchNode[], steps: number[]): Promise<void> {
  // each pair once, or two nodes that dial each other at the same moment open two connections
  const pairs = new Map<string, [BenchNode, BenchNode]>()
  for (let i = 0; i < nodes.length; i++) {
    for (const step of steps) {
      const [a, b] = [i, (i + step) % nodes.length].sort((x, y) => x - y)
      if (a !== b) pairs.set(`${a}/${b}`, [nodes[a], nodes[b]])
    }
  }
  await Promise.all([...pairs.values()].map(async ([from, to]) => from.dial(to.getMultiaddrs()[0])))
  while ([...pairs.values()].some(([from, to]) => to.getConnections(from.peerId).length === 0)) await new Promise(resolve => setTimeout(resolve, 50))
}

/**
 * A session of n peers at this dimension, with the default 16-bit encoding for sums of up to
 * `maxParticipants` peers (which is also the session size the graph plans corrupt peers against), and
 * deadlines no benchmark round comes near. `members` lists them, or is 'open' where the benchmark
 * measures an open session.
 */
export function benchSession (name: string, n: number, dimension: number, maxParticipants: number, members: SessionConfig['members']): SessionConfig {
  return defineSession({
    members,
    name,
    dimension,
    encoding: { ...DEFAULT_ENCODING, maxParticipants },
    minParticipants: Math.max(3, n - Math.floor(n / 10)),
    phaseTimeouts: { 'advertise-keys': GENEROUS, 'share-keys': GENEROUS, 'masked-input': GENEROUS, 'consistency-check': GENEROUS, unmask: GENEROUS },
    announceTimeout: GENEROUS,
    maxAttempts: 1
  })
}

/**
 * Joins every node to the session and waits until each knows all the peers it is connected to are in
 * the topic too: presence is published once, on aggregate(), and gossipsub flood-publishes it to
 * exactly those peers, so none of it is lost to subscriptions still spreading.
 */
export async function joinSession (nodes: BenchNode[], config: SessionConfig, timeout = 120_000): Promise<JoinedSession[]> {
  const sessions = nodes.map(node => node.services.secagg.join(config))
  const topic = sessionTopic(sessions[0].id)
  const deadline = Date.now() + timeout
  while (nodes.some(node => node.services.pubsub.getSubscribers(topic).length < node.getPeers().length)) {
    if (Date.now() > deadline) throw new Error(`subscriptions to ${topic} did not spread within ${timeout} ms`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return sessions
}

/** A deterministic update of peer p, inside the default clip of 1. */
export function syntheticUpdate (p: number, dimension: number): Float32Array {
  const update = new Float32Array(dimension)
  for (let i = 0; i < dimension; i++) update[i] = Math.sin(p * 7919 + i) * 0.9
  return update
}
