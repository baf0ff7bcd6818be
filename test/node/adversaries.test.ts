import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_MAX_CONCURRENT_UPLOADS, FETCH_RESULT_PROTOCOL, protocolFor } from '../../src/node/constants.js'
import { FrameReader, writeFrames } from '../../src/node/framing.js'
import { ResultRequest, ResultResponse } from '../../src/node/pb/network.js'
import { openSession, type Session } from '../../src/node/session-config.js'
import { identityOf } from '../../src/protocol/crypto/identity.js'
import { electAggregator, genesisBeacon } from '../../src/protocol/election.js'
import { KeyAdvertisement } from '../../src/protocol/pb/messages.js'
import { refOf, signed } from '../../src/protocol/round/wire.js'
import { SignatureDomain } from '../../src/protocol/crypto/identity.js'
import { exactSum, gridUpdates } from '../support/round-fixtures.js'
import { joinAll, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'
import {
  ALL_PROTOCOLS, attackerNode, forgedAnnouncement, garbage, holdOpen, hostileMaskedInput, MASKED_INPUT_PROTOCOL, publishNotice,
  routeFrame, sendRaw
} from '../support/attacker.js'
import type { JoinedSession } from '../../src/node/service.js'
import type { AggregateResult } from '../../src/node/session-runner.js'
import type { Phase } from '../../src/protocol/round/phases.js'
import type { PrivateKey, Stream } from '@libp2p/interface'

const N = 5
let nodes: SecAggNode[] = []
const held: Stream[] = []
afterEach(async () => {
  for (const stream of held.splice(0)) stream.abort(new Error('test over'))
  await stopNetwork(nodes)
  nodes = []
})

interface Network {
  members: SecAggNode[]
  attacker: SecAggNode
  attackerKey: PrivateKey
  session: Session
  sessions: JoinedSession[]
  /** Round 1's updates. */
  updates: Float32Array[]
  /** The index of round 1's aggregator among the members. */
  aggregator: number
  /** A member other than the aggregator, for the tests in which one misbehaves, and the others. */
  cheat: number
  honest: number[]
}

/**
 * Five members of a closed session (any one of them may drop out of a round: four survivors suffice)
 * and an outsider connected to all of them.
 */
async function network (name: string): Promise<Network> {
  const members = await startNetwork(N, { transport: 'tcp' })
  const { node: attacker, privateKey } = await attackerNode(members)
  nodes = [...members, attacker]
  const config = testSession(N, {
    name,
    members: members.map(m => m.peerId.toString()),
    minParticipants: 4,
    graph: { shape: 'harary', dropoutRate: 0.2, corruptRate: 0.05, threatModel: 'malicious' }
  })
  const session = openSession(config)
  const sessions = await joinAll(members, config)
  const elected = electAggregator(session.id, 1, 0, genesisBeacon(session.id), members.map(m => identityOf(m.peerId)))
  const aggregator = members.findIndex(m => m.peerId.equals(elected.peerId))
  const cheat = (aggregator + 1) % N
  const honest = [...members.keys()].filter(i => i !== cheat)
  return { members, attacker, attackerKey: privateKey, session, sessions, updates: gridUpdates(session.params, N, name), aggregator, cheat, honest }
}

/** Resolves when `node`, as the aggregator of round 1 attempt 0, enters `phase`, or when `ended` settles first. */
async function aggregatorIn (node: SecAggNode, phase: Phase, ended: Promise<unknown>): Promise<void> {
  return Promise.race([ended.then(() => {}, () => {}), new Promise<void>(resolve => {
    node.services.secagg.addEventListener('progress', ({ detail }) => {
      if (detail.role === 'aggregator' && detail.phase === phase && detail.round === 1 && detail.attempt === 0) resolve()
    })
  })])
}

/** Runs a round with the given members' updates; each result comes with the time since the round began. */
async function round (net: Network, updates: Float32Array[], who: number[]): Promise<Array<{ result: AggregateResult, elapsed: number }>> {
  const started = Date.now()
  return Promise.all(who.map(async i => ({ result: await net.sessions[i].aggregate(updates[i]), elapsed: Date.now() - started })))
}

/** Starts a round that the cheat takes part in too (its own result may never come) and awaits the honest members'. */
async function roundWithCheat (net: Network): Promise<Array<{ result: AggregateResult, elapsed: number }>> {
  void net.sessions[net.cheat].aggregate(net.updates[net.cheat]).catch(() => {})
  return round(net, net.updates, net.honest)
}

/**
 * Every result is the first attempt's, came before that attempt's last deadline (a stall would pass it;
 * a retry would show as attempt 1), holds every honest member, no one else, and is the exact sum of
 * the survivors' updates.
 */
function expectExactAndOnTime (net: Network, outcomes: Array<{ result: AggregateResult, elapsed: number }>, updates: Float32Array[], honest: number[]): void {
  const { announceTimeout, phaseTimeouts } = net.session.config
  const budget = announceTimeout + Object.values(phaseTimeouts).reduce((a, b) => a + b, 0)
  const index = new Map(net.members.map((m, i) => [m.peerId.toString(), i]))
  for (const { result, elapsed } of outcomes) {
    expect(result.attempt).toBe(0)
    expect(elapsed).toBeLessThan(budget)
    const survivors = result.survivors.map(id => index.get(id))
    expect(result.participants.every(id => index.has(id))).toBe(true)
    expect(survivors).toEqual(expect.arrayContaining(honest))
    expect(Array.from(result.sum)).toEqual(Array.from(exactSum(updates, survivors as number[])))
  }
}

/** Runs `attack` every 100 ms until `until` settles: for a message that must beat an honest one to its target. */
async function repeatUntil (until: Promise<unknown>, attack: () => Promise<unknown>): Promise<void> {
  let done = false
  void until.then(() => { done = true }, () => { done = true })
  while (!done) {
    await attack()
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const everyone = [...Array(N).keys()]

describe('a peer outside a closed session', () => {
  it('is kept out of the roster and the sum, and delays nothing, whatever it publishes or sends', async () => {
    const net = await network('outsider')
    const { members, attacker, session } = net
    // It runs the honest software too, with an update of its own: presence, maybe an announcement.
    void attacker.services.secagg.join(session.config).aggregate(new Float32Array(session.params.dimension).fill(3)).catch(() => {})
    const aggregator = members[net.aggregator]
    const outcome = round(net, net.updates, everyone)
    const keysTaken = aggregatorIn(aggregator, 'advertise-keys', outcome)
    const inputsTaken = aggregatorIn(aggregator, 'masked-input', outcome)
    const forged = forgedAnnouncement(session, 1, 0, identityOf(aggregator.peerId).bytes, genesisBeacon(session.id))
    await repeatUntil(keysTaken, async () => publishNotice(attacker, session, { announcement: forged }))
    const ad = await signed(KeyAdvertisement, {
      ref: refOf({ sessionId: session.id, round: 1, attempt: 0 }),
      peer: identityOf(attacker.peerId).bytes as Uint8Array<ArrayBuffer>,
      encryptionKey: randomBytes(32),
      maskKey: randomBytes(32)
    }, net.attackerKey, SignatureDomain.keyAdvertisement)
    await sendRaw(attacker, aggregator.peerId, protocolFor('key-advertisement'), [routeFrame(session.id, 1, 0), ad.bytes])
    // the same, routed to the next attempt as if that had begun
    await Promise.all(members.map(async m => sendRaw(attacker, m.peerId, protocolFor('key-advertisement'), [routeFrame(session.id, 1, 1), ad.bytes])))
    await inputsTaken
    await sendRaw(attacker, aggregator.peerId, MASKED_INPUT_PROTOCOL, [routeFrame(session.id, 1, 0), hostileMaskedInput(session, 1, 0)])
    const outcomes = await outcome
    expectExactAndOnTime(net, outcomes, net.updates, everyone)
    for (const { result } of outcomes) expect(result.participants).not.toContain(attacker.peerId.toString())
  })
})

describe('fetching a closed session\'s result', () => {
  it('gives a member the latest result (its transcript) and an outsider nothing, whichever round it asks for', async () => {
    const net = await network('fetch-members-only')
    const { members, attacker, session } = net
    const [{ result }] = await round(net, net.updates, everyone)
    const ask = async (from: SecAggNode, round: bigint): Promise<Uint8Array> => {
      const stream = await from.dialProtocol(members[0].peerId, FETCH_RESULT_PROTOCOL)
      const reader = new FrameReader(stream, { maxFrameLength: 1 << 24 })
      await writeFrames(stream, [ResultRequest.encode({ session: session.id as Uint8Array<ArrayBuffer>, round })])
      await stream.close()
      return ResultResponse.decode(await reader.read()).result
    }
    expect(Array.from(await ask(members[1], 0n))).toEqual(Array.from(result.transcript))
    expect(Array.from(await ask(members[1], 1n))).toEqual(Array.from(result.transcript))
    for (const round of [0n, 1n, 2n ** 63n]) expect(await ask(attacker, round)).toHaveLength(0)
  })
})

describe('garbage on the wire', () => {
  it('random bytes, lying length prefixes and silent streams on every protocol, from an outsider and a member, leave the round on time and the nodes up', async () => {
    const net = await network('garbage')
    const { members, attacker, session } = net
    const aggregator = members[net.aggregator]
    const senders = [attacker, members[net.cheat]]
    const hold = async (from: SecAggNode, to: SecAggNode, protocol: string): Promise<Stream | undefined> => {
      const stream = await holdOpen(from, to.peerId, protocol)
      if (stream !== undefined) held.push(stream)
      return stream
    }
    // A silent stream on every protocol to every member; the aggregator's upload slots are taken below.
    for (const from of senders) {
      for (const to of members.filter(m => m !== from)) {
        await Promise.all(ALL_PROTOCOLS.filter(p => to !== aggregator || p !== MASKED_INPUT_PROTOCOL).map(async p => hold(from, to, p)))
      }
    }
    // Silent uploads, as many as the aggregator reads at once: each sends its route the moment masked
    // inputs are due, ahead of the honest uploads, and nothing more.
    const uploads = await Promise.all(Array.from({ length: DEFAULT_MAX_CONCURRENT_UPLOADS }, async () => hold(attacker, aggregator, MASKED_INPUT_PROTOCOL)))
    const outcome = roundWithCheat(net)
    const barrage = Promise.all(senders.flatMap(from => members.filter(m => m !== from).map(async to => garbage(from, to.peerId, routeFrame(session.id, 1, 0)))))
    await aggregatorIn(aggregator, 'masked-input', outcome)
    await Promise.all(uploads.map(async stream => stream != null && writeFrames(stream, [routeFrame(session.id, 1, 0)])))
    expectExactAndOnTime(net, await outcome, net.updates, net.honest)
    await barrage
    for (const member of members) expect(await attacker.services.ping.ping(member.peerId)).toBeGreaterThanOrEqual(0)
  })
})

describe('oversized messages', () => {
  it('a masked input longer than the session allows, and notices of many kilobytes, change nothing and spread nowhere', async () => {
    const net = await network('oversized')
    const { members, attacker, session } = net
    let bigNotices = 0
    for (const member of members) {
      member.services.pubsub.addEventListener('message', ({ detail }) => { if (detail.data.length > 60_000) bigNotices++ })
    }
    const aggregator = members[net.aggregator]
    const outcome = round(net, net.updates, everyone)
    const inputsTaken = aggregatorIn(aggregator, 'masked-input', outcome)
    for (const size of [64 * 1024, 5 * 1024 * 1024]) {
      for (const sender of [attacker, members[net.cheat]]) await publishNotice(sender, session, { announcement: new Uint8Array(size) })
    }
    await inputsTaken
    // a frame far beyond the longest message the session takes (a result: packed sum and signatures, some 70 kB here)
    const oversized = new Uint8Array(session.params.dimension * 4 + 1_000_000)
    for (const sender of [attacker, members[net.cheat]]) await sendRaw(sender, aggregator.peerId, MASKED_INPUT_PROTOCOL, [routeFrame(session.id, 1, 0), oversized])
    expectExactAndOnTime(net, await outcome, net.updates, net.honest)
    expect(bigNotices).toBe(0)
  })
})

describe('a member that misbehaves on the wire', () => {
  it('sending its masked input twice has it counted once at most', async () => {
    const net = await network('twice')
    // The cheat's messenger sends its masked input, byte for byte, on two streams at once, then again.
    const messenger = (net.members[net.cheat].services.secagg as any).messenger
    const send = messenger.sendMaskedInput.bind(messenger)
    messenger.sendMaskedInput = async (peer: unknown, route: unknown, chunks: AsyncIterable<Uint8Array>, options: unknown) => {
      const copy: Uint8Array[] = []
      for await (const chunk of chunks) copy.push(chunk)
      const again = async function * (): AsyncGenerator<Uint8Array> { yield * copy }
      await Promise.allSettled([send(peer, route, again(), options), send(peer, route, again(), options)])
      await send(peer, route, again(), options).catch(() => {})
    }
    expectExactAndOnTime(net, await roundWithCheat(net), net.updates, net.honest)
  })

  it('holding uploads open that never send a chunk delays the round at most to the masked-input deadline', async () => {
    const net = await network('silent-uploads')
    const { members, session } = net
    const aggregator = members[net.aggregator]
    // as many as the aggregator reads at once, opened early and routed the moment masked inputs are due
    const uploads = await Promise.all(Array.from({ length: DEFAULT_MAX_CONCURRENT_UPLOADS }, async () => holdOpen(members[net.cheat], aggregator.peerId, MASKED_INPUT_PROTOCOL)))
    held.push(...uploads.filter(s => s !== undefined))
    const outcome = roundWithCheat(net)
    await aggregatorIn(aggregator, 'masked-input', outcome)
    await Promise.all(uploads.map(async stream => stream != null && writeFrames(stream, [routeFrame(session.id, 1, 0)])))
    expectExactAndOnTime(net, await outcome, net.updates, net.honest)
  })
})
