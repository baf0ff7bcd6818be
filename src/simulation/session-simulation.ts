/**
 * Many members of one session, each a session core, on a simulated network with a virtual clock: every
 * action a core emits becomes an event at the virtual time it would take effect, and when nothing is
 * due the clock jumps to the next event or timer. Members can be killed (a crash: in-flight work is
 * lost, the persisted record survives), restarted from that record, cut off from each other, made slow,
 * or made to misbehave by rewriting what they emit, so elections, attempts, faults and attacks across
 * many rounds replay deterministically from a seed in seconds.
 */
import { nodeCryptoSuite } from '../protocol/crypto/suite-node.js'
import { deterministicRandom } from '../protocol/crypto/random.js'
import { SessionCore } from '../protocol/session/session-core.js'
import { openSession, type Session, type SessionConfig } from '../node/session-config.js'
import type { AggregateResult, AttemptRoute, SessionAction } from '../protocol/session/actions.js'
import type { SessionRecord } from '../protocol/session/ledger.js'
import type { Identity } from '../protocol/crypto/identity.js'
import type { CryptoSuite } from '../protocol/crypto/suite.js'
import type { MessageType, RoundOutcome } from '../protocol/round/events.js'
import type { SimulatedPeer } from './peers.js'

/** The virtual clock's start: Unix milliseconds. */
export const SESSION_SIMULATION_START = 1_700_000_000_000

/** What crossed the simulated network, for observers such as the privacy oracle. */
export type Delivery =
  | { kind: 'message', from: number, to: number, route: AttemptRoute, type: MessageType, bytes: Uint8Array }
  | { kind: 'fetched', from: number, to: number, bytes: Uint8Array }
  | { kind: 'upload', from: number, to: number, route: AttemptRoute, update: string }
  | { kind: 'notice', from: number, to: number, announcement?: Uint8Array }

/**
 * Sees every action a member emits before the network does, and returns what goes out instead: the
 * action itself, others, or nothing. An adversarial member is one whose actions are rewritten.
 */
export type Interceptor = (member: number, action: SessionAction, sim: SessionSimulation) => SessionAction[]

export interface SessionSimulationOptions {
  config: SessionConfig
  peers: SimulatedPeer[]
  seed: string
  /** One-way delay of every message (ms); default 5. */
  latency?: number
  presenceInterval?: number
  gatherDelay?: number
  clockSkew?: number
  /**
   * When set, a killed member's connections close as a real crash's do, and every other member's core
   * hears it is gone (peerLost) this many ms later: the grace a driver gives it to come back. Unset,
   * a crash is silent, as a machine that froze or a cut cable is, and only deadlines notice it.
   */
  lossDetection?: number
  crypto?: CryptoSuite
  intercept?: Interceptor
  observe?: (delivery: Delivery) => void
}

export interface SimulatedMember {
  index: number
  peer: SimulatedPeer
  /** Undefined while the member is down. */
  core?: SessionCore
  /** What the member persisted last: all that survives a crash. */
  record?: SessionRecord
  /** Incremented at each restart, so a restarted member draws fresh randomness. */
  incarnation: number
  /** Added to every delay of what this member sends (a slow link). */
  delay: number
  /**
   * Until when (virtual ms) this member is busy: it handles nothing else until then, and what it is doing
   * now ends then (its clock reads that time, and what it sends leaves then).
   */
  stalledUntil: number
  /** Outcomes of this member's aggregate() calls by update id, in the current incarnation. */
  settled: Map<number, AggregateResult>
  rejected: Map<number, Error>
  /** The label of the update each call submitted, for observers. */
  updates: Map<number, string>
  /** The update id in flight in the current incarnation. */
  pendingUpdate?: number
  /** Whether it answers others' fetch-result requests (a member that never answers holds theirs until it times out). */
  answersFetch: boolean
  /** Results it holds, by round: taken part in or fetched. */
  results: Map<number, RoundOutcome | AggregateResult>
  logs: string[]
}

interface QueuedEvent {
  at: number
  seq: number
  from: number
  /** The member that handles it, if one does: a stalled member handles nothing until it resumes. */
  to?: number
  scope?: string
  run: () => Promise<void>
}

