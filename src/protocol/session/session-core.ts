/**
 * One joined session as a sans-I/O state machine: the counterpart of the round core as quinn-proto's
 * Endpoint is of its Connection. It owns the rounds and their attempts, the election of each attempt's
 * aggregator and the fall-back to the next-ranked one, the screening of announcements and results, the
 * verification and adoption of results, catching up, and the promises a peer's update carries from one
 * attempt to the next. It takes inputs (a message, a notice, a fetched result, an update, a timer) and
 * emits actions (send, publish, persist, settle, ...) through the sink it is given; the clock, the
 * randomness and the timers are the driver's. No input throws: a bad message is dropped or excludes
 * its sender, and an error of the core itself is logged, never thrown into a network handler.
 */
import { Aggregator } from '../round/aggregator/aggregator.js'
import { GroupedAggregator } from '../robust/grouped-aggregator.js'
import { partitionGroups } from '../robust/groups.js'
import { clipL2 } from '../robust/bounds.js'
import { groupParams, groupSessionId } from '../robust/group-params.js'
import type { RobustRoundOutcome } from '../robust/robust-outcome.js'
import { Participant } from '../round/participant/participant.js'
import { electAggregator, genesisBeacon, nextBeacon } from '../election.js'
import { assertValidUpdate } from '../encoding/quantize.js'
import { equalBytes, toHex } from '../crypto/bytes.js'
import { SerialQueue } from '../round/serial-queue.js'
import { Announcement, RoundResult, Signed } from '../pb/messages.js'
import { Membership } from './membership.js'
import { InvalidUpdateError, RoundFailedError, UpdatePendingError, type AttemptEnd, type RoundFailure } from './errors.js'
import { maxTranscriptLength } from '../verification/audit.js'
import { electorate, ForgedResultError, verifyTravelledResult, type ChainPosition } from './result-verification.js'
import { announcementHeader, isAnnouncementBy, resultRef, type AttemptRef } from './screening.js'
import { updateFingerprint, type RoundLedger, type SessionRecord } from './ledger.js'
import { checkBudget, privacyReport, type PrivacyLedger, type PrivacyReport } from '../dp/budget.js'
import { safeNumber } from './numbers.js'
import { verifyDealingProof } from '../round/dealing-proof.js'
import { maxShareDeliveryLength } from '../round/dealing.js'
import type { ActionSink, AggregateResult, AttemptRoute, PresenceNotice } from './actions.js'
import type { CryptoSuite } from '../crypto/suite.js'
import { identityFromBytes, identityOf, type Identity } from '../crypto/identity.js'
import { peerIdFromString } from '@libp2p/peer-id'
import type { RandomSource } from '../crypto/shamir.js'
import type { MessageType, RoundEvent, RoundOutcome, Step } from '../round/events.js'
import type { Session } from '../../node/session-config.js'
import type { PrivateKey } from '@libp2p/interface'

export interface SessionCoreConfig {
  session: Session
  self: Identity
  privateKey: PrivateKey
  crypto: CryptoSuite
  random: RandomSource
  /** Unix milliseconds. */
  now: () => number
  /** Where every action goes, in order. */
  sink: ActionSink
  /** Milliseconds between presence notices (a closed session of more than PRESENCE_PUBLISHERS members stretches it). */
  presenceInterval: number
  /** How long a member of an open session that got ready waits for the others' presence before electing. */
  gatherDelay: number
  /** How far peers' clocks may differ, in ms, before a deadline counts as passed. */
  clockSkew?: number
  /**
   * The driver's loss grace: the unit of its waits before it reports a peer gone.
   */
  lossGrace?: number
}

/**
 * A member told that its aggregator is gone pings it, and moves on if no answer comes within this many
 * loss graces: longer than the grace, as an aggregator busy unmasking a large vector may not answer at
 * once, and it is only a member's word that started the check.
 */
export const PING_GRACES = 3

/**
 * How far past the next round a closedRound notice may reach. Members close only rounds they put an
 * input in, which lie at most a few closed rounds ahead; a bound keeps a lying member from filling
 * memory with rounds.
 */
const CLOSED_ROUNDS_AHEAD = 16

/**
 * In a closed session of n members, each publishes its presence every presenceInterval × n / this (when
 * n is larger): the session as a whole sends about as many presence notices as this many members would,
 * so gossip does not grow with n² (at 50 members on two cores it was most of every daemon's time).
 * Its elections need no presence; only catching up and dialling do, and a few seconds later is fine.
 */
export const PRESENCE_PUBLISHERS = 10

/** A member unheard of for this many presence intervals is no longer counted. */
export const PRESENCE_TTL_INTERVALS = 3

/**
 * Results kept to serve to members catching up one round at a time. A member further behind takes a
 * later result on the strength of its signatures (see verifyResult), so a few rounds suffice.
 */
export const KEPT_RESULTS = 4

/**
 * Results fetched at once, from different members: a member that says it is ahead and then never
 * answers holds up one fetch until its timeout, not the peer's catching up.
 */
export const FETCHES_AT_ONCE = 2

/**
 * Members that must have served a restarted peer a result no newer than its own before it stops asking
 * each member it connects to (peerSeen): the first to answer may have been restarted too, and be as far
 * behind.
 */
export const CATCH_UP_WITNESSES = 3

/** Where an attempt is, as this peer takes part in it. */
export type AttemptStatus =
  /** An open session's member gathers presence before electing. */
  | 'electing'
  /** Elected someone else; waiting for its announcement. */
  | 'awaiting-announcement'
  /** Taking part (as participant, and as aggregator when elected). */
  | 'running'
  /** Over: failed, given up, or finished. */
  | 'ended'

interface Attempt {
  round: number
  number: number
  status: AttemptStatus
  scope: string
  elected?: Identity
  /** Signed announcements that came while electing, by announcer: followed once the election names one. */
  early: Map<string, Uint8Array>
  participant?: Participant
  aggregator?: RoundAggregator
  uploading: boolean
  /** When this peer aggregates: the members whose keys it waits for (their number closes advertise-keys). */
  expected?: ReadonlySet<string>
  /**
   * When this attempt's participants stop waiting for its result (Unix ms), when this peer aggregates
   * it: a result finished later is never sent, published or adopted, or a slow aggregator's sum could
   * meet that of a later attempt that went on without it.
   */
  resultDeadline?: number
  lastAbort?: AttemptEnd
  /** Peers this peer checked after a member said they were gone (each once per attempt). */
  checked: Set<string>
  /** Coordinates of this peer's update clipped when its masked input was encoded. */
  clipped: number
}

interface Pending {
  id: number
  round: number
  update: Float32Array
  weight: number
  fingerprint: Uint8Array
  /** The same rounding in every attempt of the round, so their sums differ only by whole inputs. */
  roundingSeed: Uint8Array
  /** The last attempt this call of aggregate() may take part in: maxAttempts from its first. */
  lastAttempt: number
  /** Announcements of later attempts, kept for when this peer's own deadlines bring it there. */
  ahead: Map<number, Uint8Array>
  attempt?: Attempt
}

interface Timer {
  at: number
  scope: string
  fire: () => Promise<void>
  cancelled?: boolean
}

/** What the core drives an attempt's aggregation through: one round-core instance, or a robust round's groups. */
type RoundAggregator = Pick<Aggregator, 'status' | 'announce' | 'handle' | 'handleTimeout' | 'abandonUpload' | 'peerLost' | 'awaitsMaskedInput' | 'nextDeadline' | 'abort'>

/** Message types that flow from the aggregator to participants. */
const PARTICIPANT_BOUND = new Set<MessageType>(['announcement', 'roster', 'neighbour-keys', 'share-delivery', 'survivor-set', 'consistency-proof', 'result'])

/** Participant states before any of its masked input is sent. */
const BEFORE_MASKED_INPUT = new Set(['announce', 'advertise-keys', 'share-keys'])

const SESSION_SCOPE = 'session'

