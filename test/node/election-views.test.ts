/**
 * When members' views differ, or their attempts: a peer follows only the aggregator its own view elects, so a peer whose
 * view is out of step takes part in no one else's round. Its input is in no sum; it adopts the others'
 * signed result once it checks out, and its update waits for the next round. A closed session's views
 * never differ: it elects from its member list.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { RoundFailedError } from '../../src/node/errors.js'
import { openSession, type Session, type SessionConfig } from '../../src/node/session-config.js'
import { sessionTopic } from '../../src/node/constants.js'
import { Notice } from '../../src/node/pb/network.js'
import { electAggregator, genesisBeacon } from '../../src/protocol/election.js'
import { identityOf } from '../../src/protocol/crypto/identity.js'
import { exactSum, gridUpdates } from '../support/round-fixtures.js'
import { joinAll, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'
import type { RoundProgress } from '../../src/node/session-runner.js'

let nodes: SecAggNode[] = []
afterEach(async () => { await stopNetwork(nodes); nodes = [] })

const N = 5
const GATHER = 1000

describe('members whose views elect different aggregators', () => {
  it('follow only their own: the odd one out is in no one else\'s round, then adopts its checked result', async () => {
    nodes = await startNetwork(N, { transport: 'tcp', gatherDelay: GATHER })
    const config = testSession(N, { minParticipants: 3, maxAttempts: 2, announceTimeout: 6000 })
    const session = openSession(config)
    const identities = nodes.map(node => identityOf(node.peerId))
    const elected = (attempt: number): string => electAggregator(session.id, 1, attempt, genesisBeacon(session.id), identities).id
    // The odd one out is elected by the full view in neither attempt, so only a view of its own makes it aggregate.
    const odd = identities.findIndex(identity => identity.id !== elected(0) && identity.id !== elected(1))
    const others = [...nodes.keys()].filter(i => i !== odd)
    const updates = gridUpdates(session.params, N, 'views')
    const sessions = await joinAll(nodes, config)
    const oddRoles: RoundProgress[] = []
    nodes[odd].services.secagg.addEventListener('progress', (event) => { oddRoles.push(event.detail) })

    // It gets ready alone: when it has gathered, its view holds only itself, and it elects itself.
    const oddResult = sessions[odd].aggregate(updates[odd]).then(() => undefined, (err: unknown) => err)
    await new Promise(resolve => setTimeout(resolve, GATHER + 500))
    // The others get ready after: their views hold all five, and elect the peer the full view ranks first.
    const results = await Promise.all(others.map(async i => sessions[i].aggregate(updates[i])))

    expect(oddRoles.some(p => p.round === 1 && p.attempt === 0 && p.role === 'aggregator')).toBe(true)
    const expected = Array.from(exactSum(updates, others))
    for (const result of results) {
      expect(result.aggregator).toBe(elected(0))
      expect(result.attempt).toBe(0)
      expect(result.survivors).not.toContain(identities[odd].id)
      expect(Array.from(result.sum)).toEqual(expected)
    }
    // It never followed that aggregator, took round 1's result once it checked out, and its update moved
    // on to round 2, which fails when no one else is ready for it.
    expect(oddRoles.filter(p => p.round === 1).every(p => p.aggregator !== elected(0))).toBe(true)
    const error = await oddResult
    expect(error).toBeInstanceOf(RoundFailedError)
    expect(error).toMatchObject({ failure: 'max-attempts', round: 2 })
    expect(sessions[odd].latestResult()?.round).toBe(1)
  }, 60_000)
})

describe('a closed session', () => {
  it('elects from its list without presence: a listed member that is down costs one attempt, and members that share no connection still meet', async () => {
    // Six listed members on a ring (each connected to four others, not to the one opposite), presence
    // only once a minute, and the member ranked first for attempt 0 down before the round.
    nodes = await startNetwork(6, { transport: 'tcp', topology: 'ring', presenceInterval: 60_000 })
    const config = testSession(6, { minParticipants: 4, members: nodes.map(node => node.peerId.toString()) })
    const session = openSession(config)
    const identities = nodes.map(node => identityOf(node.peerId))
    const elected = (attempt: number): string => electAggregator(session.id, 1, attempt, genesisBeacon(session.id), identities).id
    const down = identities.findIndex(identity => identity.id === elected(0))
    const live = [...nodes.keys()].filter(i => i !== down)
    let attempt = 1
    while (elected(attempt) === identities[down].id) attempt++
    const updates = gridUpdates(session.params, 6, 'closed')
    const sessions = await joinAll(nodes, config)
    await nodes[down].stop()

    // What one member hears on the topic during the round: only the aggregator's own presence, which
    // comes with its announcement (an open session would have every member's).
    const observer = live.find(i => identities[i].id !== elected(attempt))!
    const presences: Array<{ from: string, notice: Notice }> = []
    nodes[observer].services.pubsub.addEventListener('message', ({ detail }) => {
      if (detail.topic !== sessionTopic(session.idHex) || detail.type !== 'signed') return
      const notice = Notice.decode(detail.data)
      if (notice.presence != null) presences.push({ from: detail.from.toString(), notice })
    })
    const results = await Promise.all(live.map(async i => sessions[i].aggregate(updates[i])))

    const expected = Array.from(exactSum(updates, live))
    for (const result of results) {
      expect(result.attempt).toBe(attempt)
      expect(result.aggregator).toBe(elected(attempt))
      expect(Array.from(result.sum)).toEqual(expected)
    }
    expect(presences).toHaveLength(1)
    expect(presences[0].from).toBe(elected(attempt))
    expect(presences[0].notice.announcement).toBeDefined()
  }, 60_000)
})

describe('a large closed session', () => {
  it('repeats the announcement while keys are taken, as often as presence would go out unscaled, for a member that gets ready later', async () => {
    // Five running members listed among 60: each publishes its presence only every 6 presence intervals
    // (6 s here), but the aggregator repeats its announcement every interval. The late member was not
    // ready when it went out, so neither its direct copy nor the first on the topic reached it.
    nodes = await startNetwork(5, { transport: 'tcp', presenceInterval: 1000 })
    const absent = await Promise.all(Array.from({ length: 55 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
    const members = [...nodes.map(node => node.peerId.toString()), ...absent]
    const identities = members.map(id => identityOf(peerIdFromString(id)))
    // a session whose attempt 0 elects a running member
    let name = 0
    let config: SessionConfig
    let aggregator: number
    do {
      config = testSession(60, { name: `large-${name++}`, members, minParticipants: 5, phaseTimeouts: { 'advertise-keys': 5000, 'share-keys': 3000, 'masked-input': 5000, 'consistency-check': 3000, unmask: 3000 } })
      const session = openSession(config)
      const elected = electAggregator(session.id, 1, 0, genesisBeacon(session.id), identities).id
      aggregator = nodes.findIndex(node => node.peerId.toString() === elected)
    } while (aggregator < 0)
    const late = (aggregator + 1) % 5
    const updates = gridUpdates(openSession(config).params, 5, 'large')
    const sessions = await joinAll(nodes, config)
    const announced = new Promise<void>(resolve => {
      nodes[aggregator].services.secagg.addEventListener('progress', ({ detail }) => { if (detail.role === 'aggregator' && detail.phase === 'advertise-keys') resolve() })
    })
    const onTime = [...nodes.keys()].filter(i => i !== late).map(async i => sessions[i].aggregate(updates[i]))
    await announced
    await new Promise(resolve => setTimeout(resolve, 1500))
    const results = await Promise.all([...onTime, sessions[late].aggregate(updates[late])])
    for (const result of results) {
      expect(result.attempt).toBe(0)
      expect(result.survivors).toHaveLength(5)
      expect(Array.from(result.sum)).toEqual(Array.from(exactSum(updates, [...nodes.keys()])))
    }
  }, 60_000)
})

/**
 * A closed session of the running nodes with a short announce timeout, and the index of the node each
 * attempt of round 1 elects.
 */
