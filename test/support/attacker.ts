/**
 * A misbehaving peer for network tests: a real libp2p node that speaks the secure-aggregation
 * protocols at the wire level (raw frames, lying length prefixes, streams it never finishes, routes and
 * messages it makes up or replays) instead of running the honest state machines.
 */
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { encode as encodeVarint } from 'uint8-varint'
import { createSecAggNode } from '../../src/node/create-node.js'
import { FETCH_RESULT_PROTOCOL, protocolFor, sessionTopic, STREAM_TYPES } from '../../src/node/constants.js'
import { writeFrames } from '../../src/node/framing.js'
import { Notice, Route } from '../../src/node/pb/network.js'
import { packedLength } from '../../src/protocol/encoding/bit-pack.js'
import { Announcement, MaskedInputChunk, Signed } from '../../src/protocol/pb/messages.js'
import type { Session } from '../../src/node/session-config.js'
import type { SecAggNode } from './secagg-network.js'
import type { Libp2p, PeerId, PrivateKey, Stream } from '@libp2p/interface'

export const MASKED_INPUT_PROTOCOL = protocolFor('masked-input')

/** Every protocol id the service handles. */
export const ALL_PROTOCOLS = [...STREAM_TYPES.map(protocolFor), MASKED_INPUT_PROTOCOL, FETCH_RESULT_PROTOCOL]

/** An outsider: a complete secure-aggregation node with a key the test holds, connected to every given node. */
export async function attackerNode (connectTo: SecAggNode[]): Promise<{ node: SecAggNode, privateKey: PrivateKey }> {
  const privateKey = await generateKeyPair('Ed25519')
  const node = await createSecAggNode({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, secagg: { presenceInterval: 250, clockSkew: 300 } })
  for (const other of connectTo) await node.dial(other.getMultiaddrs()[0])
  return { node, privateKey }
}

/** The Route frame that opens every stream, for any session, round and attempt. */
export function routeFrame (session: Uint8Array, round: number, attempt: number): Uint8Array {
  return Route.encode({ session: session as Uint8Array<ArrayBuffer>, round: BigInt(round), attempt })
}

async function open (attacker: Libp2p, target: PeerId, protocol: string): Promise<Stream> {
  return attacker.dialProtocol(target, protocol, { signal: AbortSignal.timeout(5_000) })
}

/**
 * Opens a stream, writes each frame length-prefixed, then `raw` as it is (to lie in a prefix, say), and
 * closes it. Never throws: resolves 'closed' when the whole write went through, else the error's name.
 */
export async function sendRaw (attacker: Libp2p, target: PeerId, protocol: string, frames: Uint8Array[], raw?: Uint8Array): Promise<string> {
  let stream: Stream
  try {
    stream = await open(attacker, target, protocol)
  } catch (err: any) {
    return err.name
  }
  try {
    await writeFrames(stream, frames, { signal: AbortSignal.timeout(5_000) })
    if (raw !== undefined) stream.send(raw)
    await stream.close({ signal: AbortSignal.timeout(5_000) })
    return 'closed'
  } catch (err: any) {
    stream.abort(err)
    return err.name
  }
}

/** A length prefix announcing `length` bytes, followed by only a few of them. */
export function lyingPrefix (length: number): Uint8Array {
  return Uint8Array.from([...encodeVarint(length), 1, 2, 3])
}

/**
 * Garbage of every kind on every protocol, each on a stream of its own: a random frame, random bytes,
 * a length prefix of 16 GiB, and after a valid `route` a prefix of 2 GiB or a random message.
 */
export async function garbage (attacker: Libp2p, target: PeerId, route: Uint8Array): Promise<void> {
  await Promise.all(ALL_PROTOCOLS.flatMap(protocol => [
    sendRaw(attacker, target, protocol, [randomBytes(1 + Math.floor(Math.random() * 200))]),
    sendRaw(attacker, target, protocol, [], randomBytes(64)),
    sendRaw(attacker, target, protocol, [], lyingPrefix(2 ** 34)),
    sendRaw(attacker, target, protocol, [route], lyingPrefix(2 ** 31)),
    sendRaw(attacker, target, protocol, [route, randomBytes(1 + Math.floor(Math.random() * 500))])
  ]))
}

/** A slowloris: opens a stream, writes `frames` (maybe none), then never sends another byte nor closes. */
export async function holdOpen (attacker: Libp2p, target: PeerId, protocol: string, frames: Uint8Array[] = []): Promise<Stream | undefined> {
  try {
    const stream = await open(attacker, target, protocol)
    await writeFrames(stream, frames)
    return stream
  } catch {
    return undefined
  }
}

/** Publishes a notice (well formed or not) on a session's topic from the attacker's own gossipsub, signed by it. */
export async function publishNotice (attacker: SecAggNode, session: Session, notice: Omit<Notice, 'announcement'> & { announcement?: Uint8Array }): Promise<void> {
  await attacker.services.pubsub.publish(sessionTopic(session.idHex), Notice.encode(notice as Notice)).catch(() => {})
}

/** An announcement that names `aggregator` for an attempt, with a signature nobody made. */
export function forgedAnnouncement (session: Session, round: number, attempt: number, aggregator: Uint8Array, beacon: Uint8Array): Uint8Array {
  const now = Date.now()
  const body = Announcement.encode({
    ref: { session: session.id as Uint8Array<ArrayBuffer>, round: BigInt(round), attempt },
    aggregator: aggregator as Uint8Array<ArrayBuffer>,
    beacon: beacon as Uint8Array<ArrayBuffer>,
    deadlines: [1, 2, 3, 4, 5].map(i => BigInt(now + i * 1000))
  })
  return Signed.encode({ body, signature: new Uint8Array(64).fill(7) })
}

/** A whole masked vector in one chunk, every coordinate at its largest value: it would wreck any sum it got into. */
export function hostileMaskedInput (session: Session, round: number, attempt: number): Uint8Array {
  const count = session.params.dimension + 1
  return MaskedInputChunk.encode({
    ref: { session: session.id as Uint8Array<ArrayBuffer>, round: BigInt(round), attempt },
    offset: 0,
    count,
    data: new Uint8Array(packedLength(count, session.params.encoding.modulusBits)).fill(0xff)
  })
}