export class SessionCore {
  private readonly session: Session
  private readonly sink: ActionSink
  private readonly serial = new SerialQueue()
  private readonly membership: Membership
  /** A closed session's members, the peers its aggregators are elected from; undefined when open. */
  private readonly listed: Identity[] | undefined
  private readonly members: ReadonlySet<string> | undefined
  private readonly presenceEvery: number
  private latest: RoundOutcome | undefined
  private readonly kept = new Map<number, Uint8Array>()
  private ledger: RoundLedger | undefined
  /** A DP session's spending, kept for the session's life and across restarts. */
  private readonly privacy: PrivacyLedger = { spent: [] }
  private pending: Pending | undefined
  private updates = 0
  private timers: Timer[] = []
  private readonly fetching = new Set<string>()
  /** The latest round each member said it holds, for catching up one round at a time. */
  private readonly ahead = new Map<string, number>()
  private stopped = false
  /** Members that served this peer a result no newer than its latest since it started (peerSeen). */
  private readonly caughtUpWith = new Set<string>()
  /**
   * Members reported gone (peerLost) and not heard from since, by id, each with the round of the attempt
   * in progress when it was reported (0: none was). An aggregator elected later in that round, which
   * was a participant when they went, waits for none of them. One reported between rounds is the late
   * answer to a probe of the round before (a ping over a link that stays open after its peer died),
   * which may well have been restarted since: an aggregator that counted it gone closed its keys
   * without it while it dialled in, so it is only left out of an open session's elections.
   */
  private readonly gone = new Map<string, number>()
  /** Members proven to have dealt bad shares (a checked dealing proof): left out of every roster for the session. */
  private readonly banned = new Set<string>()
  /**
   * Aggregators this peer saw sign a wrong sum. The only peer a round's fixed survivor set may lose: the
   * true sum over that set is the cheat's alone (it never published it), so the next sum over the set
   * less the cheat tells anyone no more than the cheat's own input.
   */
  private readonly convicted = new Set<string>()
  /**
   * Members that said they will never again put an input in a round (a closedRound notice: an update
   * of theirs was masked in it and failed), by round; only rounds after the latest result.
   */
  private readonly closers = new Map<number, Set<string>>()
  /** A robust session's latest cut of its members (groupsOf). */
  private cut: { key: string, groups: Identity[][], own: number } | undefined

  constructor (private readonly config: SessionCoreConfig) {
    this.session = config.session
    this.sink = config.sink
    const { members } = this.session.config
    this.listed = electorate(this.session)
    this.members = members === 'open' ? undefined : new Set(members)
    this.presenceEvery = config.presenceInterval * (members === 'open' ? 1 : Math.max(1, members.length / PRESENCE_PUBLISHERS))
    this.membership = new Membership(this.presenceEvery * PRESENCE_TTL_INTERVALS)
  }

  // ---- queries (synchronous, no state change) ------------------------------------------------------

  get latestResult (): RoundOutcome | undefined {
    return this.latest
  }

  /** A DP session's budget, what this peer spent of it and what is left; undefined when the session adds no noise. */
  get privacyReport (): PrivacyReport | undefined {
    const { params } = this.session
    if (params.encoding.privacy === undefined) return undefined
    return privacyReport(params.encoding.privacy, Math.floor(params.graph.corruptRate * params.encoding.maxParticipants + 1e-9), this.privacy)
  }

  /** Whether a peer may speak in this session: anyone in an open one, only members in a closed one. */
  admits (peer: Identity): boolean {
    return this.members?.has(peer.id) ?? true
  }

  /** A kept result, as it travels (its transcript), for a member that asks (round 0: the latest); nothing for outsiders. */
  serveResult (from: Identity, round: number): Uint8Array | undefined {
    if (!this.admits(from)) return undefined
    return round === 0 ? this.latest?.transcript : this.kept.get(round)
  }

  /**
   * The largest message the session takes: a result travels in its transcript, with the packed sum and
   * every survivor's commitment (see maxTranscriptLength); a share delivery carries every dealer's
   * commitments (642 KB at n = 1000); a masked-input chunk is far smaller than either.
   */
  maxMessageLength (): number {
    const { params, robust } = this.session
    const n = params.encoding.maxParticipants
    if (robust !== undefined) {
      // a robust round's result carries every group's transcript
      const groups = robust.sizes.map((size, g) => groupParams(params, robust, g, size))
      return Math.max(groups.reduce((total, p, g) => total + maxTranscriptLength(p, robust.sizes[g]) + 16, 0), ...groups.map((p, g) => maxShareDeliveryLength(p, robust.sizes[g])))
    }
    return Math.max(maxTranscriptLength(params, n), maxShareDeliveryLength(params, n))
  }

  /** How long (ms) a member unheard of on the session topic still counts as present. */
  get presenceTtl (): number {
    return this.presenceEvery * PRESENCE_TTL_INTERVALS
  }

  /** When the core next wants `tick()` (Unix ms), if ever. */
  nextWakeup (): number | undefined {
    let next: number | undefined
    for (const timer of this.timers) if (next === undefined || timer.at < next) next = timer.at
    return next
  }

  /** Whether a masked-input upload from this peer for this route is due; its deadline if so. */
  admitUpload (from: Identity, route: AttemptRoute): { deadline: number } | undefined {
    const attempt = this.attemptFor(route)
    const aggregator = attempt?.aggregator
    if (aggregator === undefined || !aggregator.awaitsMaskedInput(from)) return undefined
    return { deadline: aggregator.nextDeadline() ?? this.config.now() }
  }

  /**
   * Whether losing the connections to this peer matters now, so that the driver should watch for its
   * return: it aggregates the attempt this peer is in, or this peer aggregates one, or (a closed
   * session) it is a member this peer would tell its aggregator about (peerLost), since the aggregator
   * may have no connection of its own to it.
   */
  watches (peer: Identity): boolean {
    const attempt = this.pending?.attempt
    return attempt !== undefined && attempt.status !== 'ended' && (attempt.elected?.id === peer.id || attempt.aggregator !== undefined || this.members?.has(peer.id) === true)
  }

  // ---- inputs --------------------------------------------------------------------------------------

  /** Starts the session: resumes from a persisted record, if any, and starts presence. */
  async start (record?: SessionRecord): Promise<void> {
    await this.input(async () => {
      if (record?.latest !== undefined) {
        try {
          this.adopt(await verifyTravelledResult(this.session, this.config.crypto, record.latest))
        } catch (err: any) {
          this.log(`the kept result is unusable (${err.message}); catching up from the members instead`)
        }
      }
      if (record?.round !== undefined && record.round.round > (this.latest?.round ?? 0)) this.ledger = record.round
      if (record?.privacy !== undefined) this.privacy.spent.push(...record.privacy.spent)
      // Where presence is rarer than the node's interval, the first still goes out after one interval:
      // a member that restarted on new addresses is dialled there, not at its old ones, within seconds.
      const now = this.config.now()
      if (this.presenceEvery > this.config.presenceInterval) this.schedule(now + this.config.presenceInterval, SESSION_SCOPE, async () => { this.sink({ type: 'publish', presence: this.presence() }) })
      this.schedule(now + this.presenceEvery, SESSION_SCOPE, async () => { this.presenceLoop() })
    })
  }

  /** Leaves the session: a waiting update is rejected ('left'), timers stop. */
  async stop (): Promise<void> {
    await this.input(async () => {
      this.fail('left', 'the session was left')
      this.stopped = true
      this.timers = []
    })
  }

