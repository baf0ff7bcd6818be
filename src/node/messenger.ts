/**
 * Carries round messages between peers: one stream per message, opened with a Route frame that names
 * the session, round and attempt, then the core's message bytes unchanged. Masked inputs stream their
 * chunks on one stream with backpressure, and the aggregator reads a bounded number of them at once.
 */
import { Queue } from '@libp2p/utils'
import delay from 'delay'
import { BULK_MESSAGE_LENGTH, DEFAULT_MAX_CONCURRENT_UPLOADS, FETCH_RESULT_PROTOCOL, MAX_INBOUND_STREAMS, MAX_ROUTE_FRAME, protocolFor, READ_HIGH_WATER_MARK, STREAM_TYPES } from './constants.js'
import { FrameReader, writeFrames } from './framing.js'
import { toHex } from '../protocol/crypto/bytes.js'
import { ResultRequest, ResultResponse, Route } from './pb/network.js'
import type { MessageType } from '../protocol/round/events.js'
import type { AbortOptions, Connection, Logger, PeerId, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'

/** A decoded Route frame. */
export interface RouteInfo {
  session: Uint8Array
  round: number
  attempt: number
}

/** Where an upload's chunks go, once the stream is admitted. */
export interface UploadSink {
  /** The largest chunk frame to accept. */
  maxFrameLength: number
  accept: (chunk: Uint8Array) => Promise<void>
  /** The stream broke off before its last chunk. */
  abandon: () => Promise<void>
  /** When the upload must be finished (Unix ms). */
  deadline: number
}

/** What the messenger asks of the sessions it serves. */
export interface MessageRouter {
  /** The largest message of this type the route's session accepts from this peer, or undefined to refuse the stream. */
  limit: (from: PeerId, route: RouteInfo, type: MessageType) => number | undefined
  deliver: (from: PeerId, route: RouteInfo, type: MessageType, bytes: Uint8Array) => Promise<void>
  /** A sink for a masked-input upload, or undefined to refuse it. */
  upload: (from: PeerId, route: RouteInfo) => UploadSink | undefined
  /** A session's signed result of a round (0: the latest) for a peer that asks, if it may have it. */
  result: (from: PeerId, session: Uint8Array, round: number) => Uint8Array | undefined
}

export interface MessengerComponents {
  registrar: Registrar
  dial: (peer: PeerId, protocol: string, options: AbortOptions) => Promise<Stream>
  log: Logger
}

/** Aborts the stream when the signal fires, so a deadline ends the exchange and not only the wait. */
function abortWith (stream: Stream, signal: AbortSignal | undefined): () => void {
  if (signal == null) return () => {}
  const onAbort = (): void => { stream.abort(signal.reason instanceof Error ? signal.reason : new Error('deadline passed')) }
  if (signal.aborted) onAbort()
  signal.addEventListener('abort', onAbort, { once: true })
  return () => { signal.removeEventListener('abort', onAbort) }
}

function encodeRoute (route: RouteInfo): Uint8Array {
  return Route.encode({ session: route.session as Uint8Array<ArrayBuffer>, round: BigInt(route.round), attempt: route.attempt })
}

function decodeRoute (frame: Uint8Array): RouteInfo {
  const route = Route.decode(frame)
  const round = Number(route.round)
  if (route.session.length !== 32 || !Number.isSafeInteger(round) || round < 1) throw new Error('malformed route')
  return { session: route.session, round, attempt: route.attempt }
}

const MASKED_INPUT_PROTOCOL = protocolFor('masked-input')

/**
 * Waits (ms) before each new try of a message that failed to go out: a peer that is down refuses at
 * once, so one costs four dials over about three seconds.
 */
const RESEND_WAITS = [250, 1000, 2000]

/** The aggregator's empty frame that admits an upload: only then does its sender stream its chunks. */
const GO_AHEAD = new Uint8Array(0)

export class Messenger {
  private readonly uploads: Queue<void>
  /** Long messages being sent, a few at a time (BULK_MESSAGE_LENGTH). */
  private readonly bulk: Queue<void>
  /**
   * The uploads being read or waiting for a read slot, by sender and route. A second one from the same
   * peer for the same attempt is refused: it could only be a copy, and each one holds a slot that the
   * other participants' uploads wait for until the phase's deadline.
   */
  private readonly uploading = new Set<string>()
  private started = false

  constructor (private readonly components: MessengerComponents, private readonly router: MessageRouter, maxConcurrentUploads = DEFAULT_MAX_CONCURRENT_UPLOADS) {
    this.uploads = new Queue({ concurrency: maxConcurrentUploads })
    this.bulk = new Queue({ concurrency: maxConcurrentUploads })
  }

  async start (): Promise<void> {
    if (this.started) return
    const { registrar } = this.components
    for (const type of STREAM_TYPES) {
      await registrar.handle(protocolFor(type), async (stream, connection) => { await this.onMessage(type, stream, connection) }, { maxInboundStreams: MAX_INBOUND_STREAMS })
    }
    await registrar.handle(MASKED_INPUT_PROTOCOL, async (stream, connection) => { await this.onUpload(stream, connection) }, { maxInboundStreams: MAX_INBOUND_STREAMS })
    await registrar.handle(FETCH_RESULT_PROTOCOL, async (stream, connection) => { await this.onFetchResult(stream, connection) }, { maxInboundStreams: MAX_INBOUND_STREAMS })
    this.started = true
  }

  async stop (): Promise<void> {
    if (!this.started) return
    const { registrar } = this.components
    for (const protocol of [...STREAM_TYPES.map(protocolFor), MASKED_INPUT_PROTOCOL, FETCH_RESULT_PROTOCOL]) await registrar.unhandle(protocol)
    this.uploads.abort()
    this.bulk.abort()
    this.started = false
  }

  /**
   * Sends one round message to a peer; long ones wait for one of a few sending slots. One that fails
   * is sent again after each of RESEND_WAITS, unless `options.signal` ends it first: a stream cut with
   * its connection (a dead link being replaced, a connection the manager pruned) must not cost the
   * sender its place in the round. A copy that arrives twice is ignored by the round core.
   */
  async send (peer: PeerId, route: RouteInfo, type: MessageType, bytes: Uint8Array, options: AbortOptions): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (bytes.byteLength < BULK_MESSAGE_LENGTH) await this.sendNow(peer, route, type, bytes, options)
        else await this.bulk.add(async () => { await this.sendNow(peer, route, type, bytes, options) }, options)
        return
      } catch (err) {
        if (attempt === RESEND_WAITS.length || options.signal?.aborted === true) throw err
        this.components.log('sending %s to %p failed, again in %d ms: %s', type, peer, RESEND_WAITS[attempt], (err as Error).message)
        await delay(RESEND_WAITS[attempt], { signal: options.signal })
      }
    }
  }

  private async sendNow (peer: PeerId, route: RouteInfo, type: MessageType, bytes: Uint8Array, options: AbortOptions): Promise<void> {
    const stream = await this.components.dial(peer, protocolFor(type), options)
    const release = abortWith(stream, options.signal)
    try {
      await writeFrames(stream, [encodeRoute(route), bytes], options)
      await stream.close(options)
    } catch (err: any) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    } finally {
      release()
    }
  }

  /** Streams a masked input's chunks to the aggregator, once it is admitted and as fast as it reads them. */
  async sendMaskedInput (peer: PeerId, route: RouteInfo, chunks: AsyncIterable<Uint8Array>, options: AbortOptions): Promise<void> {
    const stream = await this.components.dial(peer, MASKED_INPUT_PROTOCOL, options)
    const release = abortWith(stream, options.signal)
    try {
      const reader = new FrameReader(stream, { maxFrameLength: 0 })
      await writeFrames(stream, [encodeRoute(route)], options)
      // Nothing before the aggregator's go-ahead: whatever a waiting upload sent would sit in the
      // aggregator's memory until its turn (see onUpload).
      await reader.read()
      await writeFrames(stream, chunks, options)
      await stream.close(options)
    } catch (err: any) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    } finally {
      release()
    }
  }

  /** Asks a peer for a session's result of a round (0: its latest); undefined if it has none for us. */
  async fetchResult (peer: PeerId, session: Uint8Array, round: number, maxLength: number, options: AbortOptions): Promise<Uint8Array | undefined> {
    const stream = await this.components.dial(peer, FETCH_RESULT_PROTOCOL, options)
    const release = abortWith(stream, options.signal)
    try {
      const reader = new FrameReader(stream, { maxFrameLength: maxLength })
      await writeFrames(stream, [ResultRequest.encode({ session: session as Uint8Array<ArrayBuffer>, round: BigInt(round) })], options)
      await stream.close(options)
      const { result } = ResultResponse.decode(await reader.read())
      return result.length > 0 ? result : undefined
    } catch (err: any) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      throw err
    } finally {
      release()
    }
  }

  private async readRoute (stream: Stream, reader: FrameReader): Promise<RouteInfo | undefined> {
    try {
      return decodeRoute(await reader.read())
    } catch (err: any) {
      this.components.log('refused a stream without a valid route: %s', err.message)
      stream.abort(err)
      return undefined
    }
  }

  private async onMessage (type: MessageType, stream: Stream, connection: Connection): Promise<void> {
    const reader = new FrameReader(stream, { maxFrameLength: MAX_ROUTE_FRAME })
    const route = await this.readRoute(stream, reader)
    if (route === undefined) return
    const limit = this.router.limit(connection.remotePeer, route, type)
    if (limit === undefined) {
      stream.abort(new Error('no such session or round'))
      return
    }
    reader.maxFrameLength = limit
    let bytes: Uint8Array
    try {
      bytes = await reader.read()
      await stream.close()
    } catch (err: any) {
      this.components.log('dropped a %s message from %p: %s', type, connection.remotePeer, err.message)
      stream.abort(err)
      return
    }
    await this.router.deliver(connection.remotePeer, route, type, bytes)
  }

  private async onUpload (stream: Stream, connection: Connection): Promise<void> {
    const reader = new FrameReader(stream, { maxFrameLength: MAX_ROUTE_FRAME, highWaterMark: READ_HIGH_WATER_MARK })
    const route = await this.readRoute(stream, reader)
    if (route === undefined) return
    const key = `${connection.remotePeer.toString()}/${toHex(route.session)}/${route.round}/${route.attempt}`
    if (this.uploading.has(key)) {
      stream.abort(new Error('this peer is already uploading its masked input'))
      return
    }
    const sink = this.router.upload(connection.remotePeer, route)
    if (sink === undefined) {
      stream.abort(new Error('no masked input is due from this peer'))
      return
    }
    reader.maxFrameLength = sink.maxFrameLength
    // Uploads beyond the concurrency limit wait here for a slot. Their senders send no chunk before the
    // go-ahead, as a paused stream would still hold the first yamux window of each (256 KiB or more, so
    // the memory would grow with the number of peers); the pause stops any that do not wait.
    if (stream.readStatus === 'readable') stream.pause()
    const signal = AbortSignal.timeout(Math.max(0, sink.deadline - Date.now()))
    const release = abortWith(stream, signal)
    this.uploading.add(key)
    try {
      await this.uploads.add(async () => {
        await writeFrames(stream, [GO_AHEAD], { signal })
        if (stream.readStatus === 'paused') stream.resume()
        for await (const chunk of reader) await sink.accept(chunk)
        // The sender has closed its side, and the vector is in: closing ours ends the stream (the
        // connection would keep it otherwise), and a failure to is no reason to take the vector out.
        await stream.close({ signal }).catch(() => {})
      }, { signal })
    } catch (err: any) {
      this.components.log('masked input from %p broke off: %s', connection.remotePeer, err.message)
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      await sink.abandon()
    } finally {
      this.uploading.delete(key)
      release()
    }
  }

  private async onFetchResult (stream: Stream, connection: Connection): Promise<void> {
    const reader = new FrameReader(stream, { maxFrameLength: MAX_ROUTE_FRAME })
    try {
      const { session, round } = ResultRequest.decode(await reader.read())
      // A round past 2^53 names nothing kept: answer as for an unknown round.
      const asked = round <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(round) : -1
      const result = (asked < 0 ? undefined : this.router.result(connection.remotePeer, session, asked)) ?? new Uint8Array(0)
      await writeFrames(stream, [ResultResponse.encode({ result: result as Uint8Array<ArrayBuffer> })])
      await stream.close()
    } catch (err: any) {
      stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }
}
