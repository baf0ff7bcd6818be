/**
 * One joined session: its membership view, its latest result, and the round this peer's update waits
 * for. It drives the protocol core's state machines over the network: it elects each attempt's
 * aggregator from the beacon, runs the Aggregator when that is this peer, feeds the Participant the
 * elected aggregator's messages, keeps every phase's deadline, and moves to the next attempt, with
 * the next-ranked aggregator and fresh keys, when an attempt fails.
 */
import { Aggregator } from '../protocol/round/aggregator/aggregator.js'
import { Participant } from '../protocol/round/participant/participant.js'
import { electAggregator, genesisBeacon, nextBeacon } from '../protocol/election.js'
import { assertValidUpdate } from '../protocol/encoding/quantize.js'
import { packedLength } from '../protocol/encoding/bit-pack.js'
import { Announcement, Signed } from '../protocol/pb/messages.js'
import { equalBytes } from '../protocol/crypto/bytes.js'
import { identityFromBytes, identityOf } from '../protocol/crypto/identity.js'
import { systemRandom } from '../protocol/crypto/random.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidUpdateError, RoundFailedError, UpdatePendingError } from './errors.js'
import { Membership } from './membership.js'
import { verifyResult } from './result-verification.js'
import { Notice, type Presence } from './pb/network.js'
import { EarlyAnnouncements, isAnnouncementBy, isResultFor, keysTakenUntil, type AttemptRef } from './announcements.js'
import { PRESENCE_PUBLISHERS, PRESENCE_TTL_INTERVALS } from './constants.js'
import type { Messenger, RouteInfo, UploadSink } from './messenger.js'
import type { Session } from './session-config.js'
import type { CryptoSuite } from '../protocol/crypto/suite.js'
import type { Identity } from '../protocol/crypto/identity.js'
import type { AbortReason } from '../protocol/round/errors.js'
import type { MessageType, RoundEvent, RoundOutcome, Step } from '../protocol/round/events.js'
import type { Phase } from '../protocol/round/phases.js'
import type { Logger, PeerId, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Where a round is, for applications that show progress. */
export interface RoundProgress {
  session: string
  round: number
  attempt: number
  phase: Phase
  role: 'participant' | 'aggregator'
  /** The aggregator of this attempt. */
  aggregator: string
}

/** What aggregate() resolves with. */
export interface AggregateResult {
  session: string
  round: number
  attempt: number
  aggregator: string
  /** Peers in the round's roster. */
  participants: string[]
  /** Peers whose updates are in the sum. */
  survivors: string[]
  /** The weighted sum of the survivors' (clipped, quantized) updates. */
  sum: Float64Array
  /** The sum of their weights. */
  weightSum: number
  /** sum / weightSum. */
  mean: Float64Array
  /**
   * Coordinates of this peer's update that lay outside the session's [-clip, clip] and were clipped to
   * it: many, round after round, mean the clip range is too narrow for the updates (docs/parameters.md).
   */
  clipped: number
  /**
   * The round's result as its aggregator signed it, with the survivors' consistency signatures: anyone
   * holding the session can check it (`verifyResult`), and the next round's beacon is its hash.
   */
  signedResult: Uint8Array
}

export interface AggregateOptions {
  /** The update's weight, such as its sample count; the session's maxWeight by default. */
  weight?: number
  signal?: AbortSignal
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
  progress: (progress: RoundProgress) => void
  result: (result: AggregateResult) => void
  /** The session's latest result is now one this peer took no part in, fetched from a member and checked. */
  fetched: (outcome: RoundOutcome) => void
  log: Logger
  presenceInterval: number
  /** How long a member that got ready waits for the others' presence before electing the aggregator. */
  gatherDelay: number
  clockSkew?: number
}

interface Attempt {
  round: number
  number: number
  /**
   * The aggregator this peer follows, elected on its view when it has gathered the members' presence.
   * Announcements that come before are kept in `early` until then.
   */
  elected?: Identity
  early: EarlyAnnouncements
  participant?: Participant
  aggregator?: Aggregator
  timers: Array<ReturnType<typeof setTimeout>>
  /** Aborts this attempt's network operations when it ends. */
  controller: AbortController
  lastAbort?: AbortReason | 'no-announcement'
  /** Coordinates of this peer's update clipped when its masked input was encoded. */
  clipped: number
}

interface Pending {
  round: number
  update: Float32Array
  weight: number
  /** The same rounding in every attempt of the round, so their sums differ only by whole inputs. */
  roundingSeed: Uint8Array
  /** The survivors a later attempt must have, once this peer revealed shares in one that failed. */
  requiredSurvivors?: ReadonlySet<string>
  /** The last attempt this call of aggregate() may take part in: maxAttempts from its first. */
  lastAttempt: number
  /** Announcements of later attempts, kept for when this peer's own deadlines bring it there. */
  ahead: Map<number, Uint8Array>
  /**
   * Attempts of its round this update's masked input went out in: one of them may still finish with it
   * among the survivors after this peer has moved on, and that result is this update's.
   */
  maskedIn: Set<number>
  resolve: (result: AggregateResult) => void
  reject: (err: Error) => void
  attempt?: Attempt
}

export class SessionRunner {
  private latest: RoundOutcome | undefined
  private pending: Pending | undefined
  private readonly membership: Membership
  /** The members of a closed session; undefined when it is open. */
  private readonly members: ReadonlySet<string> | undefined
  /**
   * A closed session's members, the peers its aggregators are elected from: every member's view of
   * them is the same, so no presence has to spread before an election. Undefined in an open session,
   * whose aggregators are elected from the members heard ready.
   */
  private readonly listed: Identity[] | undefined
  /** How often this member publishes its presence: the node's interval, longer in a large closed session. */
  private readonly presenceInterval: number
  private presenceTimer: ReturnType<typeof setInterval> | undefined
  private firstPresence: ReturnType<typeof setTimeout> | undefined
  /** Members a result is being fetched from now (FETCHES_AT_ONCE at most, one each). */
  private readonly fetching = new Set<string>()
  private attempts = { round: 0, joined: new Set<number>(), next: 0 }

  constructor (readonly session: Session, private readonly context: RunnerContext) {
    const { members } = session.config
    this.members = members === 'open' ? undefined : new Set(members)
    this.listed = members === 'open' ? undefined : members.map(id => identityOf(peerIdFromString(id)))
    this.presenceInterval = context.presenceInterval * (members === 'open' ? 1 : Math.max(1, members.length / PRESENCE_PUBLISHERS))
    this.membership = new Membership(this.presenceInterval * PRESENCE_TTL_INTERVALS, this.isMember)
  }

  /** Peers a participant accepts in a roster, and whose presence counts: the session's members. */
  private readonly isMember = (identity: Identity): boolean => this.members?.has(identity.id) ?? true

  /** Whether a peer may speak in this session at all: anyone in an open one, only members in a closed one. */
  admits (peer: PeerId): boolean {
    return this.members?.has(peer.toString()) ?? true
  }

  /** Where a member of this session said it can be dialled. */
  addressesOf (peer: PeerId): Multiaddr[] {
    return this.membership.addresses(peer)
  }

  /** The members heard from on the session topic within the last few presence intervals. */
  heardMembers (): PeerId[] {
    return this.membership.known(Date.now()).map(member => member.peerId)
  }

  get latestResult (): RoundOutcome | undefined {
    return this.latest
  }

  private get nextRound (): number {
    return (this.latest?.round ?? 0) + 1
  }

  private get beacon (): Uint8Array {
    return this.latest === undefined ? genesisBeacon(this.session.id) : nextBeacon(this.session.id, this.latest.signedResult)
  }

  start (): void {
    // Where presence is rarer than the node's interval, the first still goes out after one interval: a
    // member that restarted on new addresses is dialled there, not at its old ones, within seconds.
    if (this.presenceInterval > this.context.presenceInterval) this.firstPresence = setTimeout(() => { void this.announcePresence() }, this.context.presenceInterval)
    this.presenceTimer = setInterval(() => { void this.announcePresence() }, this.presenceInterval)
  }

  stop (): void {
    clearTimeout(this.firstPresence)
    clearInterval(this.presenceTimer)
    this.fail('left', 'the session was left')
  }

  /** Submits an update for the next round; resolves with that round's result. */
  async aggregate (update: Float32Array, options: AggregateOptions = {}): Promise<AggregateResult> {
    if (this.pending !== undefined) throw new UpdatePendingError('an update is already waiting for its round in this session')
    const { params } = this.session
    const weight = options.weight ?? params.encoding.maxWeight
    try {
      assertValidUpdate(update, params.dimension, weight, params.encoding)
    } catch (err: any) {
      throw new InvalidUpdateError(err.message)
    }
    options.signal?.throwIfAborted()
    const result = new Promise<AggregateResult>((resolve, reject) => {
      this.pending = { round: this.nextRound, update, weight, roundingSeed: systemRandom(16), lastAttempt: 0, ahead: new Map(), maskedIn: new Set(), resolve, reject }
    })
    const onAbort = (): void => { this.fail('left', 'aggregate() was aborted', options.signal?.reason) }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    // An open session elects among the members heard ready, so say so now. A closed one elects from its
    // list: n members each telling n others would be n^2 messages a round for nothing.
    if (this.listed === undefined) void this.announcePresence()
    this.beginRound(this.pending!)
    try {
      return await result
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
    }
  }

  private presence (): Presence {
    return { latestRound: BigInt(this.latest?.round ?? 0), ready: this.pending !== undefined, addresses: this.context.addresses() as Array<Uint8Array<ArrayBuffer>> }
  }

  private async announcePresence (): Promise<void> {
    await this.context.publish({ presence: this.presence() })
  }

  private readyMembers (): Identity[] {
    return this.membership.ready(this.latest?.round ?? 0, this.pending === undefined ? undefined : this.context.self, Date.now())
  }

  /** The peers an attempt's aggregator is elected from. */
  private eligible (): Identity[] {
    return this.listed ?? this.readyMembers()
  }

  private elect (round: number, attempt: number): Identity {
    return electAggregator(this.session.id, round, attempt, this.beacon, this.eligible())
  }

  /**
   * The attempts of a round this peer has started, and those it made keys in, over every call of
   * aggregate(): an update retried after a failed round goes on from the attempts it has used, and never
   * joins one twice (that attempt's aggregator would hold two sets of its keys).
   */
  private attemptsIn (round: number): { joined: Set<number>, next: number } {
    if (this.attempts.round !== round) this.attempts = { round, joined: new Set(), next: 0 }
    return this.attempts
  }

  /** Starts the pending update's round, at the first attempt this peer has not started in it. */
  private beginRound (pending: Pending): void {
    const first = this.attemptsIn(pending.round).next
    pending.lastAttempt = first + this.session.config.maxAttempts - 1
    pending.ahead = new Map()
    pending.maskedIn = new Set()
    this.startAttempt(first)
  }

  private startAttempt (number: number): void {
    const pending = this.pending
    if (pending === undefined) return
    const started = this.attemptsIn(pending.round)
    started.next = Math.max(started.next, number + 1)
    const attempt: Attempt = { round: pending.round, number, timers: [], controller: new AbortController(), early: new EarlyAnnouncements(), clipped: 0 }
    pending.attempt = attempt
    const { announceTimeout } = this.session.config
    // In an open session the members' presence needs a moment to spread: elect the aggregator on the
    // view it gives then. A closed session's list is the same everywhere already.
    const gatherDelay = this.listed === undefined ? Math.min(this.context.gatherDelay, announceTimeout / 2) : 0
    attempt.timers.push(setTimeout(() => {
      if (attempt.elected !== undefined) return
      const elected = this.elect(pending.round, number)
      attempt.elected = elected
      this.context.log('round %d attempt %d: %s is elected', pending.round, number, elected.id)
      if (elected.id === this.context.self.id) {
        void this.runAggregator(attempt)
        return
      }
      const early = attempt.early.take(elected) ?? pending.ahead.get(number)
      if (early !== undefined) void this.onAnnouncement(attempt, early)
    }, gatherDelay))
    attempt.timers.push(setTimeout(() => {
      if (attempt.participant === undefined) this.nextAttempt(attempt, 'no-announcement')
    }, announceTimeout))
  }

  private endAttempt (attempt: Attempt): void {
    for (const timer of attempt.timers) clearTimeout(timer)
    attempt.controller.abort(new Error('the attempt ended'))
    void attempt.aggregator?.abort('timeout', 'the attempt ended')
  }

  private nextAttempt (attempt: Attempt, reason: AbortReason | 'no-announcement'): void {
    const pending = this.pending
    if (pending === undefined || pending.attempt !== attempt) return
    attempt.lastAbort = reason
    this.endAttempt(attempt)
    // Shares revealed in a failed attempt may have given its aggregator that attempt's sum: a later
    // attempt must then sum exactly the same survivors less that aggregator, or the difference of the
    // two sums would expose single inputs.
    const revealed = attempt.participant?.revealedSurvivors
    if (revealed !== undefined) pending.requiredSurvivors = new Set(revealed.filter(id => id !== attempt.elected?.id))
    let next = attempt.number + 1
    while (this.attemptsIn(pending.round).joined.has(next)) next++
    if (next > pending.lastAttempt) {
      this.fail('max-attempts', `all ${this.session.config.maxAttempts} attempts failed; the last: ${reason}`)
      return
    }
    this.startAttempt(next)
  }

  private fail (failure: 'max-attempts' | 'left', message: string, cause?: unknown): void {
    const pending = this.pending
    if (pending === undefined) return
    this.pending = undefined
    if (pending.attempt !== undefined) this.endAttempt(pending.attempt)
    const error = new RoundFailedError(failure, pending.round, pending.attempt?.lastAbort, message, pending.requiredSurvivors !== undefined)
    if (cause !== undefined) error.cause = cause
    pending.reject(error)
    void this.announcePresence()
  }

  private route (attempt: Attempt): RouteInfo {
    return { session: this.session.id, round: attempt.round, attempt: attempt.number }
  }

  /** The deadline signal of an attempt's network operations: the phase's deadline, or the attempt's end. */
  private signalUntil (attempt: Attempt, deadline: number | undefined): AbortSignal {
    const signals = [attempt.controller.signal]
    if (deadline !== undefined) signals.push(AbortSignal.timeout(Math.max(0, deadline - Date.now())))
    return AbortSignal.any(signals)
  }

  // ---- the aggregator role -------------------------------------------------------------------------

  private async runAggregator (attempt: Attempt): Promise<void> {
    const pending = this.pending
    if (pending === undefined || pending.attempt !== attempt) return
    const expected = this.readyMembers()
    const aggregator = new Aggregator({
      params: this.session.params,
      round: pending.round,
      attempt: attempt.number,
      beacon: this.beacon,
      identity: this.context.self,
      privateKey: this.context.privateKey,
      crypto: this.context.crypto,
      random: systemRandom,
      now: Date.now,
      // Keys are taken until all the peers that may come have advertised, or the phase's deadline.
      expectedParticipants: (this.listed ?? expected).length,
      isMember: this.isMember
    })
    attempt.aggregator = aggregator
    await this.onAggregatorStep(attempt, await aggregator.announce(), expected)
  }

  private async onAggregatorStep (attempt: Attempt, step: Step, recipients?: Identity[]): Promise<void> {
    const aggregator = attempt.aggregator
    if (aggregator === undefined) return
    this.reportEvents(attempt, step.events, 'aggregator')
    // The aggregator holds its own result before anyone asks for it.
    for (const event of step.events) if (event.type === 'result') this.succeed(event.outcome)
    for (const message of step.messages) {
      if (message.to !== 'all') {
        this.deliverFromAggregator(attempt, message.to, message.type, message.bytes)
      } else if (message.type === 'announcement') {
        // With this peer's presence, so members that have never heard of it can dial it with their keys;
        // and again every (unscaled) presence interval while keys are taken, for members that get ready
        // later: one aggregator's repeats add little gossip, and a closed session's presence is too rare.
        const announce = async (): Promise<void> => this.context.publish({ presence: this.presence(), announcement: message.bytes as Uint8Array<ArrayBuffer> })
        await announce()
        const repeat = setInterval(() => { if (aggregator.status === 'advertise-keys') void announce(); else clearInterval(repeat) }, this.context.presenceInterval)
        attempt.timers.push(repeat)
        for (const member of recipients ?? this.readyMembers()) this.deliverFromAggregator(attempt, member.bytes, message.type, message.bytes)
      } else {
        const outcome = step.events.find((e): e is Extract<RoundEvent, { type: 'result' }> => e.type === 'result')?.outcome
        for (const participant of outcome?.participants ?? []) this.deliverFromAggregator(attempt, this.identityOf(participant), message.type, message.bytes)
        await this.context.publish({ result: { round: BigInt(attempt.round), attempt: attempt.number } })
      }
    }
    const deadline = aggregator.nextDeadline()
    if (deadline !== undefined) {
      attempt.timers.push(setTimeout(() => { void aggregator.handleTimeout(Date.now()).then(async s => this.onAggregatorStep(attempt, s)) }, Math.max(0, deadline - Date.now())))
    }
  }

  private identityOf (id: string): Uint8Array {
    return this.readyMembers().find(m => m.id === id)?.bytes ?? peerBytes(id)
  }

  /** Sends an aggregator message to a participant: over the network, or to this peer's own participant. */
  private deliverFromAggregator (attempt: Attempt, to: Uint8Array, type: MessageType, bytes: Uint8Array): void {
    if (equalBytes(to, this.context.self.bytes)) {
      void this.toParticipant(attempt, this.context.self, type, bytes)
      return
    }
    const peer = peerIdOfBytes(to)
    // The result outlives the attempt (this peer's own participant may finish first); the rest ends with it.
    const signal = type === 'result' ? AbortSignal.timeout(this.session.config.announceTimeout) : this.signalUntil(attempt, attempt.aggregator?.nextDeadline())
    void this.context.messenger.send(peer, this.route(attempt), type, bytes, { signal })
      .catch((err: Error) => { this.context.log('could not send %s to %p: %s', type, peer, err.message) })
  }

  private async toAggregator (attempt: Attempt, from: Identity, type: MessageType, bytes: Uint8Array): Promise<void> {
    const aggregator = attempt.aggregator
    if (aggregator === undefined) return
    await this.onAggregatorStep(attempt, await aggregator.handle(from, type, bytes))
  }

  // ---- the participant role ------------------------------------------------------------------------

  private async toParticipant (attempt: Attempt, from: Identity, type: MessageType, bytes: Uint8Array): Promise<void> {
    const participant = attempt.participant
    if (participant === undefined) {
      if (type === 'announcement') await this.onAnnouncement(attempt, bytes)
      return
    }
    await this.onParticipantStep(attempt, await participant.handle(from, type, bytes))
  }

  private attemptRef (attempt: Attempt): AttemptRef {
    return { session: this.session.id, round: attempt.round, attempt: attempt.number, beacon: this.beacon }
  }

  private async onAnnouncement (attempt: Attempt, bytes: Uint8Array): Promise<void> {
    const pending = this.pending
    if (pending === undefined || pending.attempt !== attempt || attempt.participant !== undefined) return
    const elected = attempt.elected
    if (elected === undefined) {
      await attempt.early.keep(bytes, this.attemptRef(attempt), this.eligible())
      return
    }
    // Follow only the aggregator this peer's own view elects (another peer's view may differ), and only
    // an announcement it signed for this attempt: anything else is dropped, not a reason to abort.
    if (!await isAnnouncementBy(bytes, elected, this.attemptRef(attempt))) {
      this.context.log('ignored an announcement of round %d attempt %d not signed for it by %s, whom this view elects', pending.round, attempt.number, elected.id)
      return
    }
    if (this.pending !== pending || pending.attempt !== attempt || attempt.participant !== undefined) return
    const participant = new Participant({
      params: this.session.params,
      round: pending.round,
      attempt: attempt.number,
      beacon: this.beacon,
      aggregator: elected,
      identity: this.context.self,
      privateKey: this.context.privateKey,
      update: pending.update,
      weight: pending.weight,
      roundingSeed: pending.roundingSeed,
      requiredSurvivors: pending.requiredSurvivors,
      clockSkew: this.context.clockSkew,
      crypto: this.context.crypto,
      random: systemRandom,
      now: Date.now,
      isMember: this.isMember
    })
    attempt.participant = participant
    this.attemptsIn(pending.round).joined.add(attempt.number)
    await this.onParticipantStep(attempt, await participant.handle(elected, 'announcement', bytes))
  }

  private async onParticipantStep (attempt: Attempt, step: Step): Promise<void> {
    const participant = attempt.participant!
    this.reportEvents(attempt, step.events, 'participant')
    for (const message of step.messages) await this.sendToAggregator(attempt, message.type, message.bytes)
    if (participant.status === 'masked-input') void this.uploadMaskedInput(attempt, participant)
    for (const event of step.events) {
      if (event.type === 'result') this.succeed(event.outcome)
      if (event.type === 'aborted') this.nextAttempt(attempt, event.reason)
    }
    const deadline = participant.nextDeadline()
    if (deadline !== undefined && this.pending?.attempt === attempt) {
      attempt.timers.push(setTimeout(() => { void this.onParticipantStep(attempt, participant.handleTimeout(Date.now())) }, Math.max(0, deadline - Date.now())))
    }
  }

  private async sendToAggregator (attempt: Attempt, type: MessageType, bytes: Uint8Array): Promise<void> {
    if (attempt.elected!.id === this.context.self.id) {
      await this.toAggregator(attempt, this.context.self, type, bytes)
      return
    }
    await this.context.messenger.send(attempt.elected!.peerId, this.route(attempt), type, bytes, { signal: this.signalUntil(attempt, attempt.participant?.nextDeadline()) })
      .catch((err: Error) => { this.context.log('could not send %s to the aggregator: %s', type, err.message) })
  }

  private uploading = new WeakSet<Participant>()

  private async uploadMaskedInput (attempt: Attempt, participant: Participant): Promise<void> {
    if (this.uploading.has(participant)) return
    this.uploading.add(participant)
    if (this.pending?.attempt === attempt) this.pending.maskedIn.add(attempt.number)
    // The core enters consistency-check with its last chunk, which is no Step with events: say so here.
    const checking = (): void => { this.reportEvents(attempt, [{ type: 'phase', phase: 'consistency-check' }], 'participant') }
    const chunks = (async function * () {
      for await (const chunk of participant.maskedInput()) {
        attempt.clipped = chunk.clipped
        if (chunk.last) checking()
        yield chunk.bytes
      }
    })()
    try {
      if (attempt.elected!.id === this.context.self.id) {
        for await (const chunk of chunks) await this.toAggregator(attempt, this.context.self, 'masked-input', chunk)
      } else {
        await this.context.messenger.sendMaskedInput(attempt.elected!.peerId, this.route(attempt), chunks, { signal: this.signalUntil(attempt, participant.nextDeadline()) })
      }
    } catch (err: any) {
      this.context.log('masked input did not reach the aggregator: %s', err.message)
    }
  }

  private succeed (outcome: RoundOutcome): void {
    const pending = this.pending
    if (pending === undefined || pending.round !== outcome.round) {
      this.adopt(outcome)
      return
    }
    this.pending = undefined
    this.adopt(outcome)
    if (pending.attempt !== undefined) {
      for (const timer of pending.attempt.timers) clearTimeout(timer)
    }
    const result = resultOf(this.session, outcome, pending.attempt?.clipped ?? 0)
    pending.resolve(result)
    this.context.result(result)
    // No presence now: every member checks it against n others, and the round's members learn the new
    // round from its result anyway; the next periodic one says this peer is no longer ready.
  }

  /** Takes a newer result as the session's latest; an update waiting for an older round moves on. */
  private adopt (outcome: RoundOutcome): void {
    if (this.latest !== undefined && outcome.round <= this.latest.round) return
    this.latest = outcome
    const pending = this.pending
    if (pending !== undefined && pending.round <= outcome.round) {
      if (pending.attempt !== undefined) this.endAttempt(pending.attempt)
      pending.round = outcome.round + 1
      this.beginRound(pending)
    }
  }

  private reportEvents (attempt: Attempt, events: RoundEvent[], role: 'participant' | 'aggregator'): void {
    const round = this.pending?.round ?? this.nextRound
    for (const event of events) {
      if (event.type === 'phase') this.context.progress({ session: this.session.idHex, round, attempt: attempt.number, phase: event.phase, role, aggregator: attempt.elected?.id ?? '' })
      if (event.type === 'aborted' || event.type === 'excluded') this.context.log('round %d attempt %d %s: %s %s (%s)', round, attempt.number, role, event.type, event.reason, event.message)
    }
  }

  // ---- inbound -------------------------------------------------------------------------------------

  /** The attempt a message's route belongs to, if it is the current one. */
  private attemptFor (route: RouteInfo): Attempt | undefined {
    const attempt = this.pending?.attempt
    return attempt !== undefined && route.round === attempt.round && route.attempt === attempt.number ? attempt : undefined
  }

  /**
   * An announcement for another attempt of this peer's round, signed by the peer this view elects for
   * it (so no one else can move peers between attempts). Members move to the next attempt on their own
   * deadlines, counted from when each got its update, so on a loaded network they drift apart across
   * attempts, none with enough participants. These rules bring them back together in the earliest
   * attempt still taking keys:
   * - an earlier attempt this peer made no keys in, still taking keys: go back to it, unless this
   *   peer's masked input may already be in the current one, or it aggregates one past taking keys;
   * - a later attempt: go now if the current one has heard no announcement (its aggregator may be
   *   gone), else keep it for when this peer's own deadlines bring it there.
   * An attempt is never joined twice: its aggregator would hold two sets of keys from one peer.
   */
  private async otherAttempt (route: RouteInfo, bytes: Uint8Array): Promise<void> {
    const pending = this.pending
    const current = pending?.attempt
    if (pending === undefined || current === undefined || route.round !== current.round || route.attempt === current.number) return
    if (route.attempt > pending.lastAttempt || this.attemptsIn(route.round).joined.has(route.attempt)) return
    const elected = this.elect(route.round, route.attempt)
    if (elected.id === this.context.self.id || !await isAnnouncementBy(bytes, elected, { ...this.attemptRef(current), attempt: route.attempt })) return
    if (this.pending !== pending || pending.attempt !== current) return
    const move = route.attempt < current.number
      ? (keysTakenUntil(bytes) ?? 0) > Date.now() && mayLeave(current)
      : current.participant === undefined && current.aggregator === undefined
    if (!move) {
      if (route.attempt > current.number) pending.ahead.set(route.attempt, bytes)
      return
    }
    this.context.log('round %d: from attempt %d to attempt %d, announced by %s', route.round, current.number, route.attempt, elected.id)
    current.lastAbort = current.participant === undefined ? 'no-announcement' : 'timeout'
    this.endAttempt(current)
    this.startAttempt(route.attempt)
    const next = pending.attempt
    if (next === undefined || next === current) return
    next.elected = elected
    await this.onAnnouncement(next, bytes)
  }

  /** The largest message the session takes: a result carries the packed sum and the survivors' signatures. */
  maxMessageLength (): number {
    const { encoding, dimension } = this.session.params
    return packedLength(dimension + 1, encoding.modulusBits) + encoding.maxParticipants * 512 + 65536
  }

  async deliver (from: PeerId, route: RouteInfo, type: MessageType, bytes: Uint8Array): Promise<void> {
    const attempt = this.attemptFor(route)
    if (attempt === undefined) {
      if (type === 'result') await this.consider(bytes)
      if (type === 'announcement') await this.otherAttempt(route, bytes)
      return
    }
    let sender: Identity
    try {
      sender = identityOfPeer(from)
    } catch {
      return
    }
    // Announcements and results are screened whoever sends them, the aggregator included: one replayed
    // from another round, handed to a participant already past its own announcement, would abort it.
    if (type === 'announcement') {
      await this.onAnnouncement(attempt, bytes)
    } else if (type === 'result' && !isResultFor(bytes, this.attemptRef(attempt))) {
      await this.consider(bytes)
    } else if (PARTICIPANT_BOUND.has(type)) {
      if (sender.id === attempt.elected?.id) await this.toParticipant(attempt, sender, type, bytes)
    } else {
      await this.toAggregator(attempt, sender, type, bytes)
    }
  }

  /** A masked-input upload, admitted only while this peer aggregates the attempt it is for. */
  upload (from: PeerId, route: RouteInfo): UploadSink | undefined {
    const attempt = this.attemptFor(route)
    const aggregator = attempt?.aggregator
    if (attempt === undefined || aggregator === undefined) return undefined
    let sender: Identity
    try {
      sender = identityOfPeer(from)
    } catch {
      return undefined
    }
    if (!aggregator.awaitsMaskedInput(sender)) return undefined
    return {
      maxFrameLength: this.maxMessageLength(),
      deadline: aggregator.nextDeadline() ?? Date.now(),
      accept: async (chunk) => { await this.toAggregator(attempt, sender, 'masked-input', chunk) },
      abandon: async () => { await this.onAggregatorStep(attempt, await aggregator.abandonUpload(sender)) }
    }
  }

  /** A notice from the session topic, already signed by `from` (gossipsub checks that). */
  async onNotice (from: PeerId, notice: Notice): Promise<void> {
    if (notice.presence != null) this.membership.heard(from, Number(notice.presence.latestRound), notice.presence.ready, Date.now(), notice.presence.addresses)
    if (notice.announcement != null) {
      await this.onGossipedAnnouncement(notice.announcement)
    } else if (notice.presence != null) {
      await this.catchUp(from, Number(notice.presence.latestRound))
    } else if (notice.result != null && Number(notice.result.round) > (this.latest?.round ?? 0)) {
      // A participant of that round under that aggregator gets the result directly; the others fetch it.
      const attempt = this.pending?.attempt
      const taking = attempt?.round === Number(notice.result.round) && attempt.participant !== undefined && attempt.elected?.peerId.equals(from) === true
      if (!taking) await this.fetchFrom(from)
    }
  }

  private async onGossipedAnnouncement (bytes: Uint8Array): Promise<void> {
    let route: RouteInfo
    try {
      const announcement = Announcement.decode(Signed.decode(bytes).body)
      route = { session: announcement.ref!.session, round: Number(announcement.ref!.round), attempt: announcement.ref!.attempt }
    } catch {
      return
    }
    if (!equalBytes(route.session, this.session.id)) return
    const attempt = this.attemptFor(route)
    if (attempt !== undefined) await this.onAnnouncement(attempt, bytes)
    else await this.otherAttempt(route, bytes)
  }

  /**
   * Fetches a later result from the member whose presence says it has one, when this peer falls behind:
   * between attempts, or in the middle of one when the member already holds the result of this peer's
   * round (see consider() for when that result is this peer's own). Asking whoever speaks next, rather
   * than one member chosen from the view, means one busy or lying member cannot keep a peer behind.
   */
  private async catchUp (from: PeerId, theirRound: number): Promise<void> {
    if (theirRound <= (this.latest?.round ?? 0)) return
    const pending = this.pending
    if (pending?.attempt?.participant === undefined || theirRound >= pending.round) await this.fetchFrom(from)
  }

  private async fetchFrom (peer: PeerId): Promise<void> {
    const id = peer.toString()
    if (this.fetching.has(id) || this.fetching.size >= FETCHES_AT_ONCE) return
    this.fetching.add(id)
    try {
      const bytes = await this.context.messenger.fetchResult(peer, this.session.id, this.maxMessageLength(), { signal: AbortSignal.timeout(this.session.config.announceTimeout) })
      if (bytes !== undefined) await this.consider(bytes)
    } catch (err: any) {
      this.context.log('could not fetch the latest result from %p: %s', peer, err.message)
    } finally {
      this.fetching.delete(id)
    }
  }

  /** Takes a signed result kept from an earlier run as the latest, once it checks out as a fetched one must. */
  async restore (signedResult: Uint8Array): Promise<RoundOutcome> {
    const outcome = await verifyResult(this.session, signedResult)
    this.adopt(outcome)
    return outcome
  }

  /** Adopts a result this peer did not take part in, once it checks out. */
  private async consider (signedResult: Uint8Array): Promise<void> {
    try {
      const outcome = await verifyResult(this.session, signedResult)
      if (outcome.round <= (this.latest?.round ?? 0)) return
      // The result of an attempt this peer sent its masked input in, with it among the survivors, is its
      // own result arriving by another way (perhaps after it timed out there and moved on): its update is
      // in that sum and must not go on to the next round. Any other result of its round means its update
      // is in no sum yet.
      const pending = this.pending
      const ours = pending?.round === outcome.round && pending.maskedIn.has(outcome.attempt) && outcome.survivors.includes(this.context.self.id)
      if (ours) {
        this.succeed(outcome)
      } else {
        this.adopt(outcome)
        this.context.fetched(outcome)
      }
    } catch (err: any) {
      this.context.log('ignored a result: %s', err.message)
    }
  }
}

/**
 * Results fetched at once, from different members: a member that says it is ahead and then never
 * answers holds up one fetch until its timeout, not the peer's catching up.
 */
const FETCHES_AT_ONCE = 2

/** Participant states before any of its masked input is sent. */
const BEFORE_MASKED_INPUT = new Set(['announce', 'advertise-keys', 'share-keys'])

/**
 * Whether a peer may leave an attempt for another: none of its masked input went out in it (so it has
 * revealed no shares there either), and if it aggregates the attempt, it is still only taking keys.
 */
function mayLeave (attempt: Attempt): boolean {
  return BEFORE_MASKED_INPUT.has(attempt.participant?.status ?? 'announce') &&
    (attempt.aggregator === undefined || attempt.aggregator.status === 'advertise-keys')
}

/** Message types that flow from the aggregator to participants. */
const PARTICIPANT_BOUND = new Set<MessageType>(['announcement', 'roster', 'neighbour-keys', 'share-delivery', 'survivor-set', 'consistency-proof', 'result'])

function peerBytes (id: string): Uint8Array {
  return peerIdFromString(id).toMultihash().bytes
}

function peerIdOfBytes (bytes: Uint8Array): PeerId {
  return identityFromBytes(bytes).peerId
}

function identityOfPeer (peer: PeerId): Identity {
  return identityOf(peer)
}

function resultOf (session: Session, outcome: RoundOutcome, clipped: number): AggregateResult {
  return {
    session: session.idHex,
    round: outcome.round,
    attempt: outcome.attempt,
    aggregator: outcome.aggregator,
    participants: outcome.participants,
    survivors: outcome.survivors,
    sum: outcome.sum,
    weightSum: outcome.weightSum,
    mean: outcome.mean,
    clipped,
    signedResult: outcome.signedResult
  }
}
