/** Networks of real libp2p nodes running the secure-aggregation service, for tests. */
import { createSecAggNode, type SecAggServices } from '../../src/node/create-node.js'
import { defineSession, type SessionConfig } from '../../src/node/session-config.js'
import type { Libp2p } from 'libp2p'
import type { CryptoSuite } from '../../src/protocol/crypto/suite.js'

export type SecAggNode = Libp2p<SecAggServices>

let memoryCounter = 0

export interface NetworkOptions {
  transport: 'tcp' | 'memory'
  presenceInterval?: number
  /** A crypto backend per node (by index), to observe or alter what a node does. */
  crypto?: (i: number) => CryptoSuite
}

/** n nodes on loopback TCP or the memory transport, all connected to each other. */
export async function startNetwork (n: number, options: NetworkOptions): Promise<SecAggNode[]> {
  const nodes: SecAggNode[] = []
  for (let i = 0; i < n; i++) {
    nodes.push(await createSecAggNode({
      listen: [options.transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : `/memory/secagg-${process.pid}-${memoryCounter++}`],
      mdns: false,
      secagg: { presenceInterval: options.presenceInterval ?? 250, clockSkew: 300, ...(options.crypto != null ? { crypto: options.crypto(i) } : {}) }
    }))
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) await nodes[i].dial(nodes[j].getMultiaddrs()[0])
  }
  return nodes
}

export async function stopNetwork (nodes: SecAggNode[]): Promise<void> {
  await Promise.all(nodes.map(async node => node.stop()))
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
    ...overrides
  })
}

/** Stops a node the way a crash would: its connections drop first, so it says goodbye to no one. */
export async function crash (node: SecAggNode): Promise<void> {
  for (const connection of node.getConnections()) connection.abort(new Error('crashed'))
  await node.stop()
}
