/**
 * The secure-aggregation service for js-libp2p: add it to a node's `services` and join sessions.
 *
 *   const node = await createLibp2p({ ..., services: { identify: identify(), pubsub: gossipsub(), secagg: secureAggregation() } })
 *   const session = node.services.secagg.join(defineSession({ name: 'demo', dimension: 1000 }))
 *   const { mean } = await session.aggregate(update, { weight: samples })
 */
import { serviceDependencies, TypedEventEmitter, type AbortOptions, type ComponentLogger, type Connection, type Libp2pEvents, type Logger, type PeerId, type PeerStore, type PrivateKey, type Startable, type TypedEventTarget } from '@libp2p/interface'
import { toHex } from '../protocol/crypto/bytes.js'
import { identityOf } from '../protocol/crypto/identity.js'
import { nodeCryptoSuite } from '../protocol/crypto/suite-node.js'
import { DEFAULT_LOSS_GRACE, DEFAULT_MAX_CONCURRENT_UPLOADS, DEFAULT_PRESENCE_INTERVAL, PROBE_GRACES, sessionTopic } from './constants.js'
import { NotJoinedError } from './errors.js'
import { MemberLinkKeeper } from './member-link-keeper.js'
import { Messenger, type MessageRouter } from './messenger.js'
import { Notice } from './pb/network.js'
import { StaleConnections } from './stale-connections.js'
import { openSession, type SessionConfig } from './session-config.js'
import { SessionRunner, type AggregateOptions, type AggregateResult, type RoundDropout, type RoundProgress, type SessionStore } from './session-runner.js'
import type { CryptoSuite } from '../protocol/crypto/suite.js'
import type { RoundOutcome } from '../protocol/round/events.js'
import type { PrivacyReport } from '../protocol/dp/budget.js'
import { TopicValidatorResult, type GossipSub, type Message } from '@libp2p/gossipsub'
import { CODE_P2P, type Multiaddr } from '@multiformats/multiaddr'
import type { AddressManager, ConnectionManager, Registrar } from '@libp2p/interface-internal'

export interface SecureAggregationInit {
  /** The name of the node's gossipsub service (default 'pubsub'). */
  pubsub?: string
  /** Milliseconds between presence notices on a session's topic (default 2000). */
  presenceInterval?: number
  /** Masked inputs this peer reads at once when it aggregates (default 8); bounds its memory. */
  maxConcurrentUploads?: number
  /** Crypto backend (default node:crypto). */
  crypto?: CryptoSuite
  /**
   * The loss grace, in ms (default 1000). A session member whose connections all close is redialled at
   * once, and the round in progress stops waiting for it if that dial fails (it may take three graces):
   * a killed process refuses it at once. A member told by another that a peer it depends on is gone
   * (its aggregator, or a participant it aggregates) pings that peer, for three graces. A round's
   * phases otherwise wait for a peer until their deadlines.
   */
  lossGrace?: number
  /** How far peers' clocks may differ, in ms, before a deadline counts as passed (default 5000). */
  clockSkew?: number
  /**
   * How long a member waits, once it has an update, for the other members' presence before the round's
   * aggregator is elected (default two presence intervals).
   */
  gatherDelay?: number
  /**
   * Where each joined session's record is kept between runs: the latest result, and the promises an
   * update carries once it has gone out (its rounding, the attempts it joined, the survivors it revealed
   * for). Without one, a restarted node cannot keep them, and must not resend an update it had sent.
   */
  store?: SessionStore
}

export interface SecureAggregationComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Registrar
  connectionManager: ConnectionManager
  addressManager: AddressManager
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface SecureAggregationEvents {
  /** A round this peer takes part in reached a new phase. */
  progress: CustomEvent<RoundProgress>
  /** A phase of a round this peer takes part in stopped waiting for a peer: it was gone, or the deadline passed. */
  dropout: CustomEvent<RoundDropout>
  /** A round this peer took part in has its result. */
  result: CustomEvent<AggregateResult>
  /** A session's latest result is now one of a round this peer took no part in, fetched from a member and checked. */
  'fetched-result': CustomEvent<FetchedResult>
}

export interface FetchedResult {
  /** The session id, in hex. */
  session: string
  outcome: RoundOutcome
}