export class SessionSimulation {
  readonly session: Session
  readonly members: SimulatedMember[]
  now = SESSION_SIMULATION_START
  private queue: QueuedEvent[] = []
  private seq = 0
  /** Pairs of members that cannot reach each other, as "i/j" with i < j. */
  private readonly cut = new Set<string>()

  constructor (private readonly options: SessionSimulationOptions) {
    this.session = openSession(options.config)
    this.members = options.peers.map((peer, index) => ({ index, peer, incarnation: 0, delay: 0, stalledUntil: 0, answersFetch: true, settled: new Map(), rejected: new Map(), updates: new Map(), results: new Map(), logs: [] }))
  }

  /** Starts every member (each from its persisted record, if any). */
  async start (): Promise<void> {
    for (const member of this.members) await this.startMember(member)
  }

  private async startMember (member: SimulatedMember): Promise<void> {
    const { options } = this
    // Actions a crashed incarnation still emits from work under way are lost with it.
    let core: SessionCore | undefined
    core = new SessionCore({
      session: this.session,
      self: member.peer.identity,
      privateKey: member.peer.privateKey,
      crypto: options.crypto ?? nodeCryptoSuite,
      random: deterministicRandom(`${options.seed}/${member.index}/${member.incarnation}`),
      now: () => Math.max(this.now, member.stalledUntil),
      sink: (action) => { if (member.core === core) this.emit(member, action) },
      presenceInterval: options.presenceInterval ?? 1000,
      gatherDelay: options.gatherDelay ?? 2 * (options.presenceInterval ?? 1000),
      ...(options.clockSkew !== undefined ? { clockSkew: options.clockSkew } : {})
    })
    member.core = core
    await core.start(member.record)
  }

  /**
   * Crashes a member: its process and in-flight work are gone; what it persisted stays. `unseenBy`:
   * members whose connection to it does not close (WebRTC over UDP), who hear nothing of the crash.
   */
  kill (index: number, unseenBy: number[] = []): void {
    const member = this.members[index]
    member.core = undefined
    member.pendingUpdate = undefined
    this.queue = this.queue.filter(event => event.from !== index)
    const detection = this.options.lossDetection
    if (detection === undefined) return
    for (const other of this.members) {
      if (other.index === index || unseenBy.includes(other.index) || !this.reachable(index, other.index)) continue
      // as a driver does: only a member whose core watches the peer redials it, and reports it gone
      if (other.core?.watches(member.peer.identity) !== true) continue
      this.schedule(other.index, detection, async () => { await other.core?.peerLost(member.peer.identity) }, undefined, other.index)
    }
  }

  /**
   * Starts a killed member again from its persisted record; the others see its connections open, but
   * those in `unseenBy`, which it has not connected to yet (a restarted peer dials only a few to start).
   */
  async restart (index: number, unseenBy: number[] = []): Promise<void> {
    const member = this.members[index]
    member.incarnation++
    await this.startMember(member)
    for (const other of this.members) {
      if (other.index === index || other.core === undefined || unseenBy.includes(other.index) || !this.reachable(index, other.index)) continue
      await other.core.peerSeen(member.peer.identity)
      await member.core?.peerSeen(other.peer.identity)
    }
  }

  /** Cuts (or, with `connected`, restores) the link between two groups of members. */
  partition (a: number[], b: number[], connected = false): void {
    for (const i of a) {
      for (const j of b) {
        const key = i < j ? `${i}/${j}` : `${j}/${i}`
        if (connected) this.cut.delete(key)
        else this.cut.add(key)
      }
    }
  }

  /**
   * Keeps a member busy for `ms` of virtual time, as a long computation or a machine stalled by other work
   * would: what it does now finishes then, and what reaches it, and its timers, wait until then.
   */
  stall (index: number, ms: number): void {
    this.members[index].stalledUntil = this.now + ms
  }

  private reachable (i: number, j: number): boolean {
    return i === j || !this.cut.has(i < j ? `${i}/${j}` : `${j}/${i}`)
  }

  /**
   * Hands a member an update for the next round; returns the update id, whose outcome lands in
   * settled/rejected. The label names the update to the core too: a restarted member given an update
   * under the label it had before resumes it.
   */
  submit (index: number, update: Float32Array, weight?: number, label = `${index}/${this.members[index].updates.size}`): number {
    const member = this.members[index]
    const core = member.core
    if (core === undefined) throw new Error(`member ${index} is down`)
    const id = core.submit(update, weight, label)
    member.updates.set(id, label)
    member.pendingUpdate = id
    return id
  }

