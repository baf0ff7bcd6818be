/**
 * One joined session on a libp2p node: a thin driver of the session core (src/protocol/session). It
 * turns streams, gossip and fetched results into the core's inputs, carries out the core's actions in
 * the order they come (a record is stored before anything after it is sent), keeps one timer at the
 * core's next wake-up, and aborts what an attempt still has in flight when the core ends it. Every rule
 * of the protocol is the core's; this file only moves bytes, keeps time and picks addresses.
 */
import { identityOf, type Identity } from '../protocol/crypto/identity.js'
import { systemRandom } from '../protocol/crypto/random.js'
import { SessionCore } from '../protocol/session/session-core.js'
import type { SessionRecord } from '../protocol/session/ledger.js'
import type { PrivacyReport } from '../protocol/dp/budget.js'
import { RoundFailedError } from '../protocol/session/errors.js'
import { AddressBook } from './address-book.js'
import { PROBE_GRACES } from './constants.js'
import type { Notice } from './pb/network.js'
import type { Messenger, RouteInfo, UploadSink } from './messenger.js'
import type { Session } from './session-config.js'
import type { CryptoSuite } from '../protocol/crypto/suite.js'
import type { AggregateResult, RoundDropout, RoundProgress, SessionAction } from '../protocol/session/actions.js'
import type { MessageType, RoundOutcome } from '../protocol/round/events.js'
import type { Logger, PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type { AggregateResult, RoundDropout, RoundProgress } from '../protocol/session/actions.js'

export interface AggregateOptions {
  /** The update's weight, such as its sample count; the session's maxWeight by default. */
  weight?: number
  /**
   * Names the update across restarts of this process (a daemon's stored update id, say): the same
   * update given again under the same name after a restart resumes its round and what was promised in
   * it. Without a name, each call is a new update, whatever its values.
   */
  updateId?: string
  signal?: AbortSignal
}

/**
 * Where a session's record lives between runs: the promises a peer's update carries (see
 * protocol/session/ledger.ts) and the latest result. Without one, a restarted peer keeps none of them.
 */
export interface SessionStore {
  load: (session: string) => Promise<SessionRecord | undefined>
  /**
   * Must be durable when it resolves: the core sends nothing after a save before it completes.
   * `latestChanged` says the latest result is new (megabytes at a large dimension, once a round); else
   * only the small ledger changed.
   */
  save: (session: string, record: SessionRecord, latestChanged: boolean) => Promise<void>
}

export interface RunnerContext {
  self: Identity
  privateKey: PrivateKey
  crypto: CryptoSuite
  messenger: Messenger
  /** Publishes a notice on the session topic (errors are the caller's to ignore). */
  publish: (notice: Notice) => Promise<void>
  /** This node's addresses, for its presence. */
  addresses: () => Uint8Array[]
  /** Whether this node has a connection to a peer now. */
  connected: (peer: PeerId) => boolean
  /** Pings a peer; rejects if no answer comes before `signal` aborts. */
  ping: (peer: PeerId, signal: AbortSignal) => Promise<void>
  /** Dials a peer again (its known addresses); rejects if it cannot be reached before `signal` aborts. */
  redial: (peer: PeerId, signal: AbortSignal) => Promise<void>
  /**
   * The unit of the waits that decide a peer is gone (a dial may take three): the session core then
   * stops waiting for it in a phase, or, if it aggregates, follows the next-ranked peer.
   */
  lossGrace: number
  progress: (progress: RoundProgress) => void
  dropout: (dropout: RoundDropout) => void
  result: (result: AggregateResult) => void
  /** The session's latest result is now one this peer took no part in, fetched from a member and checked. */
  fetched: (outcome: RoundOutcome) => void
  log: Logger
  presenceInterval: number
  /** How long a member that got ready waits for the others' presence before electing the aggregator. */
  gatherDelay: number
  clockSkew?: number
  store?: SessionStore
}

interface Waiting {
  resolve: (result: AggregateResult) => void
  reject: (err: Error) => void
}

export class SessionRunner {
  private readonly core: SessionCore
  private readonly addressBook: AddressBook
  /** Resolves once the core has started from the stored record: every input waits for it. */
  private ready: Promise<void> = Promise.resolve()
  private readonly waiting = new Map<number, Waiting>()
  /** Aborts what each attempt still has in flight, by the core's scope. */
  private readonly scopes = new Map<string, AbortController>()
  /** Actions run one after another: a persist completes before the next action starts. */
  private actions: Promise<void> = Promise.resolve()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Peers being dialled or pinged to see whether they are gone. */
  private readonly probing = new Set<string>()
  private stopped = false

  constructor (readonly session: Session, private readonly context: RunnerContext) {
    this.core = new SessionCore({
      session,
      self: context.self,
      privateKey: context.privateKey,
      crypto: context.crypto,
      random: systemRandom,
      now: Date.now,
      sink: (action) => { this.carryOut(action) },
      presenceInterval: context.presenceInterval,
      gatherDelay: context.gatherDelay,
      lossGrace: context.lossGrace,
      ...(context.clockSkew !== undefined ? { clockSkew: context.clockSkew } : {})
    })
    this.addressBook = new AddressBook(this.core.presenceTtl)
  }

  /** Whether a peer may speak in this session at all: anyone in an open one, only members in a closed one. */
  admits (peer: PeerId): boolean {
    const identity = toIdentity(peer)
    return identity !== undefined && this.core.admits(identity)
  }

  /** Where a member of this session said it can be dialled. */
  addressesOf (peer: PeerId): Multiaddr[] {
    return this.addressBook.addresses(peer)
  }

  /** The members heard from on the session topic within the last few presence intervals. */
  heardMembers (): PeerId[] {
    return this.addressBook.heardMembers(Date.now())
  }

  get latestResult (): RoundOutcome | undefined {
    return this.core.latestResult
  }

  get privacyReport (): PrivacyReport | undefined {
    return this.core.privacyReport
  }

  /** Resolves once the core has started from the stored record. */
  get started (): Promise<void> {
    return this.ready
  }

  start (): void {
    this.ready = (async () => {
      // A record that cannot be read is not skipped: without it, an update that was already summed, or
      // revealed for, could be sent again. The session does not start (ready rejects with the reason).
      const record = await this.context.store?.load(this.session.idHex)
      await this.core.start(record)
      this.rearm()
    })()
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
    void this.input(async () => { await this.core.stop() })
    for (const controller of this.scopes.values()) controller.abort(new Error('the session was left'))
  }

  /** Submits an update for the next round; resolves with that round's result. */
  async aggregate (update: Float32Array, options: AggregateOptions = {}): Promise<AggregateResult> {
    await this.ready
    options.signal?.throwIfAborted()
    const id = this.core.submit(update, options.weight, options.updateId)
    const result = new Promise<AggregateResult>((resolve, reject) => { this.waiting.set(id, { resolve, reject }) })
    await this.input(async () => { await this.core.idle() })
    const onAbort = (): void => { void this.input(async () => { await this.core.cancel(id, 'aggregate() was aborted') }) }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      return await result
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** The largest message the session takes. */
  maxMessageLength (): number {
    return this.core.maxMessageLength()
  }

  async deliver (from: PeerId, route: RouteInfo, type: MessageType, bytes: Uint8Array): Promise<void> {
    const sender = toIdentity(from)
    if (sender !== undefined) await this.input(async () => { await this.core.message(sender, route, type, bytes) })
  }

  /** A masked-input upload, admitted only while this peer aggregates the attempt it is for and awaits it. */
  upload (from: PeerId, route: RouteInfo): UploadSink | undefined {
    const sender = toIdentity(from)
    const admitted = sender === undefined ? undefined : this.core.admitUpload(sender, route)
    if (sender === undefined || admitted === undefined) return undefined
    return {
      maxFrameLength: this.core.maxMessageLength(),
      deadline: admitted.deadline,
      accept: async (chunk) => { await this.input(async () => { await this.core.uploadChunk(sender, route, chunk) }) },
      abandon: async () => { await this.input(async () => { await this.core.uploadBroken(sender, route) }) }
    }
  }

  /** A notice from the session topic, already signed by `from` (gossipsub checks that). */
  async onNotice (from: PeerId, notice: Notice): Promise<void> {
    const sender = toIdentity(from)
    if (sender === undefined) return
    if (notice.presence != null) this.addressBook.heard(from, notice.presence.addresses, Date.now())
    await this.input(async () => {
      await this.core.notice(sender, {
        ...(notice.presence != null ? { presence: { latestRound: notice.presence.latestRound, ready: notice.presence.ready } } : {}),
        ...(notice.announcement != null ? { announcement: notice.announcement } : {}),
        ...(notice.result != null ? { result: { round: notice.result.round, attempt: notice.result.attempt } } : {}),
        ...(notice.misbehaviour != null ? { misbehaviour: notice.misbehaviour } : {}),
        ...(notice.peerLost != null ? { peerLost: notice.peerLost } : {}),
        ...(notice.closedRound != null ? { closedRound: notice.closedRound } : {})
      })
    })
  }

  /**
   * Every connection to `peer` closed. If the round in progress depends on it, it is redialled at once,
   * and if that fails the core hears it is gone. A killed process's connections close at once (the
   * kernel resets them) and a dial to it is refused: its loss costs milliseconds, not a deadline.
   */
  disconnected (peer: PeerId): void {
    const identity = toIdentity(peer)
    if (identity !== undefined && this.core.watches(identity)) this.probe(identity)
  }

  /** A connection to `peer` opened: whatever this session thought of it, it is back. */
  reconnected (peer: PeerId): void {
    const identity = toIdentity(peer)
    if (this.stopped || identity === undefined) return
    this.input(async () => { await this.core.peerSeen(identity) }).catch((err: Error) => { this.context.log.error('could not note %p back: %s', peer, err.message) })
  }

  /**
   * Dials a peer that has no connection, or with `ping` pings it whether connected or not, and tells the
   * core it is gone if that fails (and, for a dial, it has not come back meanwhile). A dead process
   * refuses a dial at once; a live one on a busy machine may take a while, so the dial has several graces.
   */
  private probe (peer: Identity, ping?: { timeout: number }): void {
    const key = peer.peerId.toString()
    if (this.stopped || this.probing.has(key) || (ping === undefined && this.context.connected(peer.peerId))) return
    this.probing.add(key)
    const reach = ping === undefined ? this.context.redial : this.context.ping
    reach(peer.peerId, AbortSignal.timeout(ping?.timeout ?? PROBE_GRACES * this.context.lossGrace)).then(() => {}, async () => {
      if (!this.stopped && (ping !== undefined || !this.context.connected(peer.peerId))) await this.input(async () => { await this.core.peerLost(peer) })
    }).catch((err: Error) => { this.context.log.error('could not report %p gone: %s', peer.peerId, err.message) })
      .finally(() => { this.probing.delete(key) })
  }

  /** A kept signed result for a member that asks (round 0: the latest); nothing for outsiders. */
  serveResult (from: PeerId, round: number): Uint8Array | undefined {
    const identity = toIdentity(from)
    return identity === undefined ? undefined : this.core.serveResult(identity, round)
  }

  /** Runs one input into the core, then re-arms the timer for the core's next wake-up; none before it started. */
  private async input (run: () => Promise<void>): Promise<void> {
    try {
      await this.ready
    } catch {
      return
    }
    await run()
    this.rearm()
  }

  private rearm (): void {
    clearTimeout(this.timer)
    if (this.stopped) return
    const at = this.core.nextWakeup()
    if (at === undefined) return
    this.timer = setTimeout(() => { void this.input(async () => { await this.core.tick() }) }, Math.max(0, at - Date.now()))
  }

  private signal (scope: string, deadline: number | undefined): AbortSignal {
    let controller = this.scopes.get(scope)
    if (controller === undefined) this.scopes.set(scope, controller = new AbortController())
    return deadline === undefined ? controller.signal : AbortSignal.any([controller.signal, AbortSignal.timeout(Math.max(0, deadline - Date.now()))])
  }

  /** Queues one action; they run in order, and none throws out of here. */
  private carryOut (action: SessionAction): void {
    this.actions = this.actions.then(async () => { await this.perform(action) }).catch((err: Error) => {
      this.context.log.error('could not %s: %s', action.type, err.message)
    })
  }

  private async perform (action: SessionAction): Promise<void> {
    const { context } = this
    switch (action.type) {
      case 'send': {
        // An announcement also goes out on the topic: sent directly only where a connection is up. An
        // aggregator dialling every member while every member dials it back doubled its connections
        // (400 for 200 members), past the connection limit, and the pruner cut members' key advertisements.
        if (action.message === 'announcement' && !context.connected(action.to.peerId)) return
        const signal = this.signal(action.scope, action.deadline)
        void context.messenger.send(action.to.peerId, action.route, action.message, action.bytes, { signal })
          .catch((err: Error) => { context.log('could not send %s to %p: %s', action.message, action.to.peerId, err.message) })
        return
      }
      case 'upload': {
        const signal = this.signal(action.scope, action.deadline)
        if (action.to.id === context.self.id) {
          void (async () => {
            for await (const chunk of action.chunks) {
              if (signal.aborted) return
              await this.input(async () => { await this.core.uploadChunk(context.self, action.route, chunk) })
            }
          })().catch((err: Error) => { context.log('own masked input stopped: %s', err.message) })
          return
        }
        void context.messenger.sendMaskedInput(action.to.peerId, action.route, action.chunks, { signal })
          .catch((err: Error) => { context.log('masked input did not reach the aggregator: %s', err.message) })
        return
      }
      case 'probe':
        for (const peer of action.peers) this.probe(peer, action.ping)
        return
      case 'end-scope':
        this.scopes.get(action.scope)?.abort(new Error('the attempt ended'))
        this.scopes.delete(action.scope)
        return
      case 'publish':
        await context.publish({
          ...(action.presence !== undefined ? { presence: { latestRound: BigInt(action.presence.latestRound), ready: action.presence.ready, addresses: context.addresses() as Array<Uint8Array<ArrayBuffer>> } } : {}),
          ...(action.announcement !== undefined ? { announcement: action.announcement as Uint8Array<ArrayBuffer> } : {}),
          ...(action.result !== undefined ? { result: { round: BigInt(action.result.round), attempt: action.result.attempt } } : {}),
          ...(action.misbehaviour !== undefined ? { misbehaviour: { round: BigInt(action.misbehaviour.round), attempt: action.misbehaviour.attempt, proof: action.misbehaviour.proof as Uint8Array<ArrayBuffer> } } : {}),
          ...(action.peerLost !== undefined ? { peerLost: { round: BigInt(action.peerLost.round), attempt: action.peerLost.attempt, peer: action.peerLost.peer as Uint8Array<ArrayBuffer> } } : {}),
          ...(action.closedRound !== undefined ? { closedRound: BigInt(action.closedRound) } : {})
        })
        return
      case 'fetch-result': {
        const from = action.from
        void context.messenger.fetchResult(from.peerId, this.session.id, action.round, this.core.maxMessageLength(), { signal: AbortSignal.timeout(this.session.config.announceTimeout) })
          .catch((err: Error) => {
            context.log('could not fetch a result from %p: %s', from.peerId, err.message)
            return undefined
          })
          .then(async (bytes) => { await this.input(async () => { await this.core.fetched(from, bytes) }) })
        return
      }
      case 'persist':
        await context.store?.save(this.session.idHex, action.record, action.latestChanged)
        return
      case 'settle':
        this.waiting.get(action.update)?.resolve(action.result)
        this.waiting.delete(action.update)
        return
      case 'reject':
        this.waiting.get(action.update)?.reject(action.error)
        this.waiting.delete(action.update)
        if (!(action.error instanceof RoundFailedError)) context.log.error('an update was rejected: %s', action.error.message)
        return
      case 'progress':
        context.progress(action.progress)
        return
      case 'dropout':
        context.dropout(action.dropout)
        return
      case 'result':
        context.result(action.result)
        return
      case 'fetched':
        context.fetched(action.outcome)
        return
      case 'log':
        context.log(action.message)
    }
  }
}

/** The identity of a peer, if it has an Ed25519 key (no other kind can sign in a session). */
function toIdentity (peer: PeerId): Identity | undefined {
  try {
    return identityOf(peer)
  } catch {
    return undefined
  }
}