/** A session this peer has joined. */
export interface JoinedSession {
  /** The session id, in hex. */
  readonly id: string
  readonly config: SessionConfig
  /**
   * Submits an update for the next round and resolves with that round's result: the weighted mean and
   * sum of the survivors' updates. Rejects with `InvalidUpdateError` (fix the update),
   * `UpdatePendingError` (await the earlier call), `RoundFailedError` (the update is in no sum: send a
   * fresh one next round, and never this one again when `sharesRevealed`) or `NotJoinedError`.
   *
   * @example
   * ```ts
   * const { mean, weightSum, survivors } = await session.aggregate(update, { weight: samples, signal: AbortSignal.timeout(120_000) })
   * ```
   */
  aggregate: (update: Float32Array, options?: AggregateOptions) => Promise<AggregateResult>
  /** The latest result this peer holds (from a round it took part in, or fetched and checked). */
  latestResult: () => RoundOutcome | undefined
  /** A DP session's budget, what this peer spent of it and what is left; undefined when the session adds no noise. */
  privacy: () => PrivacyReport | undefined
  /** Resolves once the session has taken up its stored record (see `store`), if the node has one. */
  ready: Promise<void>
  leave: () => void
}

export class SecureAggregation extends TypedEventEmitter<SecureAggregationEvents> implements Startable {
  readonly [Symbol.toStringTag] = 'libp2p-secagg'
  readonly [serviceDependencies] = ['@libp2p/pubsub']
  private readonly runners = new Map<string, SessionRunner>()
  /** Each joined session's links to its members (member-links.ts), kept up while it is joined. */
  private readonly links = new Map<string, MemberLinkKeeper>()
  private readonly messenger: Messenger
  private readonly staleConnections: StaleConnections
  private readonly log: Logger
  private readonly presenceInterval: number
  private readonly clockSkew: number | undefined
  private readonly lossGrace: number
  private readonly gatherDelay: number
  private readonly crypto: CryptoSuite
  private readonly pubsubName: string
  private readonly store: SessionStore | undefined
  private pubsub: GossipSub | undefined
  private started = false

  constructor (private readonly components: SecureAggregationComponents & Record<string, unknown>, init: SecureAggregationInit = {}) {
    super()
    this.log = components.logger.forComponent('libp2p:secagg')
    this.presenceInterval = init.presenceInterval ?? DEFAULT_PRESENCE_INTERVAL
    this.clockSkew = init.clockSkew
    this.lossGrace = init.lossGrace ?? DEFAULT_LOSS_GRACE
    this.gatherDelay = init.gatherDelay ?? 2 * this.presenceInterval
    this.crypto = init.crypto ?? nodeCryptoSuite
    this.pubsubName = init.pubsub ?? 'pubsub'
    this.store = init.store
    this.messenger = new Messenger({
      registrar: components.registrar,
      log: this.log,
      dial: async (peer, protocol, options) => {
        const connection = await this.connection(peer, options)
        return connection.newStream(protocol, options)
      }
    }, this.router, init.maxConcurrentUploads ?? DEFAULT_MAX_CONCURRENT_UPLOADS)
    this.staleConnections = new StaleConnections(components, PROBE_GRACES * this.lossGrace, this.log.newScope('links'))
  }

  async start (): Promise<void> {
    this.pubsub = this.components[this.pubsubName] as GossipSub
    this.pubsub.addEventListener('message', this.onGossip)
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.components.events.addEventListener('peer:connect', this.onConnect)
    this.staleConnections.start()
    await this.messenger.start()
    this.started = true
  }

  async stop (): Promise<void> {
    for (const id of [...this.runners.keys()]) this.leave(id)
    this.pubsub?.removeEventListener('message', this.onGossip)
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    this.components.events.removeEventListener('peer:connect', this.onConnect)
    this.staleConnections.stop()
    await this.messenger.stop()
    this.started = false
  }

