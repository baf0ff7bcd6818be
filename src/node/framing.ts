/**
 * Length-prefixed frames (an unsigned varint length, then the bytes) over a js-libp2p v3 stream, with
 * backpressure both ways, which js-libp2p v3's stock length-prefixed helpers lack:
 * - writing waits for the 'drain' event whenever send() says the buffer is full (not onDrain(), which
 *   only works once per stream);
 * - reading pauses the stream while unconsumed frames pile up, so yamux stops granting window and the
 *   sender waits, instead of the whole vector landing in memory.
 */
import { encode as encodeVarint } from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import type { AbortOptions, Stream } from '@libp2p/interface'

/** A frame larger than the reader allows, or a length prefix that is not a varint. */
export class InvalidFrameError extends Error {
  static override name = 'InvalidFrameError'
  override name = InvalidFrameError.name
}

/** The stream closed or was reset before a whole frame arrived. */
export class StreamEndedError extends Error {
  static override name = 'StreamEndedError'
  override name = StreamEndedError.name
}

// A length prefix for frames up to 2^35 bytes fits in five varint bytes.
const MAX_PREFIX = 5

/** Resolves when the stream can take more data, rejects if it closes or the signal fires first. */
async function drained (stream: Stream, options: AbortOptions): Promise<void> {
  if (!stream.writableNeedsDrain) return
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      options.signal?.removeEventListener('abort', onAbort)
    }
    const onDrain = (): void => { cleanup(); resolve() }
    const onClose = (): void => { cleanup(); reject(new StreamEndedError('the stream closed while waiting to send')) }
    const onAbort = (): void => { cleanup(); reject(options.signal?.reason) }
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    options.signal?.addEventListener('abort', onAbort)
  })
}

/** Writes each frame, waiting for the stream to drain whenever its buffer is full. */
export async function writeFrames (stream: Stream, frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: AbortOptions = {}): Promise<void> {
  for await (const frame of frames) {
    options.signal?.throwIfAborted()
    if (!stream.send(new Uint8ArrayList(encodeVarint(frame.byteLength), frame))) await drained(stream, options)
  }
}

export interface FrameReaderOptions {
  /** The largest frame accepted; a longer one is an InvalidFrameError. */
  maxFrameLength: number
  /** Pause the stream once this many bytes are received but not yet read. */
  highWaterMark?: number
}

/**
 * Reads frames from a stream, one at a time, as an async iterator. It ends when the remote closes its
 * side at a frame boundary, and throws StreamEndedError if the stream ends mid-frame or is reset.
 */
export class FrameReader implements AsyncIterableIterator<Uint8Array> {
  private readonly buffer = new Uint8ArrayList()
  private ended = false
  private failure: Error | undefined
  private wake: (() => void) | undefined
  /** The largest frame accepted, checked as each frame is read: raise it once a first frame says what follows. */
  maxFrameLength: number
  private readonly highWaterMark: number

  constructor (private readonly stream: Stream, options: FrameReaderOptions) {
    this.maxFrameLength = options.maxFrameLength
    this.highWaterMark = options.highWaterMark ?? 1024 * 1024
    stream.addEventListener('message', (event) => { this.received(event.data) })
    // 'end' comes once the remote has closed its side and every byte has been dispatched to us
    stream.addEventListener('end', () => { this.finish() })
    stream.addEventListener('close', (event) => {
      this.finish(event.error != null ? new StreamEndedError(`the stream was reset: ${event.error.message}`) : undefined)
    })
    if (stream.readStatus === 'closed' && stream.readBufferLength === 0) this.ended = true
  }

  [Symbol.asyncIterator] (): AsyncIterableIterator<Uint8Array> {
    return this
  }

  async next (): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      const frame = this.take()
      if (frame !== undefined) {
        if (this.buffer.byteLength < this.highWaterMark / 2 && this.stream.readStatus === 'paused') this.stream.resume()
        return { done: false, value: frame }
      }
      if (this.failure !== undefined) throw this.failure
      if (this.ended) {
        if (this.buffer.byteLength > 0) throw new StreamEndedError('the stream ended in the middle of a frame')
        return { done: true, value: undefined }
      }
      if (this.stream.readStatus === 'paused') this.stream.resume()
      await new Promise<void>(resolve => { this.wake = resolve })
    }
  }

  /** Reads exactly one frame; throws StreamEndedError if the stream ends first. */
  async read (): Promise<Uint8Array> {
    const { done, value } = await this.next()
    if (done === true) throw new StreamEndedError('the stream ended before a frame arrived')
    return value
  }

  private received (data: Uint8Array | Uint8ArrayList): void {
    if (this.failure !== undefined) return
    this.buffer.append(data)
    // Paused on the next microtask, not here: a 'message' dispatched by resume() arrives before resume()
    // tells yamux to reopen the window, which would undo a pause made now and let the buffer overflow.
    if (this.buffer.byteLength > this.highWaterMark) queueMicrotask(() => { this.pauseIfFull() })
    this.notify()
  }

  private pauseIfFull (): void {
    // A reader waiting has no whole frame to take: the frame it waits for is longer than the high-water
    // mark, and pausing now would stop the very bytes that complete it (maxFrameLength bounds it).
    if (this.wake !== undefined) return
    if (this.buffer.byteLength > this.highWaterMark && this.stream.readStatus === 'readable') this.stream.pause()
  }

  /** The next complete frame in the buffer, if there is one; a frame over the limit fails the stream. */
  private take (): Uint8Array | undefined {
    if (this.failure !== undefined) return undefined
    let length = 0
    let prefix = 0
    for (;;) {
      if (prefix >= this.buffer.byteLength) return undefined
      if (prefix === MAX_PREFIX) return this.fail(new InvalidFrameError('frame length prefix is not a valid varint'))
      const byte = this.buffer.get(prefix)
      length += (byte & 0x7f) * 2 ** (7 * prefix)
      prefix++
      if ((byte & 0x80) === 0) break
    }
    if (length > this.maxFrameLength) return this.fail(new InvalidFrameError(`frame of ${length} bytes exceeds the limit of ${this.maxFrameLength}`))
    if (this.buffer.byteLength < prefix + length) return undefined
    const frame = this.buffer.subarray(prefix, prefix + length)
    this.buffer.consume(prefix + length)
    return frame
  }

  private fail (error: Error): undefined {
    this.failure = error
    this.stream.abort(error)
    return undefined
  }

  private finish (failure?: Error): void {
    this.ended = true
    this.failure ??= failure
    this.notify()
  }

  private notify (): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
