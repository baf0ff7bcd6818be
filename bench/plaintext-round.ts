/**
 * The floor of a secure round: a round of plain federated averaging over the same libp2p nodes and the
 * same star. Every peer streams its raw float32 vector to the aggregator, which adds each frame into a
 * Float64Array as it arrives and, once every vector is in, sends each peer the sum.
 */
import { FrameReader, writeFrames } from '../src/node/framing.js'
import type { BenchNode } from './secagg-nodes.js'

const PROTOCOL = '/secagg-bench/plaintext/1.0.0'

// 256 KiB frames: large enough that framing costs nothing, small enough to sum while the rest streams in.
const FRAME_FLOATS = 65536

/**
 * Milliseconds for every node but the aggregator (by index) to send it their update and get the sum
 * back; also the sum, which includes the aggregator's own update as a secure round's does.
 */
export async function plaintextRound (nodes: BenchNode[], a: number, updates: Float32Array[]): Promise<{ ms: number, sum: Float64Array }> {
  const aggregator = nodes[a]
  const peers = nodes.filter((_, i) => i !== a)
  const dimension = updates[0].length
  const sum = Float64Array.from(updates[a])
  // Summed in float64 for exactness, but sent back as float32, the form the updates came in: the
  // cheaper the floor, the stricter the ratio against it.
  let sendSum!: (bytes: Uint8Array) => void
  const sumBytes = new Promise<Uint8Array>(resolve => { sendSum = resolve })
  let pending = peers.length
  await aggregator.handle(PROTOCOL, async (stream) => {
    try {
      let offset = 0
      for await (const frame of new FrameReader(stream, { maxFrameLength: FRAME_FLOATS * 4 })) {
        const floats = asFloats(frame)
        for (let i = 0; i < floats.length; i++) sum[offset + i] += floats[i]
        offset += floats.length
      }
      if (offset !== dimension) throw new Error(`a plaintext vector had ${offset} of ${dimension} values`)
      if (--pending === 0) sendSum(new Uint8Array(new Float32Array(sum).buffer))
      await writeFrames(stream, frames(await sumBytes))
      await stream.close()
    } catch (err: any) {
      // the peer's read fails with this reset, and with it the round
      stream.abort(err)
    }
  })
  try {
    const started = performance.now()
    await Promise.all(peers.map(async (peer) => {
      const update = updates[nodes.indexOf(peer)]
      const stream = await peer.dialProtocol(aggregator.peerId, PROTOCOL)
      const reader = new FrameReader(stream, { maxFrameLength: FRAME_FLOATS * 4 })
      await writeFrames(stream, frames(new Uint8Array(update.buffer, update.byteOffset, update.byteLength)))
      await stream.close()
      const received = new Float32Array(dimension)
      let offset = 0
      for await (const frame of reader) {
        received.set(asFloats(frame), offset)
        offset += frame.byteLength / 4
      }
      if (offset !== dimension) throw new Error(`a peer got ${offset} of ${dimension} values of the sum`)
    }))
    return { ms: performance.now() - started, sum }
  } finally {
    await aggregator.unhandle(PROTOCOL)
  }
}

function * frames (bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += FRAME_FLOATS * 4) yield bytes.subarray(at, at + FRAME_FLOATS * 4)
}

/** A frame's float32 values; frames the reader cut out of a larger chunk may sit at any byte offset. */
function asFloats (frame: Uint8Array): Float32Array {
  // a copy, and not frame.slice(): frames are often Buffers, whose slice() is a view at the same offset
  const aligned = frame.byteOffset % 4 === 0 ? frame : new Uint8Array(frame)
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4)
}
