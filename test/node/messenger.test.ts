/**
 * The messenger sends a round message again when a try fails (a stream cut with its connection must not
 * cost the sender its place in the round), a bounded number of times, and never past its scope's end.
 */
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { streamPair } from '@libp2p/utils'
import { FrameReader } from '../../src/node/framing.js'
import { Messenger, type MessageRouter } from '../../src/node/messenger.js'
import { Route } from '../../src/node/pb/network.js'
import type { Logger, Stream } from '@libp2p/interface'

const quiet = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as unknown as Logger

const route = { session: new Uint8Array(32).fill(1), round: 3, attempt: 0 }
const message = new Uint8Array([1, 2, 3, 4])

/** A messenger whose dials fail `failures` times with a cut connection, then give `stream`. */
function messengerFailing (failures: number, stream?: Stream): { messenger: Messenger, dials: () => number } {
  let dials = 0
  const messenger = new Messenger({
    registrar: {} as any,
    log: quiet,
    dial: async () => {
      if (++dials <= failures || stream === undefined) throw new Error('stream reset: the connection closed')
      return stream
    }
  }, {} as MessageRouter)
  return { messenger, dials: () => dials }
}

describe('the messenger', () => {
  it('sends a message again after a failed try, and it arrives once, whole', async () => {
    const [outbound, inbound] = await streamPair()
    const { messenger, dials } = messengerFailing(2, outbound)
    await messenger.send(peerIdFromPrivateKey(await generateKeyPair('Ed25519')), route, 'key-advertisement', message, { signal: AbortSignal.timeout(10_000) })
    expect(dials()).toBe(3)
    const reader = new FrameReader(inbound, { maxFrameLength: 1024 })
    const sent = Route.decode(await reader.read())
    expect([Number(sent.round), sent.attempt, Array.from(sent.session)]).toEqual([3, 0, Array.from(route.session)])
    expect(Array.from(await reader.read())).toEqual(Array.from(message))
  })

  it('gives up after its last try, with the error of that try', async () => {
    const { messenger, dials } = messengerFailing(Infinity)
    const started = Date.now()
    await expect(messenger.send(peerIdFromPrivateKey(await generateKeyPair('Ed25519')), route, 'key-advertisement', message, {})).rejects.toThrow(/connection closed/)
    // four tries, 0.25 + 1 + 2 s apart
    expect(dials()).toBe(4)
    expect(Date.now() - started).toBeGreaterThanOrEqual(3200)
  })

  it('stops trying when the attempt it belongs to ends', async () => {
    const { messenger, dials } = messengerFailing(Infinity)
    const scope = new AbortController()
    const sending = messenger.send(peerIdFromPrivateKey(await generateKeyPair('Ed25519')), route, 'key-advertisement', message, { signal: scope.signal })
    await new Promise(resolve => setTimeout(resolve, 100))
    scope.abort(new Error('the attempt ended'))
    await expect(sending).rejects.toThrow(/the attempt ended/)
    expect(dials()).toBe(1)
  })
})