  /** The label of the update a member has in flight. */
  currentUpdate (index: number): string | undefined {
    const member = this.members[index]
    return member.pendingUpdate === undefined ? undefined : member.updates.get(member.pendingUpdate)
  }

  private schedule (from: number, delay: number, run: () => Promise<void>, scope?: string, to?: number): void {
    const departs = Math.max(this.now, this.members[from].stalledUntil)
    this.enqueue({ at: departs + delay + this.members[from].delay, seq: this.seq++, from, run, ...(scope !== undefined ? { scope } : {}), ...(to !== undefined ? { to } : {}) })
  }

  private enqueue (event: QueuedEvent): void {
    const at = this.queue.findIndex(e => e.at > event.at)
    if (at < 0) this.queue.push(event)
    else this.queue.splice(at, 0, event)
  }

  private emit (member: SimulatedMember, action: SessionAction): void {
    const actions = this.options.intercept?.(member.index, action, this) ?? [action]
    for (const a of actions) this.carryOut(member, a)
  }

  /** What the network and the member's process do with one action. */
  private carryOut (member: SimulatedMember, action: SessionAction): void {
    const latency = this.options.latency ?? 5
    const from = member.index
    switch (action.type) {
      case 'send': {
        const to = this.indexOf(action.to)
        this.schedule(from, latency, async () => {
          const target = this.members[to]
          if (target.core === undefined || !this.reachable(from, to) || (action.deadline !== undefined && this.now > action.deadline)) return
          this.options.observe?.({ kind: 'message', from, to, route: action.route, type: action.message, bytes: action.bytes })
          // an observer may have crashed the target on seeing this message arrive
          if (target.core === undefined) return
          await target.core.message(member.peer.identity, action.route, action.message, action.bytes)
        }, action.scope, to)
        return
      }
      case 'upload': {
        const to = this.indexOf(action.to)
        const update = this.currentUpdate(from) ?? `${from}/unknown`
        this.options.observe?.({ kind: 'upload', from, to, route: action.route, update })
        this.schedule(from, latency, async () => {
          const target = this.members[to]
          if (target.core === undefined || member.core === undefined || !this.reachable(from, to)) return
          if (target.core.admitUpload(member.peer.identity, action.route) === undefined) return
          for await (const chunk of action.chunks) {
            if (target.core === undefined) return
            await target.core.uploadChunk(member.peer.identity, action.route, chunk)
          }
        }, action.scope, to)
        return
      }
      case 'end-scope':
        this.queue = this.queue.filter(event => event.from !== from || event.scope !== action.scope)
        return
      case 'publish':
        for (const target of this.members) {
          if (target.index === from) continue
          const notice = {
            ...(action.presence !== undefined ? { presence: { latestRound: BigInt(action.presence.latestRound), ready: action.presence.ready } } : {}),
            ...(action.announcement !== undefined ? { announcement: action.announcement } : {}),
            ...(action.result !== undefined ? { result: { round: BigInt(action.result.round), attempt: action.result.attempt } } : {}),
            ...(action.misbehaviour !== undefined ? { misbehaviour: { round: BigInt(action.misbehaviour.round), attempt: action.misbehaviour.attempt, proof: action.misbehaviour.proof } } : {}),
            ...(action.peerLost !== undefined ? { peerLost: { round: BigInt(action.peerLost.round), attempt: action.peerLost.attempt, peer: action.peerLost.peer } } : {}),
            ...(action.closedRound !== undefined ? { closedRound: BigInt(action.closedRound) } : {})
          }
          this.schedule(from, latency, async () => {
            if (target.core === undefined || !this.reachable(from, target.index)) return
            this.options.observe?.({ kind: 'notice', from, to: target.index, ...(action.announcement !== undefined ? { announcement: action.announcement } : {}) })
            if (target.core === undefined) return
            await target.core.notice(member.peer.identity, notice)
          }, undefined, target.index)
        }
        return
      case 'fetch-result': {
        const to = this.indexOf(action.from)
        this.schedule(from, latency, async () => {
          const target = this.members[to]
          const answers = target.core !== undefined && this.reachable(from, to) && target.answersFetch
          const bytes = answers ? target.core!.serveResult(member.peer.identity, action.round) : undefined
          // A fetch that gets no answer times out; one that is answered takes a round trip.
          this.schedule(to, answers ? latency : this.session.config.announceTimeout, async () => {
            if (member.core === undefined) return
            if (bytes !== undefined) this.options.observe?.({ kind: 'fetched', from: to, to: from, bytes })
            await member.core.fetched(target.peer.identity, bytes)
          }, undefined, from)
        }, undefined, to)
        return
      }
      case 'persist':
        member.record = copyRecord(action.record)
        return
      case 'settle':
        member.settled.set(action.update, action.result)
        member.results.set(action.result.round, action.result)
        if (member.pendingUpdate === action.update) member.pendingUpdate = undefined
        return
      case 'reject':
        member.rejected.set(action.update, action.error)
        if (member.pendingUpdate === action.update) member.pendingUpdate = undefined
        return
      case 'fetched':
        member.results.set(action.outcome.round, action.outcome)
        return
      case 'result':
        member.results.set(action.result.round, action.result)
        return
      case 'log':
        member.logs.push(`${this.now - SESSION_SIMULATION_START} ${action.message}`)
        return
      case 'probe':
        // a member that is down, or cut off, fails the probe: the prober hears it is gone when the dial
        // gives up (a grace) or the ping times out
        for (const peer of action.peers) {
          const to = this.indexOf(peer)
          if (this.members[to].core !== undefined && this.reachable(from, to)) continue
          this.schedule(from, action.ping?.timeout ?? this.options.lossDetection ?? 1000, async () => { await member.core?.peerLost(peer) }, undefined, from)
        }
        return
      case 'progress':
      case 'dropout':
        return
    }
  }