  /** Joins a session: from now on this peer announces its presence and can take part in rounds. */
  join (config: SessionConfig): JoinedSession {
    if (!this.started) throw new Error('the secure-aggregation service is not started')
    const session = openSession(config)
    let runner = this.runners.get(session.idHex)
    if (runner === undefined) {
      const topic = sessionTopic(session.idHex)
      runner = new SessionRunner(session, {
        self: identityOf(this.components.peerId),
        privateKey: this.components.privateKey,
        crypto: this.crypto,
        messenger: this.messenger,
        publish: async (notice) => { await this.publish(topic, notice) },
        addresses: () => this.components.addressManager.getAddresses().map(address => address.bytes),
        connected: (peer) => this.components.connectionManager.getConnections(peer).length > 0,
        redial: async (peer, signal) => { await this.connection(peer, { signal }) },
        ping: async (peer, signal) => { await this.ping(peer, signal) },
        lossGrace: this.lossGrace,
        progress: (progress) => { this.safeDispatchEvent('progress', { detail: progress }) },
        dropout: (dropout) => { this.safeDispatchEvent('dropout', { detail: dropout }) },
        result: (result) => { this.safeDispatchEvent('result', { detail: result }) },
        fetched: (outcome) => { this.safeDispatchEvent('fetched-result', { detail: { session: session.idHex, outcome } }) },
        log: this.log.newScope(session.idHex.slice(0, 8)),
        presenceInterval: this.presenceInterval,
        gatherDelay: this.gatherDelay,
        clockSkew: this.clockSkew,
        ...(this.store !== undefined ? { store: this.store } : {})
      })
      this.runners.set(session.idHex, runner)
      const joined = runner
      // Rejected notices are neither delivered nor relayed, and count against the peer that sent them.
      this.pubsub!.topicValidators.set(topic, (_peer, message) => message.type === 'signed' && validNotice(message) && joined.admits(message.from) ? TopicValidatorResult.Accept : TopicValidatorResult.Reject)
      this.pubsub!.subscribe(topic)
      runner.start()
      const links = new MemberLinkKeeper(runner, this.components, this.presenceInterval, this.log.newScope(`${session.idHex.slice(0, 8)}:links`))
      this.links.set(session.idHex, links)
      links.start()
    }
    const active = runner
    return {
      id: session.idHex,
      config: session.config,
      aggregate: async (update, options) => {
        if (this.runners.get(session.idHex) !== active) throw new NotJoinedError('the session was left')
        return active.aggregate(update, options)
      },
      latestResult: () => active.latestResult,
      privacy: () => active.privacyReport,
      ready: active.started,
      leave: () => { this.leave(session.idHex) }
    }
  }

  /** Leaves a session: a pending aggregate() rejects with RoundFailedError('left'). */
  leave (sessionId: string): void {
    const runner = this.runners.get(sessionId)
    if (runner === undefined) return
    this.runners.delete(sessionId)
    runner.stop()
    this.links.get(sessionId)?.stop()
    this.links.delete(sessionId)
    const topic = sessionTopic(sessionId)
    this.pubsub?.topicValidators.delete(topic)
    try {
      this.pubsub?.unsubscribe(topic)
    } catch {
      // gossipsub stopped first, as it does when the whole node stops
    }
  }

  private async publish (topic: string, notice: Notice): Promise<void> {
    try {
      await this.pubsub?.publish(topic, Notice.encode(notice))
    } catch (err: any) {
      // no subscribed peers yet, or a duplicate: presence is repeated and announcements also go direct
      this.log.trace('could not publish on %s: %s', topic, err.message)
    }
  }

  /**
   * Whether a peer answers: a ping over the node's ping service (`@libp2p/ping`, which
   * createSecAggNode includes), else a connection opened to it. A connection over WebRTC can stay open
   * for tens of seconds after the process at its other end died; a ping cannot.
   */
  private async ping (peer: PeerId, signal: AbortSignal): Promise<void> {
    const service = this.components.ping as { ping: (peer: PeerId, options: { signal: AbortSignal }) => Promise<number> } | undefined
    if (service !== undefined) await service.ping(peer, { signal })
    else await this.connection(peer, { signal })
  }

  /** libp2p fires this once the last connection to a peer has closed. */
  private readonly onDisconnect = (event: CustomEvent<PeerId>): void => {
    for (const runner of this.runners.values()) runner.disconnected(event.detail)
  }