function closedSession (n: number, options: { minParticipants: number, maxAttempts: number, advertiseKeys: number }): { config: SessionConfig, session: Session, elected: (attempt: number) => number } {
  const config = testSession(n, {
    members: nodes.map(node => node.peerId.toString()),
    minParticipants: options.minParticipants,
    maxAttempts: options.maxAttempts,
    announceTimeout: 1500,
    phaseTimeouts: { 'advertise-keys': options.advertiseKeys, 'share-keys': 3000, 'masked-input': 5000, 'consistency-check': 3000, unmask: 3000 }
  })
  const session = openSession(config)
  const identities = nodes.map(node => identityOf(node.peerId))
  const elected = (attempt: number): number => identities.findIndex(i => i.id === electAggregator(session.id, 1, attempt, genesisBeacon(session.id), identities).id)
  return { config, session, elected }
}

describe('members whose attempts drift apart', () => {
  it('come back together in the earliest attempt still taking keys, and it completes with everyone', async () => {
    // Three members get their updates early. Attempt 0's aggregator is not among them, so they give up
    // on it and start attempt 1, whose aggregator is one of them. Only then do the other three get
    // theirs, and attempt 0's aggregator announces: the early three must come back to attempt 0.
    const n = 6
    nodes = await startNetwork(n, { transport: 'tcp' })
    const { config, session, elected } = closedSession(n, { minParticipants: n, maxAttempts: 4, advertiseKeys: 8000 })
    // (attempt 1 is elected from the same list, so its aggregator is another member than attempt 0's)
    const early = [elected(1), ...[...nodes.keys()].filter(i => i !== elected(0) && i !== elected(1)).slice(0, 2)]
    const late = [...nodes.keys()].filter(i => !early.includes(i))
    const updates = gridUpdates(session.params, n, 'drift')
    const sessions = await joinAll(nodes, config)
    const earlyAttempts = new Set<number>()
    for (const i of early) {
      nodes[i].services.secagg.addEventListener('progress', ({ detail }) => { if (detail.phase === 'advertise-keys') earlyAttempts.add(detail.attempt) })
    }

    const earlyResults = early.map(async i => sessions[i].aggregate(updates[i]))
    // Until attempt 1 takes keys among the early members: they have left attempt 0 behind.
    const deadline = Date.now() + 10_000
    while (!earlyAttempts.has(1)) {
      if (Date.now() > deadline) throw new Error('the early members never reached attempt 1')
      await new Promise(resolve => setTimeout(resolve, 50))
    }
    const results = await Promise.all([...earlyResults, ...late.map(async i => sessions[i].aggregate(updates[i]))])

    const expected = Array.from(exactSum(updates, [...nodes.keys()]))
    for (const result of results) {
      expect(result.round).toBe(1)
      expect(result.attempt).toBe(0)
      expect(result.aggregator).toBe(nodes[elected(0)].peerId.toString())
      expect(result.survivors).toHaveLength(n)
      expect(Array.from(result.sum)).toEqual(expected)
    }
  }, 60_000)
})

