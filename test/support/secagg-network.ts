/** Networks of real libp2p nodes running the secure-aggregation service, for tests. */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { memory } from '@libp2p/memory'
import { ping } from '@libp2p/ping'
import { createLibp2p } from 'libp2p'
import { createSecAggNode, type SecAggServices } from '../../src/node/create-node.js'
import { MAX_STREAM_WINDOW, sessionTopic } from '../../src/node/constants.js'
import { secureAggregation, type JoinedSession, type SecureAggregationInit } from '../../src/node/service.js'
import { defineSession, type SessionConfig } from '../../src/node/session-config.js'
import { WebRTC } from '@multiformats/multiaddr-matcher'
import type { Libp2p } from 'libp2p'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CryptoSuite } from '../../src/protocol/crypto/suite.js'

export type SecAggNode = Libp2p<SecAggServices>

let memoryCounter = 0

export interface NetworkOptions {
  /**
   * 'webrtc' is private-to-private WebRTC: the nodes cannot be dialled directly, only reached through
   * a reservation on `relay`, over which they set up direct WebRTC connections.
   */
  transport: 'tcp' | 'memory' | 'webrtc-direct' | 'webrtc'
  /** The circuit relay the 'webrtc' nodes reserve a slot on. */
  relay?: Multiaddr
  presenceInterval?: number
  gatherDelay?: number
  /**
   * 'mesh' connects every pair; 'ring' connects each node to a few others, enough for gossip: members
   * learn each other's addresses from their presence and dial directly when a round needs it.
   * 'star' connects every node to the first only, as nodes all given the first as bootstrap peer are.
   * Default: mesh up to 12 nodes.
   */
  topology?: 'mesh' | 'ring' | 'star'
  /** A crypto backend per node (by index), to observe or alter what a node does. */
  crypto?: (i: number) => CryptoSuite
}

/** n nodes on loopback TCP or the memory transport, all connected to each other. */
export async function startNetwork (n: number, options: NetworkOptions): Promise<SecAggNode[]> {
  const nodes: SecAggNode[] = []
  for (let i = 0; i < n; i++) {
    const secagg = {
      presenceInterval: options.presenceInterval ?? 250,
      clockSkew: 300,
      ...(options.gatherDelay != null ? { gatherDelay: options.gatherDelay } : {}),
      ...(options.crypto != null ? { crypto: options.crypto(i) } : {})
    }
    nodes.push(options.transport === 'memory'
      ? await memoryNode(secagg, n)
      : await createSecAggNode({ listen: LISTEN[options.transport], mdns: false, secagg, maxConnections: n + 100 }))
  }
  if (options.transport === 'webrtc') {
    if (options.relay === undefined) throw new Error('private-to-private WebRTC needs a relay')
    for (const node of nodes) await node.dial(options.relay)
  }
  const addresses = await Promise.all(nodes.map(async node => dialAddress(node, options.transport)))
  const topology = options.topology ?? (n <= 12 ? 'mesh' : 'ring')
  if (topology === 'star') {
    for (let i = 1; i < n; i++) await dial(nodes[i], addresses[0])
    return nodes
  }
  if (topology === 'mesh') {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) await dial(nodes[i], addresses[j])
    }
    return nodes
  }
  // A few dozen dials at a time: a thousand at once on two cores would time out in the handshakes.
  for (let first = 0; first < n; first += 32) {
    await Promise.all(nodes.slice(first, first + 32).map(async (node, k) => {
      for (const step of [1, 2, 5]) await dial(node, addresses[(first + k + step) % n])
    }))
  }
  return nodes
}

const LISTEN = {
  tcp: ['/ip4/127.0.0.1/tcp/0'],
  'webrtc-direct': ['/ip4/127.0.0.1/udp/0/webrtc-direct'],
  webrtc: ['/p2p-circuit', '/webrtc']
}

