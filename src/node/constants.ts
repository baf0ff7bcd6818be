/** Protocol ids and limits of the network layer, each with the reason for its value. */
import type { MessageType } from '../protocol/round/events.js'

/** Every protocol id starts with this; the version changes with any incompatible wire change. */
export const PROTOCOL_PREFIX = '/secagg/3.0.0'

/** The protocol id that carries one type of round message. */
export function protocolFor (type: MessageType): string {
  return `${PROTOCOL_PREFIX}/${type}`
}

/** Asks a peer for a session's latest result. */
export const FETCH_RESULT_PROTOCOL = `${PROTOCOL_PREFIX}/fetch-result`

/** The gossipsub topic of a session (by its hex id). */
export function sessionTopic (sessionIdHex: string): string {
  return `${PROTOCOL_PREFIX}/session/${sessionIdHex}`
}

/** The round messages that travel on a stream of their own, one message per stream. */
export const STREAM_TYPES: readonly MessageType[] = [
  'announcement', 'key-advertisement', 'roster', 'neighbour-keys', 'share-keys', 'share-delivery', 'share-check',
  'survivor-set', 'consistency-signature', 'consistency-proof', 'unmask-shares', 'result'
]

/** The Route frame that opens every stream is tiny; anything longer is not ours. */
export const MAX_ROUTE_FRAME = 128

/**
 * Streams a peer accepts at once per protocol and connection. One round sends each peer one stream
 * per message type, so a handful covers retries and overlapping attempts; more is a misbehaving peer
 * (the registrar's default is 32).
 */
export const MAX_INBOUND_STREAMS = 8

/**
 * Masked vectors the aggregator reads at once. Each unfinished upload holds a packed copy of its vector
 * (so a broken-off one can be taken back out of the sum), so this bounds the aggregator's memory at
 * about this many vectors whatever the number of peers; the other uploads wait for a slot, and their
 * senders for its go-ahead, holding nothing.
 */
export const DEFAULT_MAX_CONCURRENT_UPLOADS = 8

/**
 * Messages at least this long (results, which carry the packed sum) go out a few at a time: sent to
 * every participant at once, each would hold up to a yamux window of encrypted bytes in flight, and the
 * aggregator's memory would grow with the number of peers.
 */
export const BULK_MESSAGE_LENGTH = 256 * 1024

/**
 * The loss grace (SecureAggregationInit.lossGrace). A killed process's connections close at once and a
 * dial to it is refused at once; a live peer whose connection the connection manager cut, or a network
 * hiccup broke, is redialled well within three of these (on loopback a dial takes milliseconds).
 */
export const DEFAULT_LOSS_GRACE = 1_000

/** A dial or probe that decides whether a peer is gone (or a link to it dead) may take this many loss graces. */
export const PROBE_GRACES = 3

/** How often a member republishes its presence on the session topic. */
export const DEFAULT_PRESENCE_INTERVAL = 2_000

/** Addresses a member's presence may carry; more are ignored (a node rarely listens on more). */
export const MAX_PRESENCE_ADDRESSES = 16

/**
 * Bytes a frame reader lets pile up before pausing the stream. With yamux windows capped below the
 * stream's 4 MiB read buffer (see createSecAggNode), a paused stream can never overflow it.
 */
export const READ_HIGH_WATER_MARK = 1024 * 1024

/** yamux's per-stream receive window cap: below the 4 MiB read buffer a paused stream must hold. */
export const MAX_STREAM_WINDOW = 2 * 1024 * 1024
