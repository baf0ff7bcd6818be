import { afterEach, describe, expect, it } from 'vitest'
import { FrameReader, writeFrames } from '../../src/node/framing.js'
import { testNode } from '../support/libp2p-nodes.js'
import type { Libp2p } from 'libp2p'

const PROTOCOL = '/secagg-test/frames/1.0.0'
let nodes: Libp2p[] = []
afterEach(async () => {
  await Promise.all(nodes.map(async n => n.stop()))
  nodes = []
})

/** What reading one frame on the next inbound stream of `node` gives: 'read', or the error. */
async function firstFrameOutcome (node: Libp2p, maxFrameLength: number): Promise<unknown> {
  return new Promise<unknown>((resolve) => {
    void node.handle(PROTOCOL, async (stream) => {
      try {
        await new FrameReader(stream, { maxFrameLength }).read()
        resolve('read')
      } catch (err) { resolve(err) }
    })
  })
}

describe.each(['tcp', 'memory'] as const)('length-prefixed frames over %s', (transport) => {
  it('carry 32 MiB in order while a slow reader keeps what is buffered bounded', async () => {
    const [a, b] = nodes = [await testNode(transport), await testNode(transport)]
    const frameSize = 64 * 1024
    const count = 512
    let peakBuffered = 0
    const received: number[] = []
    const done = new Promise<void>((resolve, reject) => {
      void b.handle(PROTOCOL, async (stream) => {
        try {
          const reader = new FrameReader(stream, { maxFrameLength: frameSize, highWaterMark: 1024 * 1024 })
          for await (const frame of reader) {
            received.push(frame[0] | (frame[1] << 8))
            peakBuffered = Math.max(peakBuffered, stream.readBufferLength + (reader as any).buffer.byteLength)
            if (received.length % 32 === 0) await new Promise(resolve => setTimeout(resolve, 5))
          }
          resolve()
        } catch (err) { reject(err) }
      })
    })
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], PROTOCOL)
    let peakWrite = 0
    await writeFrames(stream, (function * () {
      for (let i = 0; i < count; i++) {
        peakWrite = Math.max(peakWrite, stream.writeBufferLength)
        const frame = new Uint8Array(frameSize)
        frame[0] = i & 0xff
        frame[1] = i >> 8
        yield frame
      }
    })())
    await stream.close()
    await done
    expect(received).toEqual(Array.from({ length: count }, (_, i) => i))
    // without backpressure the whole 32 MiB would pile up on one side or the other
    expect(peakBuffered).toBeLessThan(8 * 1024 * 1024)
    expect(peakWrite).toBeLessThan(8 * 1024 * 1024)
  })

  it('carries a frame several times the reader\'s high-water mark while the sender keeps the stream open', async () => {
    const [a, b] = nodes = [await testNode(transport), await testNode(transport)]
    const size = 9 * 1024 * 1024
    const received = new Promise<Uint8Array>((resolve, reject) => {
      void b.handle(PROTOCOL, async (stream) => {
        try {
          resolve(await new FrameReader(stream, { maxFrameLength: size, highWaterMark: 1024 * 1024 }).read())
        } catch (err) { reject(err) }
      })
    })
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], PROTOCOL)
    const frame = Uint8Array.from({ length: size }, (_, i) => i % 251)
    await writeFrames(stream, [frame])
    // the stream stays open until the frame is in: a reader that paused for good would never get it
    const got = await received
    await stream.close()
    expect(got.length).toBe(size)
    expect(got.every((v, i) => v === i % 251)).toBe(true)
  })

  it('refuses a frame longer than the reader allows, and resets the stream', async () => {
    const [a, b] = nodes = [await testNode(transport), await testNode(transport)]
    const outcome = firstFrameOutcome(b, 1000)
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], PROTOCOL)
    await writeFrames(stream, [new Uint8Array(5000)]).catch(() => {})
    expect(await outcome).toMatchObject({ name: 'InvalidFrameError' })
  })

  it('reports a stream that ends in the middle of a frame', async () => {
    const [a, b] = nodes = [await testNode(transport), await testNode(transport)]
    const outcome = firstFrameOutcome(b, 1000)
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], PROTOCOL)
    stream.send(new Uint8Array([100, 1, 2, 3]))
    await stream.close()
    expect(await outcome).toMatchObject({ name: 'StreamEndedError' })
  })
})