  private indexOf (identity: Identity): number {
    const index = this.members.findIndex(m => m.peer.identity.id === identity.id)
    if (index < 0) throw new Error(`${identity.id} is not a simulated member`)
    return index
  }

  /** Runs events and timers in virtual time until `done()` holds or `limit` ms have passed. */
  async run (done: () => boolean, limit = 600_000): Promise<boolean> {
    const end = this.now + limit
    for (let guard = 0; guard < 1_000_000; guard++) {
      // inputs still queued in a core (an update just submitted) may set timers the clock must not skip
      for (const member of this.members) await member.core?.idle()
      if (done()) return true
      let wake: number | undefined
      for (const member of this.members) {
        const at = member.core?.nextWakeup()
        if (at !== undefined && (wake === undefined || Math.max(at, member.stalledUntil) < wake)) wake = Math.max(at, member.stalledUntil)
      }
      const event = this.queue[0]
      const next = Math.min(event?.at ?? Infinity, wake ?? Infinity)
      if (next === Infinity || next > end) {
        this.now = Math.max(this.now, Math.min(end, next))
        return done()
      }
      this.now = Math.max(this.now, next)
      if (event !== undefined && event.at <= this.now) {
        this.queue.shift()
        const stalled = event.to === undefined ? 0 : this.members[event.to].stalledUntil
        if (stalled > this.now) this.enqueue({ ...event, at: stalled })
        else await event.run()
      } else {
        for (const member of this.members) {
          const at = member.core?.nextWakeup()
          if (at !== undefined && at <= this.now && member.stalledUntil <= this.now) await member.core!.tick()
        }
      }
    }
    throw new Error('the simulation did not settle')
  }

  /** Runs until every given member's update has settled or been rejected. */
  async runUntilSettled (indices: number[], limit?: number): Promise<boolean> {
    return this.run(() => indices.every(i => this.members[i].pendingUpdate === undefined), limit)
  }

  /** Any log line that reports an error of the core itself (never a bad input): each is a bug. */
  internalErrors (): string[] {
    return this.members.flatMap(m => m.logs.filter(line => line.includes('internal error')))
  }
}

function copyRecord (record: SessionRecord): SessionRecord {
  return {
    ...(record.latest !== undefined ? { latest: record.latest } : {}),
    ...(record.round !== undefined ? { round: { ...record.round, joined: [...record.round.joined], maskedIn: [...record.round.maskedIn], ...(record.round.required !== undefined ? { required: [...record.round.required] } : {}) } } : {}),
    ...(record.privacy !== undefined ? { privacy: { spent: record.privacy.spent.map(s => ({ ...s })) } } : {})
  }
}
