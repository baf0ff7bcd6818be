/**
 * The fast message id that lets gossipsub drop a copy it has already seen before checking its signature
 * again: it must tell messages apart exactly as their StrictSign id (sender and sequence number) does.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fastMessageId } from '../../src/node/message-id.js'

const message = (from: Uint8Array | undefined, seqno: Uint8Array | undefined, data = randomBytes(8)): Parameters<typeof fastMessageId>[0] =>
  ({ topic: 't', data, ...(from === undefined ? {} : { from }), ...(seqno === undefined ? {} : { seqno }) })

describe('the fast message id', () => {
  it('is the same for every copy of a message and differs between senders and sequence numbers', () => {
    const from = randomBytes(38)
    const seqno = randomBytes(8)
    const id = fastMessageId(message(from, seqno))
    expect(fastMessageId(message(Uint8Array.from(from), Uint8Array.from(seqno)))).toBe(id)
    const others = new Set([id])
    for (let i = 0; i < 200; i++) others.add(fastMessageId(message(i % 2 === 0 ? randomBytes(38) : from, randomBytes(8))))
    expect(others.size).toBe(201)
    // the boundary between sender and sequence number is part of the id
    expect(fastMessageId(message(Uint8Array.of(1, 2), Uint8Array.of(3)))).not.toBe(fastMessageId(message(Uint8Array.of(1), Uint8Array.of(2, 3))))
  })

  it('is empty for a message without a sender or a sequence number, which StrictSign rejects before caching any id', () => {
    expect(fastMessageId(message(undefined, randomBytes(8)))).toBe('')
    expect(fastMessageId(message(randomBytes(38), undefined))).toBe('')
  })
})
