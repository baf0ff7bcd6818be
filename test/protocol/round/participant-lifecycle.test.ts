import { beforeAll, describe, expect, it } from 'vitest'
import { SignatureDomain } from '../../../src/protocol/crypto/identity.js'
import { Announcement, Signed } from '../../../src/protocol/pb/messages.js'
import { signed } from '../../../src/protocol/round/wire.js'
import { deliverToParticipant, newParticipant, recordFixture, type Fixture } from '../../support/fuzz-harness.js'
import type { MessageType } from '../../../src/protocol/round/events.js'

let fx: Fixture
beforeAll(async () => {
  fx = await recordFixture({ n: 6, dimension: 100, dropoutRate: 0.2, seed: 'lifecycle', chunkCoordinates: 32 })
})

const inbox = (i: number, type: MessageType): Uint8Array => fx.toParticipant[i].find(d => d.type === type)!.bytes
const aggregator = (): Fixture['peers'][number] => fx.peers[fx.aggregatorIndex]

describe('a participant', () => {
  it('that aborts while its masked input is being produced stays aborted: the rest is not sent, nothing is signed or revealed', async () => {
    const participant = newParticipant(fx, 3)
    for (const type of ['announcement', 'roster', 'neighbour-keys', 'share-delivery'] as const) await participant.handle(aggregator().identity, type, inbox(3, type))
    expect(participant.status).toBe('masked-input')
    const sent: Uint8Array[] = []
    for await (const chunk of participant.maskedInput(32)) {
      sent.push(chunk.bytes)
      if (sent.length === 1) expect(participant.handleTimeout(Number.MAX_SAFE_INTEGER).events.map(e => e.type)).toEqual(['aborted'])
    }
    expect(sent).toHaveLength(1)
    expect(participant.status).toBe('aborted')
    const later = [
      await participant.handle(aggregator().identity, 'survivor-set', inbox(3, 'survivor-set')),
      await participant.handle(aggregator().identity, 'consistency-proof', inbox(3, 'consistency-proof'))
    ]
    expect(later.flatMap(s => s.messages)).toEqual([])
    expect(participant.revealed).toBe(false)
  })

  it('reports that it revealed its shares once it has, so the node layer keeps its update out of later attempts', async () => {
    const participant = newParticipant(fx, 2)
    for (const d of fx.toParticipant[2]) await deliverToParticipant(fx, participant, d.type, d.bytes)
    expect(participant.status).toBe('done')
    expect(participant.revealed).toBe(true)
  })

  it('refuses an announcement whose deadlines run past what the session allows each phase', async () => {
    const envelope = Signed.decode(inbox(1, 'announcement'))
    const announcement = Announcement.decode(envelope.body)
    const late = [...announcement.deadlines]
    late[late.length - 1] += BigInt(3_600_000)
    const { bytes } = await signed(Announcement, { ...announcement, deadlines: late }, aggregator().privateKey, SignatureDomain.announcement)
    const participant = newParticipant(fx, 1)
    const step = await participant.handle(aggregator().identity, 'announcement', bytes)
    expect(step.events).toMatchObject([{ type: 'aborted', reason: 'invalid-announcement' }])
    expect(step.messages).toEqual([])
  })
})

describe('a participant aborted while it handles a message', () => {
  it('stays aborted and sends nothing for that message', async () => {
    // key generation waits on this gate, so the abort lands while the handler is part-way through
    let open!: () => void
    const gate = new Promise<void>(resolve => { open = resolve })
    const crypto = { ...fx.crypto, x25519: { ...fx.crypto.x25519, publicKey: async (secret: Uint8Array) => { await gate; return fx.crypto.x25519.publicKey(secret) } } }
    const participant = newParticipant({ ...fx, crypto }, 4)
    const pending = participant.handle(aggregator().identity, 'announcement', inbox(4, 'announcement'))
    await new Promise(resolve => setTimeout(resolve, 10))
    participant.abort('timeout', 'the aggregator went silent')
    open()
    const step = await pending
    expect(step.messages).toEqual([])
    expect(participant.status).toBe('aborted')
  })
})

describe('a participant retrying a round after revealing its shares', () => {
  it('signs only a survivor set equal to the one it revealed for, less the failed aggregator', async () => {
    const survivors = fx.roster.identities.map(i => i.id)
    const run = async (required: string[]): Promise<string[]> => {
      const participant = newParticipant(fx, 2, { requiredSurvivors: new Set(required) })
      const events: string[] = []
      for (const d of fx.toParticipant[2]) {
        const { step } = await deliverToParticipant(fx, participant, d.type, d.bytes)
        events.push(...step.events.flatMap(e => e.type === 'aborted' ? [e.reason] : []))
      }
      return events
    }
    expect(await run(survivors)).toEqual([])
    expect(await run(survivors.slice(1))).toEqual(['survivors-changed'])
  })
})