  /** libp2p fires this when the first connection to a peer opens. */
  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    for (const runner of this.runners.values()) runner.reconnected(event.detail)
  }

  private readonly onGossip = (event: CustomEvent<Message>): void => {
    const message = event.detail
    if (message.type !== 'signed') return
    const runner = this.runnerForTopic(message.topic)
    if (runner === undefined || !validNotice(message)) return
    void runner.onNotice(message.from, Notice.decode(message.data)).catch((err: Error) => { this.log.error('notice failed: %s', err.message) })
  }

  /**
   * The connection to a peer that opened last, of those open and unlimited. libp2p's own choice is the
   * oldest, and the oldest may be one the peer left when it restarted (stale-connections.ts).
   */
  private newestConnection (peer: PeerId): Connection | undefined {
    let newest: Connection | undefined
    for (const connection of this.components.connectionManager.getConnections(peer)) {
      if (connection.status === 'open' && connection.limits == null && (newest === undefined || connection.timeline.open > newest.timeline.open)) newest = connection
    }
    return newest
  }

  /**
   * A connection to a peer: the newest one open, else one dialled at the addresses its latest presence
   * gave (peers learn of each other through gossip, often without sharing a connection), else at
   * whatever the peer store knows.
   *
   * Those addresses are dialled by address alone, and the peer that answers must be this one. A dial by
   * PeerId joins any dial to that peer already under way, and libp2p redials a restarted peer at the
   * addresses it had before: from a peer store on disk when the node starts, and for as long as its
   * keep-alive retries last. Over WebRTC each such address takes libp2p's address timeout, 6 s, to fail;
   * in the testnet, key advertisements joined to such dials took up to 5.8 s of a 9.25 s phase. Only
   * when no one answers there (a presence from before the peer restarted) is it dialled by PeerId.
   */
  private async connection (peer: PeerId, options: AbortOptions): Promise<Connection> {
    const newest = this.newestConnection(peer)
    if (newest !== undefined) return newest
    const { connectionManager } = this.components
    const addresses = this.presenceAddresses(peer)
    if (addresses.length > 0) {
      try {
        // a relayed address needs the PeerId after its circuit: that dial may still join another
        const connection = await connectionManager.openConnection(addresses.map(address => address.toString().includes('/p2p-circuit') ? address : address.decapsulateCode(CODE_P2P)), options)
        if (connection.remotePeer.equals(peer)) return connection
        connection.abort(new Error('another peer answered'))
      } catch (err) {
        if (options.signal?.aborted === true) throw err
      }
    }
    // No presence yet, or one from before the peer restarted: what the peer store knows, which identify
    // keeps up to date on every connection
    return connectionManager.openConnection(peer, options)
  }

  /** Where a peer's latest presence, in any session joined, said it listens; empty if none was heard. */
  private presenceAddresses (peer: PeerId): Multiaddr[] {
    for (const runner of this.runners.values()) {
      const addresses = runner.addressesOf(peer)
      if (addresses.length > 0) return addresses
    }
    return []
  }

  private runnerForTopic (topic: string): SessionRunner | undefined {
    for (const [id, runner] of this.runners) if (sessionTopic(id) === topic) return runner
    return undefined
  }

  private get router (): MessageRouter {
    const runnerOf = (session: Uint8Array): SessionRunner | undefined => this.runners.get(toHex(session))
    // Streams from peers outside a closed session are refused before the session sees anything of them.
    const runnerFor = (session: Uint8Array, from: PeerId): SessionRunner | undefined => {
      const runner = runnerOf(session)
      return runner?.admits(from) === true ? runner : undefined
    }
    return {
      limit: (from, route) => runnerFor(route.session, from)?.maxMessageLength(),
      deliver: async (from, route, type, bytes) => { await runnerFor(route.session, from)?.deliver(from, route, type, bytes) },
      upload: (from, route) => runnerFor(route.session, from)?.upload(from, route),
      // Members only, in a closed session: the runner's core decides.
      result: (from, session, round) => runnerOf(session)?.serveResult(from, round)
    }
  }
}

/**
 * The longest notice accepted. A presence (with its addresses) or a signed announcement takes a few
 * hundred bytes to a few kilobytes, a proof of a bad dealing a few times t · 64 bytes of commitments
 * (about 13 KB at t = 52, n = 1000); a longer one is not ours, and accepting it would have every member
 * relay it to the others.
 */
const MAX_NOTICE_LENGTH = 64 * 1024

/**
 * A notice is well formed: short enough, it decodes, and it is a presence, an announcement (perhaps with
 * its aggregator's presence), a result notice, a proof of misbehaviour, a lost peer or a closed round.
 */
function validNotice (message: Message): boolean {
  if (message.type !== 'signed' || message.data.length > MAX_NOTICE_LENGTH) return false
  try {
    const notice = Notice.decode(message.data)
    const others = (...fields: unknown[]): boolean => fields.every(f => f == null)
    if (notice.closedRound != null) return others(notice.presence, notice.announcement, notice.result, notice.misbehaviour, notice.peerLost)
    if (notice.misbehaviour != null) return others(notice.presence, notice.announcement, notice.result, notice.peerLost)
    if (notice.peerLost != null) return others(notice.presence, notice.announcement, notice.result)
    return notice.result != null ? notice.presence == null && notice.announcement == null : notice.presence != null || notice.announcement != null
  } catch {
    return false
  }
}

/**
 * The service factory for js-libp2p's `services`. It needs a gossipsub service (named `pubsub`, or as
 * `init.pubsub` says) for presence and announcements. A complete runnable node is in
 * `examples/embed/existing-node.ts`.
 *
 * @example
 * ```ts
 * const node = await createLibp2p({
 *   // transports, connectionEncrypters: [noise()], and:
 *   streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW } })],
 *   services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }), secagg: secureAggregation() }
 * })
 * const session = node.services.secagg.join(parseSessionConfig(JSON.parse(await readFile('session.json', 'utf8'))))
 * const { mean, survivors, clipped } = await session.aggregate(update, { weight: sampleCount })
 * ```
 */
export function secureAggregation (init: SecureAggregationInit = {}): (components: SecureAggregationComponents) => SecureAggregation {
  return (components) => new SecureAggregation(components as SecureAggregationComponents & Record<string, unknown>, init)
}