  /**
   * Takes an update for the next round and returns its id; the outcome arrives as a `settle` or `reject`
   * action with that id. Throws InvalidUpdateError or UpdatePendingError (the caller's mistakes), or
   * PrivacyBudgetError when a DP session's budget has no room for another round. `updateId` names the
   * update across restarts: given again with the same name (by a restarted process that kept it), it
   * resumes the round and promises its record holds; unnamed, every call is a new update.
   */
  submit (update: Float32Array, weight: number | undefined, updateId?: string): number {
    if (this.pending !== undefined) throw new UpdatePendingError('an update is already waiting for its round in this session')
    const { params } = this.session
    const w = weight ?? params.encoding.maxWeight
    try {
      assertValidUpdate(update, params.dimension, w, params.encoding)
    } catch (err: any) {
      throw new InvalidUpdateError(err.message)
    }
    if (params.encoding.privacy !== undefined) checkBudget(params.encoding.privacy, this.privacy, this.nextRound)
    // A robust session's honest peers clip in L2: its groups' sums are checked against that bound.
    const l2Bound = this.session.robust?.l2Bound
    if (l2Bound !== undefined) update = clipL2(update, l2Bound)
    const id = ++this.updates
    // without a name, every call is a new update
    const fingerprint = updateFingerprint(this.session.id, update, w, updateId ?? `unnamed/${toHex(this.config.random(16))}`, this.config.crypto.sha256)
    this.pending = { id, round: this.nextRound, update, weight: w, fingerprint, roundingSeed: this.config.random(16), lastAttempt: 0, ahead: new Map() }
    void this.input(async () => { this.beginPending() })
    return id
  }

  /** Gives up the update `id` (its caller's signal fired). */
  async cancel (id: number, reason: string): Promise<void> {
    await this.input(async () => {
      if (this.pending?.id === id) this.fail('left', reason)
    })
  }

  /** A round message from a peer (the transport authenticated `from`). */
  async message (from: Identity, route: AttemptRoute, type: MessageType, bytes: Uint8Array): Promise<void> {
    await this.input(async () => {
      this.gone.delete(from.id)
      await this.onMessage(from, route, type, bytes)
    })
  }

  /** One chunk of an admitted masked-input upload. */
  async uploadChunk (from: Identity, route: AttemptRoute, bytes: Uint8Array): Promise<void> {
    await this.input(async () => {
      const attempt = this.attemptFor(route)
      if (attempt?.aggregator === undefined) return
      await this.aggregatorStep(attempt, await attempt.aggregator.handle(from, 'masked-input', bytes))
    })
  }

  /** An admitted upload broke off before its last chunk: its sender counts as dropped. */
  async uploadBroken (from: Identity, route: AttemptRoute): Promise<void> {
    await this.input(async () => {
      const attempt = this.attemptFor(route)
      if (attempt?.aggregator === undefined) return
      await this.aggregatorStep(attempt, await attempt.aggregator.abandonUpload(from))
    })
  }

  /**
   * The network layer's word that a member is gone: every connection to it closed, and none could be
   * redialled within a short grace. As this attempt's aggregator, no phase waits for it any longer; as
   * a participant whose aggregator it is, this peer gives the attempt up now and follows the next-ranked
   * peer, rather than waiting out a deadline. Neither accuses it of anything: a peer could always drop
   * out, and one that speaks again is taken as usual. A participant tells the others (once a round per
   * peer): members whose connection to it does not close when it dies (WebRTC), and an aggregator that
   * never had one (a peer restarted just before), would otherwise wait for it until a deadline.
   */
  async peerLost (peer: Identity): Promise<void> {
    await this.input(async () => {
      if (!this.admits(peer) || peer.id === this.config.self.id) return
      const known = this.gone.has(peer.id)
      const attempt = this.pending?.attempt
      const running = attempt !== undefined && attempt.status !== 'ended'
      this.gone.set(peer.id, running ? attempt.round : 0)
      if (!running) return
      await this.lostToAggregator(attempt, peer)
      // (a step of this peer's own aggregator may have ended the attempt meanwhile)
      if (this.pending?.attempt !== attempt) return
      if (attempt.aggregator === undefined && !known) this.sink({ type: 'publish', peerLost: { round: attempt.round, attempt: attempt.number, peer: peer.bytes } })
      if (attempt.elected?.id === peer.id) {
        this.log(`round ${attempt.round} attempt ${attempt.number}: the aggregator ${peer.id} is gone`)
        const status = attempt.participant?.status ?? 'announce'
        const phase = status === 'done' || status === 'aborted' ? 'announce' : status
        this.sink({ type: 'dropout', dropout: { session: this.session.idHex, round: attempt.round, attempt: attempt.number, phase, peer: peer.id, role: 'participant', cause: 'connection-closed' } })
        this.nextAttempt(attempt, 'aggregator-lost')
      }
    })
  }

  /** A connection to the peer opened: one reported gone is back (restarted, say), and no longer left out of waits. */
  async peerSeen (peer: Identity): Promise<void> {
    await this.input(async () => {
      this.gone.delete(peer.id)
      // A member of a closed session restarted while a round ended elsewhere hears of it from presence,
      // which such a session sends seldom and which may take a while to reach it (a gossip mesh forms in
      // heartbeats) while the next round goes on without it: it asks the members it connects to for
      // their latest result until a few have answered with none newer than its own (the first may have
      // been restarted as well, and be as far behind). (An open session's presence comes every
      // interval, and anyone connecting is "admitted" there: relays, strangers.)
      const caughtUp = this.caughtUpWith.size >= Math.min(CATCH_UP_WITNESSES, (this.members?.size ?? 1) - 1)
      if (!caughtUp && !this.caughtUpWith.has(peer.id) && this.members?.has(peer.id) === true && peer.id !== this.config.self.id) this.fetchFrom(peer, 0)
    })
  }

  /** A notice from the session topic, signed by `from` (gossipsub checks that); its numbers as on the wire. */
  async notice (from: Identity, notice: { presence?: { latestRound: bigint, ready: boolean }, announcement?: Uint8Array, result?: { round: bigint, attempt: number }, misbehaviour?: { round: bigint, attempt: number, proof: Uint8Array }, peerLost?: { round: bigint, attempt: number, peer: Uint8Array }, closedRound?: bigint }): Promise<void> {
    await this.input(async () => {
      if (!this.admits(from)) return
      this.gone.delete(from.id)
      if (notice.closedRound !== undefined) {
        const round = safeNumber(notice.closedRound)
        if (round !== undefined) this.closedBy(round, from)
        return
      }
      if (notice.peerLost !== undefined) {
        this.checkPeer(notice.peerLost)
        return
      }
      if (notice.misbehaviour !== undefined) {
        await this.onMisbehaviour(notice.misbehaviour)
        return
      }
      const presence = notice.presence
      const theirRound = presence === undefined ? undefined : safeNumber(presence.latestRound)
      if (presence !== undefined && theirRound !== undefined) this.membership.heard(from, theirRound, presence.ready, this.config.now())
      if (notice.announcement !== undefined) {
        await this.onGossipedAnnouncement(notice.announcement)
      } else if (theirRound !== undefined) {
        this.catchUp(from, theirRound)
      } else if (notice.result !== undefined) {
        const round = safeNumber(notice.result.round)
        if (round === undefined || round <= this.latestRound) return
        // A participant of that round under that aggregator gets the result directly; the others fetch it.
        const attempt = this.pending?.attempt
        const taking = attempt?.round === round && attempt.participant !== undefined && attempt.elected?.id === from.id
        if (!taking) this.fetchFrom(from, round === this.latestRound + 1 ? round : 0)
      }
    })
  }

  /** The answer to a `fetch-result` action (undefined: the member had none, or the fetch failed). */
  async fetched (from: Identity, travelled: Uint8Array | undefined): Promise<void> {
    await this.input(async () => {
      this.fetching.delete(from.id)
      const before = this.latestRound
      if (travelled !== undefined) await this.consider(travelled)
      const served = travelled === undefined ? undefined : resultRef(travelled)?.round
      if (served !== undefined && served <= this.latestRound) this.caughtUpWith.add(from.id)
      // Still behind what that member said it holds: the next round's result, one at a time (not again
      // after one that did not move this peer on, or a member serving a bad one keeps it fetching).
      const theirs = this.ahead.get(from.id) ?? 0
      if (this.latestRound > before && theirs > this.latestRound) this.fetchFrom(from, this.latestRound + 1)
    })
  }

  /** Resolves once every input given so far has been handled (a submitted update's round has begun, say). */
  async idle (): Promise<void> {
    await this.serial.run(async () => {})
  }