/**
 * Dials, trying again after a failure: a WebRTC dial on a busy machine now and then times out
 * negotiating ICE (node-datachannel under load in js-libp2p v3), and the round needs the connection, not
 * the first try. On a quiet machine a relayed WebRTC dial takes 0.1 to 1.1 s; with both cores busy
 * (the fast tier runs two test files at once) three tries of 5 s each were seen to fail, so each gets 15.
 */
async function dial (node: SecAggNode, address: Multiaddr, tries = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await node.dial(address, { signal: AbortSignal.timeout(15_000) })
      return
    } catch (err) {
      if (i === tries) throw err
    }
  }
}

/** The address others dial a node at; a WebRTC one appears once the node holds a relay reservation. */
async function dialAddress (node: SecAggNode, transport: NetworkOptions['transport']): Promise<Multiaddr> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const address = node.getMultiaddrs().find(ma => transport !== 'webrtc' || WebRTC.matches(ma))
    if (address !== undefined) return address
    if (Date.now() > deadline) throw new Error(`${node.peerId.toString()} has no ${transport} address`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

export async function stopNetwork (nodes: SecAggNode[]): Promise<void> {
  await Promise.all(nodes.map(async node => node.stop()))
}

/**
 * A node on the memory transport only, with the service added to a plain js-libp2p node the way an
 * application embeds it: hundreds fit in one process (createSecAggNode's WebRTC transports would not).
 */
async function memoryNode (secagg: SecureAggregationInit, n: number): Promise<SecAggNode> {
  return createLibp2p({
    addresses: { listen: [`/memory/secagg-${process.pid}-${memoryCounter++}`] },
    transports: [memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW } })],
    // As createSecAggNode: an aggregator takes a connection from every participant, many at once, and a
    // thousand nodes in one thread stall each other's event loops past a ping's timeout.
    connectionManager: { maxConnections: n + 100, maxIncomingPendingConnections: 1000 },
    connectionMonitor: { abortConnectionOnPingFailure: false },
    services: {
      identify: identify(),
      ping: ping(),
      // Every node's heartbeat takes CPU each interval; a thousand nodes sharing one thread at the default
      // second would leave little time for anything else.
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, heartbeatInterval: n > 300 ? 5000 : 1000 }),
      secagg: secureAggregation(secagg)
    }
  }) as Promise<SecAggNode>
}

/**
 * Joins every node to a session and waits until each has a gossip mesh on its topic, so that the
 * presence they publish next reaches everyone (in big networks presence is not repeated often).
 */
export async function joinAll (nodes: SecAggNode[], config: SessionConfig, timeout = 120_000): Promise<JoinedSession[]> {
  const sessions = nodes.map(node => node.services.secagg.join(config))
  const topic = sessionTopic(sessions[0].id)
  const deadline = Date.now() + timeout
  // getMeshPeers is on the implementation, not the GossipSub interface: forwarding goes only to mesh peers
  const meshless = (node: SecAggNode): boolean => (node.services.pubsub as unknown as { getMeshPeers: (topic: string) => string[] }).getMeshPeers(topic).length === 0
  while (nodes.some(meshless)) {
    if (Date.now() > deadline) throw new Error(`the gossip mesh on ${topic} did not form within ${timeout} ms`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  return sessions
}

/** A session sized for n peers, with deadlines short enough for tests. */
export function testSession (n: number, overrides: Partial<SessionConfig> = {}): SessionConfig {
  return defineSession({
    name: `test-${n}`,
    dimension: 64,
    encoding: { clip: 4, bits: 16, maxParticipants: n, maxWeight: 1 },
    minParticipants: Math.max(3, n - Math.floor(n / 10)),
    phaseTimeouts: { 'advertise-keys': 3000, 'share-keys': 3000, 'masked-input': 5000, 'consistency-check': 3000, unmask: 3000 },
    announceTimeout: 3000,
    members: 'open',
    ...overrides
  })
}

/** Stops a node the way a crash would: its connections drop first, so it says goodbye to no one. */
export async function crash (node: SecAggNode): Promise<void> {
  for (const connection of node.getConnections()) connection.abort(new Error('crashed'))
  await node.stop()
}
