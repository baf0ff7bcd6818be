/**
 * Secure aggregation in a js-libp2p node you build yourself: `secureAggregation()` added to its
 * services beside gossipsub, a closed session every peer defines the same way, and `aggregate()` each
 * round with a weight, progress events and the typed errors. Four nodes in one process stand in for
 * four machines. Run it with `npm run example:embed`.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { fileURLToPath } from 'node:url'
import {
  InvalidUpdateError, MAX_STREAM_WINDOW, RoundFailedError, UpdatePendingError, defineSession, fastMessageId, secureAggregation,
  type AggregateResult, type JoinedSession, type SessionConfig
} from 'libp2p-secagg'

/** Your node, as you build it, with the secure-aggregation service added. */
export async function createNode () {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    // A masked vector streams with backpressure: keep yamux's window below the stream's read buffer.
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW } })],
    // A peer masking a large vector can stall for seconds; a missed ping must not cut its upload off.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    services: {
      identify: identify(),
      // presence and announcements travel on the session's topic; fastMessageId spares checking the
      // signature of every copy of a message again (with many peers, a large share of a node's CPU)
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, fastMsgIdFn: fastMessageId }),
      secagg: secureAggregation()
    }
  })
}

/**
 * The session: every peer must define exactly the same one (its id is a hash of it), so in practice it
 * is a file every peer loads (`secagg session create` writes one; `parseSessionConfig` checks it).
 */
export function exampleSession (members: string[], dimension: number): SessionConfig {
  return defineSession({
    name: 'embed-example',
    dimension,
    // Updates are clipped to [-1, 1] and summed as 16-bit fixed point; weights are sample counts up to 10,000.
    encoding: { clip: 1, bits: 16, maxParticipants: members.length, maxWeight: 10_000 },
    // A round goes ahead with one member missing.
    minParticipants: members.length - 1,
    members
  })
}

/**
 * One round at one peer. What to do about each error is the point here: an update that is in no sum
 * can go into the next round; one whose shares were revealed in a failed attempt must not.
 */
export async function aggregateRound (session: JoinedSession, update: Float32Array, samples: number): Promise<AggregateResult | undefined> {
  try {
    return await session.aggregate(update, { weight: samples, signal: AbortSignal.timeout(120_000) })
  } catch (err) {
    // A bug on this side (wrong length, NaN, a weight out of range): fix the update, never retry as is.
    if (err instanceof InvalidUpdateError) throw err
    // This peer's previous update still waits for its round: await that call first.
    if (err instanceof UpdatePendingError) throw err
    if (err instanceof RoundFailedError) {
      // Too few peers, or every aggregator failed ('max-attempts'), or the signal fired ('left'). The
      // update is in no sum: train on and send the next one. If shares were revealed, never resend this one.
      console.error(`round ${err.round} failed (${err.failure}, ${err.lastReason ?? 'no reason'})${err.sharesRevealed ? ': do not resend this update' : ''}`)
      return undefined
    }
    throw err
  }
}

/** Runs `rounds` rounds among `peers` nodes; returns each round's results, one per peer. */
export async function runExample (peers = 4, rounds = 2, dimension = 1000, log: (line: string) => void = console.log): Promise<Array<{ updates: Float32Array[], samples: number[], results: Array<AggregateResult | undefined> }>> {
  const nodes = await Promise.all(Array.from({ length: peers }, createNode))
  try {
    // Real peers would find each other through bootstrap lists or mDNS; here each dials the others.
    for (const [i, node] of nodes.entries()) {
      for (const other of nodes.slice(i + 1)) await node.dial(other.getMultiaddrs()[0])
    }
    const config = exampleSession(nodes.map(node => node.peerId.toString()), dimension)
    const sessions = nodes.map(node => node.services.secagg.join(config))
    nodes[0].services.secagg.addEventListener('progress', ({ detail }) => {
      log(`round ${detail.round} attempt ${detail.attempt}: ${detail.phase} (this peer is ${detail.role === 'aggregator' ? 'the aggregator' : 'a participant'})`)
    })
    const done = []
    for (let round = 1; round <= rounds; round++) {
      const updates = nodes.map((_, i) => Float32Array.from({ length: dimension }, (_, j) => Math.sin(round * 31 + i * 7 + j) / 2))
      const samples = nodes.map((_, i) => 100 * (i + 1))
      const results = await Promise.all(sessions.map(async (session, i) => aggregateRound(session, updates[i], samples[i])))
      const result = results.find(r => r !== undefined)
      if (result !== undefined) log(`round ${result.round}: ${result.survivors.length} survivors, total weight ${result.weightSum}, mean[0] = ${result.mean[0].toFixed(5)}`)
      done.push({ updates, samples, results })
    }
    return done
  } finally {
    await Promise.all(nodes.map(async node => node.stop()))
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runExample()