describe('an update retried after its round failed', () => {
  it('goes on from the attempts it used, so it never takes part in one attempt twice', async () => {
    const n = 4
    nodes = await startNetwork(n, { transport: 'memory' })
    const { config, session, elected } = closedSession(n, { minParticipants: 3, maxAttempts: 2, advertiseKeys: 2000 })
    // the peer attempt 0 elects gets ready alone: it announces attempt 0 and makes keys in it, then fails
    const early = elected(0)
    const updates = gridUpdates(session.params, n, 'retry')
    const sessions = await joinAll(nodes, config)
    const joined: number[] = []
    nodes[early].services.secagg.addEventListener('progress', ({ detail }) => {
      if (detail.role === 'participant' && detail.phase === 'advertise-keys') joined.push(detail.attempt)
    })
    await expect(sessions[early].aggregate(updates[early])).rejects.toMatchObject({ failure: 'max-attempts', round: 1 })
    expect(joined).toEqual([0])

    // Retried with everyone ready, it starts at attempt 2: it does not announce attempt 0 again, and
    // goes back to attempt 1, whose aggregator is up now and in which it made no keys.
    const results = await Promise.all(sessions.map(async (s, i) => s.aggregate(updates[i])))
    expect(joined).toEqual([0, 1])
    for (const result of results) {
      expect(result.attempt).toBe(1)
      expect(result.survivors).toHaveLength(n)
      expect(Array.from(result.sum)).toEqual(Array.from(exactSum(updates, [...nodes.keys()])))
    }
  }, 60_000)
})
