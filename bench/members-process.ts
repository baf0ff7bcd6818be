/**
 * Members of one session in a process of their own, for the aggregator-rss benchmark: the aggregator
 * alone in one, so that the peak RSS it reports is the aggregator's, and the other members spread over
 * a few more. (A hundred nodes in one process block its event loop for seconds at a time, checking
 * each other's gossip and masking, and libp2p's connection monitor aborts the connection of any peer
 * that leaves a ping unanswered for 5 s.)
 * The nodes take part in one round, and report their peak RSS only once told the round is over
 * everywhere: sending the result to every member is part of the aggregator's work.
 */
import { on } from 'node:events'
import { readFileSync } from 'node:fs'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { connect, joinSession, startNode, syntheticUpdate, type BenchNode } from './secagg-nodes.js'
import type { SessionConfig } from '../src/node/session-config.js'

/** What the benchmark tells this process, in this order. */
export type ToMembers =
  | {
    type: 'start'
    /** One node per key (protobuf-encoded private keys). */
    keys: Uint8Array[]
    config: SessionConfig
    gatherDelay: number
    /** The synthetic update of node i is update number firstUpdate + i. */
    firstUpdate: number
    /** Addresses every node dials once started. */
    dial: string[]
  }
  | { type: 'join' }
  | { type: 'aggregate' }
  | { type: 'stop' }

/** What this process answers. */
export type FromMembers =
  | { type: 'listening', address: string }
  | { type: 'joined' }
  | { type: 'aggregated', results: Array<{ aggregator: string, survivors: number }> }
  | { type: 'failed', message: string }
  | { type: 'peak', rssBytes: number }

// Buffered, unlike once(): the next message may arrive while this process is still busy with the last.
const inbox = on(process, 'message')
// The benchmark is gone (killed, or failed without stopping us): there is no one left to report to.
process.once('disconnect', () => process.exit(1))

async function receive<T extends ToMembers['type']> (type: T): Promise<Extract<ToMembers, { type: T }>> {
  const { value: [message] } = await inbox.next() as { value: [ToMembers] }
  if (message.type !== type) throw new Error(`expected '${type}' from the benchmark, got '${message.type}'`)
  return message as Extract<ToMembers, { type: T }>
}

function send (message: FromMembers, sent: () => void = () => {}): void {
  process.send!(message, sent)
}

const { keys, config, gatherDelay, firstUpdate, dial } = await receive('start')
// Made before any node runs, for the same reason as the split into processes.
const updates = keys.map((_, i) => syntheticUpdate(firstUpdate + i, config.dimension))
const nodes: BenchNode[] = []
for (const key of keys) nodes.push(await startNode(gatherDelay, privateKeyFromProtobuf(key)))
// a ring among this process's nodes carries gossip, besides their connections to the dialled addresses
await connect(nodes, [1, 2])
await Promise.all(nodes.flatMap(node => dial.map(async address => node.dial(multiaddr(address)))))
send({ type: 'listening', address: nodes[0].getMultiaddrs()[0].toString() })
await receive('join')
const sessions = await joinSession(nodes, config)
send({ type: 'joined' })
await receive('aggregate')
Promise.all(sessions.map(async (session, i) => session.aggregate(updates[i]))).then(
  (results) => { send({ type: 'aggregated', results: results.map(r => ({ aggregator: r.aggregator, survivors: r.survivors.length })) }) },
  (err: Error) => { send({ type: 'failed', message: err.message }) }
)
await receive('stop')
await Promise.all(nodes.map(async node => node.stop()))
send({ type: 'peak', rssBytes: peakRss() }, () => process.exit(0))

/**
 * The high-water mark of this process's resident set. On Linux, VmHWM of its own memory map: ru_maxrss
 * would not do, since Linux carries it over from the parent across fork and exec, and the benchmark
 * process has been far bigger than any of its children by the time it starts them.
 */
function peakRss (): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find(l => l.startsWith('VmHWM:'))
    if (line !== undefined) return Number(line.split(/\s+/)[1]) * 1024
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024
}