  /** Fires the timers that are due. */
  async tick (): Promise<void> {
    await this.input(async () => {
      const now = this.config.now()
      const due = this.timers.filter(t => t.at <= now)
      this.timers = this.timers.filter(t => t.at > now)
      // a timer fired earlier in this tick may have ended the attempt a later one belongs to
      for (const timer of due.sort((a, b) => a.at - b.at)) if (timer.cancelled !== true) await timer.fire()
    })
  }

  /** Runs one input at a time; an error inside is a bug of the core, logged and never thrown. */
  private async input (run: () => Promise<void>): Promise<void> {
    await this.serial.run(async () => {
      if (this.stopped) return
      try {
        await run()
      } catch (err: any) {
        this.log(`internal error: ${err?.message ?? String(err)}`)
      }
    })
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private get latestRound (): number {
    return this.latest?.round ?? 0
  }

  private get nextRound (): number {
    return this.latestRound + 1
  }

  /** The first round after the latest result that can still complete: the next one, past any closed. */
  private get openRound (): number {
    let round = this.nextRound
    while (this.isClosed(round)) round++
    return round
  }

  /**
   * Whether a round can no longer complete: more members of this closed session closed it than the
   * round can do without, so fewer than its minimum of participants could still put an input in it.
   * An open session has no count to hold that against, and never closes a round.
   */
  private isClosed (round: number): boolean {
    return this.listed !== undefined && (this.closers.get(round)?.size ?? 0) > this.listed.length - this.session.params.minParticipants
  }

  private get beacon (): Uint8Array {
    return this.latest === undefined ? genesisBeacon(this.session.id) : nextBeacon(this.session.id, this.latest.signedResult)
  }

  private get chain (): ChainPosition {
    return { round: this.latestRound, beacon: this.beacon, ...(this.latest !== undefined ? { previous: beaconOf(this.latest.signedResult) } : {}) }
  }

  private log (message: string): void {
    this.sink({ type: 'log', message })
  }

  private schedule (at: number, scope: string, fire: () => Promise<void>): void {
    this.timers.push({ at, scope, fire })
  }

  private persist (latestChanged = false): void {
    const record: SessionRecord = {
      ...(this.latest?.transcript !== undefined ? { latest: this.latest.transcript } : {}),
      ...(this.ledger !== undefined ? { round: this.ledger } : {}),
      ...(this.privacy.spent.length > 0 ? { privacy: { spent: this.privacy.spent.map(s => ({ ...s })) } } : {})
    }
    this.sink({ type: 'persist', record, latestChanged })
  }

  private route (attempt: Attempt): AttemptRoute {
    return { session: this.session.id, round: attempt.round, attempt: attempt.number }
  }

  private attemptRef (attempt: Attempt): AttemptRef {
    return { session: this.announcementSession(attempt.round), round: attempt.round, attempt: attempt.number, beacon: this.beacon }
  }

  /**
   * A robust session's cut of its members for a round under the current beacon (robust/groups.ts), and
   * this peer's group in it; undefined in a plain session.
   */
  private groupsOf (round: number): { groups: Identity[][], own: number } | undefined {
    const robust = this.session.robust
    if (robust === undefined || this.listed === undefined) return undefined
    // asked for every announcement screened: cut once per round and beacon (n hashes and a sort)
    const key = `${round}/${toHex(this.beacon)}`
    if (this.cut?.key !== key) {
      const groups = partitionGroups(this.session.id, round, this.beacon, this.listed, robust.groupSize)
      this.cut = { key, groups, own: groups.findIndex(g => g.some(m => m.id === this.config.self.id)) }
    }
    return this.cut
  }

  /** The session an announcement to this peer is signed for: its group's instance in a robust session. */
  private announcementSession (round: number): Uint8Array {
    const cut = this.groupsOf(round)
    return cut === undefined ? this.session.id : groupSessionId(this.session.id, cut.own)
  }

  /** The current attempt, if the route names it. */
  private attemptFor (route: AttemptRoute): Attempt | undefined {
    const attempt = this.pending?.attempt
    return attempt !== undefined && attempt.status !== 'ended' && equalBytes(route.session, this.session.id) && route.round === attempt.round && route.attempt === attempt.number ? attempt : undefined
  }

  private readonly isMember = (identity: Identity): boolean => (this.members?.has(identity.id) ?? true) && !this.banned.has(identity.id)

  /**
   * The members of an open session heard ready, less those reported gone this round: members fail over
   * at slightly different moments, and a dead member's presence would otherwise still count in some
   * views and no longer in others, so that they elect different aggregators.
   */
  private readyMembers (): Identity[] {
    return this.membership.ready(this.latestRound, this.pending === undefined ? undefined : this.config.self, this.config.now()).filter(m => !this.gone.has(m.id))
  }

  /** The peers an attempt's aggregator is elected from. */
  private eligible (): Identity[] {
    return this.listed ?? this.readyMembers()
  }

  private elect (round: number, attempt: number): Identity {
    return electAggregator(this.session.id, round, attempt, this.beacon, this.eligible())
  }

  /** The ledger of the pending update's round, created when it first sends anything. */
  private ledgerFor (pending: Pending): RoundLedger {
    if (this.ledger === undefined || this.ledger.round !== pending.round || !equalBytes(this.ledger.fingerprint, pending.fingerprint)) {
      // A new update in the same round (the one before failed) keeps the attempts made keys in: those
      // are the peer's, whichever update it held, and are never joined again.
      const joined = this.ledger?.round === pending.round ? this.ledger.joined : []
      this.ledger = { round: pending.round, fingerprint: pending.fingerprint, roundingSeed: pending.roundingSeed, joined, maskedIn: [] }
    }
    return this.ledger
  }

  /** The ledger of the pending update's round, if one was started for this very update. */
  private ledgerOf (pending: Pending): RoundLedger | undefined {
    const ledger = this.ledger
    return ledger !== undefined && ledger.round === pending.round && equalBytes(ledger.fingerprint, pending.fingerprint) ? ledger : undefined
  }

  // ---- presence ------------------------------------------------------------------------------------

  private presence (): PresenceNotice {
    return { latestRound: this.latestRound, ready: this.pending !== undefined }
  }

  private presenceLoop (): void {
    this.sink({ type: 'publish', presence: this.presence() })
    this.schedule(this.config.now() + this.presenceEvery, SESSION_SCOPE, async () => { this.presenceLoop() })
  }

  // ---- rounds and attempts -------------------------------------------------------------------------

  /** Sets the pending update on its round, honouring what was promised for that update before a restart. */
  private beginPending (): void {
    const pending = this.pending
    if (pending === undefined) return
    const kept = this.ledger
    if (kept !== undefined && equalBytes(kept.fingerprint, pending.fingerprint)) {
      if (kept.round > this.latestRound) {
        // The same update as before a restart: the same round, rounding and promises.
        pending.round = kept.round
        pending.roundingSeed = kept.roundingSeed
      } else if (this.latest?.round === kept.round && kept.maskedIn.includes(this.latest.attempt) && this.latest.survivors.includes(this.config.self.id)) {
        // Its round ended while this peer was away, with it among the survivors: that result is its own.
        pending.round = kept.round
        this.settleWith(this.latest)
        return
      } else if (kept.required !== undefined) {
        this.fail('revealed', `this update revealed unmask shares in round ${kept.round}, which ended without it: it is never sent again`)
        return
      } else {
        this.ledger = undefined
      }
    } else if (kept !== undefined && kept.round <= this.latestRound && kept.required === undefined) {
      this.ledger = undefined
    } else if (kept !== undefined && kept.round >= this.nextRound && (kept.maskedIn.length > 0 || kept.required !== undefined)) {
      // Another update of this peer may be in a sum of that round: a second input in its later attempts
      // would let the two sums differ by the difference of this peer's updates. Wait for the next round
      // (or, if that one can no longer complete, go past it: beginRound).
      pending.round = kept.round + 1
    }
    // An open session elects among the members heard ready, so say so now. A closed one elects from its
    // list: n members each telling n others would be n^2 messages a round for nothing.
    if (this.listed === undefined) this.sink({ type: 'publish', presence: this.presence() })
    this.beginRound(pending)
  }

  /** The attempts of the round this peer made keys in, over every call of aggregate() and restart. */
  private joinedIn (round: number): Set<number> {
    return new Set(this.ledger?.round === round ? this.ledger.joined : [])
  }

  /**
   * Starts the pending update's round at the first attempt it has not joined, once the round is the
   * open one. An update that went into no sum of a closed round moves past it.
   */
  private beginRound (pending: Pending): void {
    const open = this.openRound
    if (pending.round < open && this.mayMoveOn(pending)) pending.round = open
    if (pending.round !== open) return
    const joined = this.joinedIn(pending.round)
    let first = 0
    while (joined.has(first)) first++
    pending.lastAttempt = first + this.session.config.maxAttempts - 1
    pending.ahead = new Map()
    this.startAttempt(pending, first)
  }

  private startAttempt (pending: Pending, number: number): void {
    const attempt: Attempt = { round: pending.round, number, status: 'electing', scope: `${pending.round}/${number}`, early: new Map(), checked: new Set(), uploading: false, clipped: 0 }
    pending.attempt = attempt
    const now = this.config.now()
    const { announceTimeout } = this.session.config
    // In an open session the members' presence needs a moment to spread: elect on the view it gives
    // then. A closed session's list is the same everywhere already.
    const gatherDelay = this.listed === undefined ? Math.min(this.config.gatherDelay, announceTimeout / 2) : 0
    this.schedule(now + gatherDelay, attempt.scope, async () => { await this.electFor(pending, attempt) })
    this.schedule(now + announceTimeout, attempt.scope, async () => {
      if (attempt.participant === undefined && attempt.aggregator === undefined) this.nextAttempt(attempt, 'no-announcement')
    })
  }

  private async electFor (pending: Pending, attempt: Attempt): Promise<void> {
    if (this.pending !== pending || pending.attempt !== attempt || attempt.status !== 'electing') return
    const eligible = this.eligible()
    if (eligible.length === 0) return
    const elected = this.elect(attempt.round, attempt.number)
    attempt.elected = elected
    if (this.banned.has(elected.id)) {
      this.log(`round ${attempt.round} attempt ${attempt.number}: ${elected.id} is elected, but was convicted of cheating; moving on`)
      this.nextAttempt(attempt, 'aggregator-convicted')
      return
    }
    attempt.status = 'awaiting-announcement'
    this.log(`round ${attempt.round} attempt ${attempt.number}: ${elected.id} is elected`)
    if (elected.id === this.config.self.id) {
      await this.runAggregator(attempt)
      return
    }
    const early = attempt.early.get(elected.id) ?? pending.ahead.get(attempt.number)
    if (early !== undefined) await this.onAnnouncement(attempt, early)
  }

  private endAttempt (attempt: Attempt): void {
    if (attempt.status === 'ended') return
    attempt.status = 'ended'
    for (const timer of this.timers) if (timer.scope === attempt.scope) timer.cancelled = true
    this.timers = this.timers.filter(t => t.scope !== attempt.scope)
    this.sink({ type: 'end-scope', scope: attempt.scope })
    void attempt.aggregator?.abort('timeout', 'the attempt ended')
  }

  private nextAttempt (attempt: Attempt, reason: AttemptEnd): void {
    const pending = this.pending
    if (pending === undefined || pending.attempt !== attempt) return
    attempt.lastAbort = reason
    this.endAttempt(attempt)
    const joined = this.joinedIn(pending.round)
    let next = attempt.number + 1
    while (joined.has(next)) next++
    if (next > pending.lastAttempt) {
      this.fail('max-attempts', `all ${this.session.config.maxAttempts} attempts failed; the last: ${reason}`)
      return
    }
    this.startAttempt(pending, next)
  }

  /**
   * Tells this peer's aggregator, if it is one, that a peer is gone. While keys are taken only the loss
   * of a member it expects counts (the phase closes on the number of those heard or gone).
   */
  private async lostToAggregator (attempt: Attempt, peer: Identity): Promise<void> {
    const aggregator = attempt.aggregator
    if (aggregator === undefined || (aggregator.status === 'advertise-keys' && attempt.expected?.has(peer.id) !== true)) return
    await this.aggregatorStep(attempt, await aggregator.peerLost(peer))
  }

  /**
   * A member says a peer of this attempt is gone. Only a word: this peer checks it itself (a ping), if
   * it is this peer's aggregator or this peer aggregates, once per peer and attempt, and counts it gone
   * (peerLost) only if no answer comes. A member that says so falsely costs a ping.
   */
  private checkPeer (claim: { round: bigint, attempt: number, peer: Uint8Array }): void {
    const attempt = this.pending?.attempt
    if (attempt === undefined || attempt.status === 'ended' || safeNumber(claim.round) !== attempt.round || claim.attempt !== attempt.number) return
    let peer: Identity
    try {
      peer = identityFromBytes(claim.peer)
    } catch {
      return
    }
    if (!this.admits(peer) || peer.id === this.config.self.id) return
    if (attempt.elected?.id !== peer.id && attempt.aggregator === undefined) return
    this.ping(attempt, peer)
  }

  /** Pings a peer of the attempt, once per attempt; one that does not answer comes back as peerLost. */
  private ping (attempt: Attempt, peer: Identity): void {
    if (attempt.checked.has(peer.id)) return
    attempt.checked.add(peer.id)
    this.sink({ type: 'probe', peers: [peer], ping: { timeout: PING_GRACES * (this.config.lossGrace ?? 1000) } })
  }

  /**
   * `member` will never put an input in `round` again. Once the round is closed (isClosed), the pending
   * update moves past it if it went into no sum of it, leaving an attempt that has not taken its masked
   * input; the next round's aggregator is elected under the same beacon, since no result gave another.
   */
  private closedBy (round: number, member: Identity): void {
    if (round < this.nextRound || round >= this.nextRound + CLOSED_ROUNDS_AHEAD) return
    let closers = this.closers.get(round)
    if (closers === undefined) this.closers.set(round, closers = new Set())
    closers.add(member.id)
    const pending = this.pending
    if (pending === undefined) return
    const attempt = pending.attempt
    if (attempt !== undefined && attempt.status !== 'ended') {
      // in an attempt of a round now closed: leave it if no input of this update went out in that round
      if (pending.round >= this.openRound || !this.mayMoveOn(pending) || !mayLeave(attempt)) return
      this.log(`round ${pending.round} can no longer complete: this update goes on to round ${this.openRound}`)
      attempt.lastAbort = 'round-closed'
      this.endAttempt(attempt)
    }
    // (waiting for a round past a closed one, it may begin now)
    if (pending.attempt === undefined || pending.attempt.status === 'ended') this.beginRound(pending)
  }

  /** Whether the pending update may leave its round for a later one: no input of it went out in it. */
  private mayMoveOn (pending: Pending): boolean {
    const ledger = this.ledgerOf(pending)
    return ledger === undefined || (ledger.maskedIn.length === 0 && ledger.required === undefined)
  }

  /** Rejects the pending update. */
  private fail (failure: RoundFailure, message: string): void {
    const pending = this.pending
    if (pending === undefined) return
    this.pending = undefined
    if (pending.attempt !== undefined) this.endAttempt(pending.attempt)
    const ledger = this.ledgerOf(pending)
    const revealed = ledger?.required !== undefined
    this.sink({ type: 'reject', update: pending.id, error: new RoundFailedError(failure, pending.round, pending.attempt?.lastAbort, message, revealed) })
    if (this.listed === undefined) this.sink({ type: 'publish', presence: this.presence() })
    // This peer's next input may not go in that round (beginPending): say so, so that a round every
    // member is barred from like this does not hold the session up for ever.
    if (this.listed !== undefined && ledger !== undefined && ledger.maskedIn.length > 0 && ledger.round >= this.nextRound) {
      this.sink({ type: 'publish', closedRound: ledger.round })
      this.closedBy(ledger.round, this.config.self)
    }
  }

  /**
   * A result for the pending update's round: its own when the update's masked input went out in that
   * attempt and the result names this peer a survivor (perhaps after it timed out there and moved on);
   * otherwise the update is in no sum and goes on to the next round, unless this peer revealed shares
   * in an attempt of that round: then it may be in a sum its aggregator keeps, and is never sent again.
   */
  private settleWith (outcome: RoundOutcome): void {
    const pending = this.pending
    if (pending === undefined || pending.round !== outcome.round) return
    const ledger = this.ledgerOf(pending)
    const ours = ledger?.maskedIn.includes(outcome.attempt) === true && outcome.survivors.includes(this.config.self.id)
    if (ours) {
      const spend = this.privacy.spent.find(s => s.round === outcome.round)
      if (spend !== undefined) spend.survivors = outcome.survivors.length
      this.pending = undefined
      if (pending.attempt !== undefined) this.endAttempt(pending.attempt)
      const result = resultOf(this.session, outcome, pending.attempt?.clipped ?? 0)
      this.sink({ type: 'settle', update: pending.id, result })
      this.sink({ type: 'result', result })
      return
    }
    if (ledger?.required !== undefined) {
      this.fail('revealed', `round ${outcome.round} ended with a result this update is not in, after this peer revealed unmask shares in it`)
      return
    }
    if (pending.attempt !== undefined) this.endAttempt(pending.attempt)
    pending.round = outcome.round + 1
  }

  /** Takes a checked result as the session's latest, if it is newer; moves the pending update on. */
  private adopt (outcome: RoundOutcome): boolean {
    if (outcome.round <= this.latestRound) return false
    this.latest = outcome
    // Who was gone is the round's knowledge: a member killed in it is restarted, often on a new address,
    // before the next one, and an aggregator that counted it gone would close its keys without it.
    this.gone.clear()
    for (const round of this.closers.keys()) if (round <= outcome.round) this.closers.delete(round)
    if (outcome.transcript !== undefined) this.kept.set(outcome.round, outcome.transcript)
    for (const round of this.kept.keys()) if (round <= outcome.round - KEPT_RESULTS) this.kept.delete(round)
    this.settleWith(outcome)
    if (this.ledger !== undefined && this.ledger.round <= outcome.round && this.ledger.required === undefined) this.ledger = undefined
    this.persist(true)
    const pending = this.pending
    if (pending !== undefined && pending.round <= outcome.round) pending.round = outcome.round + 1
    if (pending !== undefined && (pending.attempt === undefined || pending.attempt.status === 'ended')) this.beginRound(pending)
    return true
  }

  /**
   * Adopts a result this peer got from outside its own attempt (fetched, or sent out of turn), once its
   * signatures and its sum check; a result whose transcript shows a wrong sum convicts its aggregator.
   */
  private async consider (travelled: Uint8Array): Promise<void> {
    let outcome: RoundOutcome
    try {
      outcome = await verifyTravelledResult(this.session, this.config.crypto, travelled, this.chain)
    } catch (err: any) {
      if (err instanceof ForgedResultError) this.convict(err.aggregator, err.message)
      this.log(`ignored a result: ${err.message}`)
      return
    }
    const ours = this.pending?.round === outcome.round && this.ledgerOf(this.pending)?.maskedIn.includes(outcome.attempt) === true && outcome.survivors.includes(this.config.self.id)
    if (this.adopt(outcome) && !ours) this.sink({ type: 'fetched', outcome })
  }

  /**
   * Fetches a later result from the member whose presence says it has one, when this peer falls behind:
   * between attempts, or in the middle of one when the member already holds the result of this peer's
   * round. Asking whoever speaks next, rather than one member chosen from the view, means one busy or
   * lying member cannot keep a peer behind.
   */
  private catchUp (from: Identity, theirRound: number): void {
    if (theirRound <= this.latestRound) return
    this.ahead.set(from.id, theirRound)
    const pending = this.pending
    if (pending?.attempt?.participant === undefined || theirRound >= pending.round) this.fetchFrom(from, theirRound === this.latestRound + 1 ? 0 : this.latestRound + 1)
  }

  private fetchFrom (from: Identity, round: number): void {
    if (this.fetching.has(from.id) || this.fetching.size >= FETCHES_AT_ONCE) return
    this.fetching.add(from.id)
    this.sink({ type: 'fetch-result', from, round })
  }

  /** A gossiped proof of a bad dealing: once it checks out, its dealer is in no roster of this session again. */
  private async onMisbehaviour (notice: { round: bigint, attempt: number, proof: Uint8Array }): Promise<void> {
    const round = safeNumber(notice.round)
    if (round === undefined || round < 1) return
    // A robust round's dealings are in its groups' instances, each under its own session id.
    const cut = this.groupsOf(round)
    const sessions = cut === undefined ? [this.session.id] : cut.groups.map((_, g) => groupSessionId(this.session.id, g))
    let why = 'no group of the round'
    for (const sessionId of sessions) {
      try {
        const fault = await verifyDealingProof(notice.proof, { sessionId, round, attempt: notice.attempt })
        this.ban(fault.dealer.id, `dealt bad shares (round ${round} attempt ${notice.attempt}: ${fault.fault})`)
        return
      } catch (err: any) {
        why = err.message
      }
    }
    this.log(`ignored a proof of misbehaviour: ${why}`)
  }

  /** An aggregator whose signed result a transcript showed wrong. */
  private convict (aggregator: string, why: string): void {
    if (aggregator !== this.config.self.id) this.convicted.add(aggregator)
    this.ban(aggregator, `signed a wrong sum (${why})`)
  }

  /**
   * Leaves a peer proven to cheat out of this session's rosters, and passes over its attempts when the
   * election names it. Members that have not seen the proof may still follow it; each that does checks
   * what it sends like anyone's.
   */
  private ban (peer: string, why: string): void {
    if (this.banned.has(peer) || peer === this.config.self.id) return
    this.banned.add(peer)
    this.log(`${peer} ${why}: left out of this session's rosters and elections`)
  }

  // ---- the aggregator role -------------------------------------------------------------------------

  private async runAggregator (attempt: Attempt): Promise<void> {
    const recipients = this.readyMembers()
    const cut = this.groupsOf(attempt.round)
    const common = {
      params: this.session.params,
      round: attempt.round,
      attempt: attempt.number,
      beacon: this.beacon,
      identity: this.config.self,
      privateKey: this.config.privateKey,
      crypto: this.config.crypto,
      random: this.config.random,
      now: this.config.now,
      isMember: this.isMember
    }
    // A robust round's aggregator runs one instance per group of the round's cut.
    const aggregator = cut !== undefined
      ? new GroupedAggregator({ ...common, robust: this.session.robust!, groups: cut.groups })
      // Keys are taken until all the peers that may come have advertised, or the phase's deadline.
      : new Aggregator({ ...common, expectedParticipants: (this.listed ?? recipients).length })
    const expected = this.listed ?? recipients
    attempt.aggregator = aggregator
    attempt.expected = new Set(expected.map(m => m.id))
    attempt.status = 'running'
    await this.aggregatorStep(attempt, await aggregator.announce(), recipients)
    for (const [peer, round] of this.gone) if (round === attempt.round) await this.lostToAggregator(attempt, identityOf(peerIdFromString(peer)))
  }

  private async aggregatorStep (attempt: Attempt, step: Step, recipients?: Identity[]): Promise<void> {
    const aggregator = attempt.aggregator
    if (aggregator === undefined || attempt.status === 'ended') return
    this.report(attempt, step.events, 'aggregator')
    for (const event of step.events) {
      if (event.type !== 'misbehaviour') continue
      // Judged by this aggregator from the dealer's own signed messages: every member can check it too.
      this.ban(event.peer, `dealt bad shares (${event.fault})`)
      this.sink({ type: 'publish', misbehaviour: { round: attempt.round, attempt: attempt.number, proof: event.proof } })
    }
    const outcome = step.events.find((e): e is Extract<RoundEvent, { type: 'result' }> => e.type === 'result')?.outcome
    if (outcome !== undefined && this.config.now() > (attempt.resultDeadline ?? Infinity)) {
      this.log(`round ${attempt.round} attempt ${attempt.number}: the sum was ready after the participants' result deadline; it is not sent`)
      this.endAttempt(attempt)
      return
    }
    const announced = new Set<Uint8Array>()
    for (const message of step.messages) {
      if (message.to !== 'all') {
        // a robust round's groups announce to their own members, each its own instance's announcement
        if (message.type === 'announcement') {
          attempt.resultDeadline ??= resultDeadlineOf(message.bytes)
          if (!announced.has(message.bytes)) this.repeatAnnouncement(attempt, message.bytes)
          announced.add(message.bytes)
        }
        await this.fromAggregator(attempt, message.to, message.type, message.bytes)
      } else if (message.type === 'announcement') {
        attempt.resultDeadline = resultDeadlineOf(message.bytes)
        // With this peer's presence, so members that have never heard of it can dial it with their keys;
        // and again every (unscaled) presence interval while keys are taken, for members that get ready
        // later: one aggregator's repeats add little gossip, and a closed session's presence is too rare.
        this.repeatAnnouncement(attempt, message.bytes)
        for (const member of recipients ?? []) if (member.id !== this.config.self.id) await this.fromAggregator(attempt, member.bytes, message.type, message.bytes)
        await this.fromAggregator(attempt, this.config.self.bytes, message.type, message.bytes)
      } else if (outcome !== undefined) {
        for (const participant of outcome.participants) {
          await this.fromAggregator(attempt, identityOf(peerIdFromString(participant)).bytes, message.type, message.bytes)
        }
        this.sink({ type: 'publish', result: { round: attempt.round, attempt: attempt.number } })
      }
    }
    // The aggregator holds its result even when its own participant is not among the survivors.
    if (outcome !== undefined) this.adopt(outcome)
    const deadline = aggregator.nextDeadline()
    if (deadline !== undefined) this.schedule(deadline, attempt.scope, async () => { await this.aggregatorStep(attempt, await aggregator.handleTimeout(this.config.now())) })
  }

  private repeatAnnouncement (attempt: Attempt, bytes: Uint8Array): void {
    this.sink({ type: 'publish', presence: this.presence(), announcement: bytes })
    this.schedule(this.config.now() + this.config.presenceInterval, attempt.scope, async () => {
      if (attempt.aggregator?.status === 'advertise-keys') this.repeatAnnouncement(attempt, bytes)
    })
  }

  /** An aggregator message to a participant: over the network, or to this peer's own participant. */
  private async fromAggregator (attempt: Attempt, to: Uint8Array, type: MessageType, bytes: Uint8Array): Promise<void> {
    if (equalBytes(to, this.config.self.bytes)) {
      // a robust round's combined result is no message for this peer's group instance: the aggregator adopts it
      if (type === 'result' && this.session.robust !== undefined) return
      await this.toParticipant(attempt, this.config.self, type, bytes)
      return
    }
    const identity = identityFromBytes(to)
    const deadline = type === 'result' ? undefined : attempt.aggregator?.nextDeadline()
    // The result outlives the attempt (this peer's own participant may finish first): its scope is the session's.
    this.sink({ type: 'send', to: identity, route: this.route(attempt), message: type, bytes, scope: type === 'result' ? SESSION_SCOPE : attempt.scope, ...(deadline !== undefined ? { deadline } : { deadline: this.config.now() + this.session.config.announceTimeout }) })
  }

  // ---- the participant role ------------------------------------------------------------------------

  private async toParticipant (attempt: Attempt, from: Identity, type: MessageType, bytes: Uint8Array): Promise<void> {
    if (type === 'announcement') {
      await this.onAnnouncement(attempt, bytes)
      return
    }
    const participant = attempt.participant
    if (participant === undefined || attempt.status === 'ended') return
    await this.participantStep(attempt, await participant.handle(from, type, bytes))
  }

  private async onAnnouncement (attempt: Attempt, bytes: Uint8Array): Promise<void> {
    const pending = this.pending
    if (pending === undefined || pending.attempt !== attempt || attempt.participant !== undefined || attempt.status === 'ended') return
    const elected = attempt.elected
    if (elected === undefined) {
      // Still gathering: keep one signed announcement per member of the view, so no forgery displaces the real one.
      const header = announcementHeader(bytes)
      const announcer = header === undefined ? undefined : this.eligible().find(m => equalBytes(m.bytes, header.aggregator))
      if (announcer !== undefined && !attempt.early.has(announcer.id) && await isAnnouncementBy(bytes, announcer, this.attemptRef(attempt))) attempt.early.set(announcer.id, bytes)
      return
    }
    // Follow only the aggregator this peer's own view elects, and only an announcement it signed for this
    // attempt: anything else is dropped, not a reason to abort.
    if (!await isAnnouncementBy(bytes, elected, this.attemptRef(attempt))) {
      this.log(`ignored an announcement of round ${attempt.round} attempt ${attempt.number} not signed for it by ${elected.id}, whom this view elects`)
      return
    }
    const ledger = this.ledgerFor(pending)
    if (ledger.joined.includes(attempt.number)) return
    const cut = this.groupsOf(attempt.round)
    const group = cut?.groups[cut.own]
    const participant = new Participant({
      params: cut === undefined ? this.session.params : groupParams(this.session.params, this.session.robust!, cut.own, group!.length),
      round: attempt.round,
      attempt: attempt.number,
      beacon: this.beacon,
      aggregator: elected,
      identity: this.config.self,
      privateKey: this.config.privateKey,
      update: pending.update,
      weight: pending.weight,
      roundingSeed: pending.roundingSeed,
      ...(ledger.required !== undefined ? { requiredSurvivors: new Set(ledger.required.filter(id => !this.convicted.has(id))) } : {}),
      ...(this.config.clockSkew !== undefined ? { clockSkew: this.config.clockSkew } : {}),
      crypto: this.config.crypto,
      random: this.config.random,
      now: this.config.now,
      isMember: group === undefined ? this.isMember : peer => group.some(m => m.id === peer.id) && this.isMember(peer)
    })
    attempt.participant = participant
    attempt.status = 'running'
    // Before its keys go out: an attempt this peer made keys in is never joined again, not after a restart either.
    ledger.joined.push(attempt.number)
    this.persist()
    await this.participantStep(attempt, await participant.handle(elected, 'announcement', bytes))
  }

  private async participantStep (attempt: Attempt, step: Step): Promise<void> {
    const participant = attempt.participant!
    const pending = this.pending
    for (const message of step.messages) {
      if (message.type === 'unmask-shares' && pending !== undefined) {
        // Before the shares go out: the survivors of the first reveal are the only ones any later attempt
        // of this round may sum this update over, whatever happens to this process.
        const ledger = this.ledgerFor(pending)
        ledger.required ??= participant.revealedSurvivors
        this.persist()
      }
      await this.toAggregator(attempt, message.type, message.bytes)
    }
    // after the messages: a phase reported is one whose messages (and the records before them) are out
    this.report(attempt, step.events, 'participant')
    if (participant.status === 'masked-input' && !attempt.uploading && pending !== undefined) {
      attempt.uploading = true
      // Before any of it goes out: a result of this attempt naming this peer is this update's, and in a DP
      // session the round is charged to the budget (the round may have moved on since the update came).
      const privacy = this.session.params.encoding.privacy
      if (privacy !== undefined) {
        try {
          checkBudget(privacy, this.privacy, attempt.round)
        } catch (err: any) {
          this.fail('privacy-budget', err.message)
          return
        }
        if (!this.privacy.spent.some(s => s.round === attempt.round)) this.privacy.spent.push({ round: attempt.round })
      }
      this.ledgerFor(pending).maskedIn.push(attempt.number)
      this.persist()
      this.sink({ type: 'upload', to: attempt.elected!, route: this.route(attempt), chunks: this.maskedChunks(attempt, participant), scope: attempt.scope, ...deadlineOf(participant) })
    }
    for (const event of step.events) {
      if (event.type === 'result') this.onOwnResult(attempt, event.outcome)
      // The transcript that came with the result convicts the aggregator: the next attempt goes on without it.
      if (event.type === 'aborted' && event.reason === 'forged-result') this.convict(attempt.elected!.id, event.message)
      if (event.type === 'aborted') this.nextAttempt(attempt, event.reason)
    }
    const deadline = participant.nextDeadline()
    if (deadline !== undefined && attempt.status !== 'ended') this.schedule(deadline, attempt.scope, async () => { await this.participantStep(attempt, participant.handleTimeout(this.config.now())) })
  }

  /** The masked input's chunks as the driver streams them; the core enters consistency-check with the last. */
  private async * maskedChunks (attempt: Attempt, participant: Participant): AsyncGenerator<Uint8Array> {
    for await (const chunk of participant.maskedInput()) {
      attempt.clipped = chunk.clipped
      if (chunk.last) this.report(attempt, [{ type: 'phase', phase: 'consistency-check' }], 'participant')
      yield chunk.bytes
    }
  }

  private async toAggregator (attempt: Attempt, type: MessageType, bytes: Uint8Array): Promise<void> {
    const elected = attempt.elected!
    if (elected.id === this.config.self.id) {
      if (attempt.aggregator !== undefined) await this.aggregatorStep(attempt, await attempt.aggregator.handle(this.config.self, type, bytes))
      return
    }
    this.sink({ type: 'send', to: elected, route: this.route(attempt), message: type, bytes, scope: attempt.scope, ...deadlineOf(attempt.participant!) })
  }

  /** A result this peer's own participant accepted: checked by the round core against what it signed. */
  private onOwnResult (attempt: Attempt, outcome: RoundOutcome): void {
    this.adopt(outcome)
    if (this.pending?.attempt === attempt) this.endAttempt(attempt)
  }

  private report (attempt: Attempt, events: RoundEvent[], role: 'participant' | 'aggregator'): void {
    for (const event of events) {
      if (event.type === 'phase') this.sink({ type: 'progress', progress: { session: this.session.idHex, round: attempt.round, attempt: attempt.number, phase: event.phase, role, aggregator: attempt.elected?.id ?? '' } })
      if (event.type === 'dropped') this.sink({ type: 'dropout', dropout: { session: this.session.idHex, round: attempt.round, attempt: attempt.number, phase: event.phase, peer: event.peer, role, cause: event.cause, waited: event.waited } })
      if (event.type === 'aborted' || event.type === 'excluded') this.log(`round ${attempt.round} attempt ${attempt.number} ${role}: ${event.type} ${event.reason} (${event.message})`)
    }
  }

  // ---- inbound -------------------------------------------------------------------------------------

  private async onMessage (from: Identity, route: AttemptRoute, type: MessageType, bytes: Uint8Array): Promise<void> {
    if (!this.admits(from) || !equalBytes(route.session, this.session.id)) return
    const attempt = this.attemptFor(route)
    if (attempt === undefined) {
      if (type === 'result') await this.consider(bytes)
      if (type === 'announcement') await this.otherAttempt(route, bytes)
      return
    }
    // Announcements and results are screened whoever sends them, the aggregator included: one replayed
    // from another round, handed to a participant already past its own announcement, would abort it.
    if (type === 'announcement') {
      await this.onAnnouncement(attempt, bytes)
    } else if (type === 'result' && !isFor(resultRef(bytes), route)) {
      await this.consider(bytes)
    } else if (PARTICIPANT_BOUND.has(type)) {
      if (from.id === attempt.elected?.id) await this.toParticipant(attempt, from, type, bytes)
    } else if (attempt.aggregator !== undefined) {
      await this.aggregatorStep(attempt, await attempt.aggregator.handle(from, type, bytes))
    }
  }

  private async onGossipedAnnouncement (bytes: Uint8Array): Promise<void> {
    const header = announcementHeader(bytes)
    if (header === undefined || !equalBytes(header.session, this.announcementSession(header.round))) return
    const route = { session: this.session.id, round: header.round, attempt: header.attempt }
    const attempt = this.attemptFor(route)
    if (attempt !== undefined) await this.onAnnouncement(attempt, bytes)
    else await this.otherAttempt(route, bytes)
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
  private async otherAttempt (route: AttemptRoute, bytes: Uint8Array): Promise<void> {
    const pending = this.pending
    const current = pending?.attempt
    if (pending === undefined || current === undefined || route.round !== current.round || route.attempt === current.number) return
    if (route.attempt > pending.lastAttempt || this.joinedIn(route.round).has(route.attempt)) return
    const eligible = this.eligible()
    if (eligible.length === 0) return
    const elected = this.elect(route.round, route.attempt)
    if (elected.id === this.config.self.id || !await isAnnouncementBy(bytes, elected, { ...this.attemptRef(current), attempt: route.attempt })) return
    const header = announcementHeader(bytes)!
    const move = route.attempt < current.number
      ? header.keysUntil > this.config.now() && mayLeave(current)
      : current.participant === undefined && current.aggregator === undefined
    if (!move) {
      if (route.attempt > current.number) {
        pending.ahead.set(route.attempt, bytes)
        // Its aggregator gave up on this attempt: this one's may be gone where this peer saw no connection
        // close (WebRTC) and the others' word of it did not come. Left waiting for its deadlines, this
        // peer missed the next attempt's keys, which went on without it one peer short. Only a peer that
        // may still leave asks: one whose masked input went out stays for its aggregator, however slow.
        if (current.elected !== undefined && current.elected.id !== this.config.self.id && mayLeave(current)) this.ping(current, current.elected)
      }
      return
    }
    this.log(`round ${route.round}: from attempt ${current.number} to attempt ${route.attempt}, announced by ${elected.id}`)
    current.lastAbort = current.participant === undefined ? 'no-announcement' : 'timeout'
    this.endAttempt(current)
    this.startAttempt(pending, route.attempt)
    const next = pending.attempt!
    next.elected = elected
    next.status = 'awaiting-announcement'
    await this.onAnnouncement(next, bytes)
  }
}

/** Whether a result's header names this route. */
function isFor (ref: { session: Uint8Array, round: number, attempt: number } | undefined, route: AttemptRoute): boolean {
  return ref !== undefined && equalBytes(ref.session, route.session) && ref.round === route.round && ref.attempt === route.attempt
}

/**
 * Whether a peer may leave an attempt for another: none of its masked input went out in it (so it has
 * revealed no shares there either), and if it aggregates the attempt, it is still only taking keys.
 */
function mayLeave (attempt: Attempt): boolean {
  return BEFORE_MASKED_INPUT.has(attempt.participant?.status ?? 'announce') &&
    (attempt.aggregator === undefined || attempt.aggregator.status === 'advertise-keys')
}

/** The beacon a (checked) signed result was elected under. */
function beaconOf (signedResult: Uint8Array): Uint8Array {
  return RoundResult.decode(Signed.decode(signedResult).body).beacon
}

/** The participants' result deadline of an announcement: one unmask phase after the unmask deadline. */
function resultDeadlineOf (announcement: Uint8Array): number | undefined {
  const deadlines = Announcement.decode(Signed.decode(announcement).body).deadlines.map(Number)
  const last = deadlines.length - 1
  return last < 1 ? undefined : deadlines[last] + (deadlines[last] - deadlines[last - 1])
}

function deadlineOf (participant: Participant): { deadline?: number } {
  const deadline = participant.nextDeadline()
  return deadline === undefined ? {} : { deadline }
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
    signedResult: outcome.signedResult,
    transcript: outcome.transcript!,
    ...('robust' in outcome ? { robust: (outcome as RobustRoundOutcome).robust } : {})
  }
}
