/**
 * The aggregator's side of one round attempt, as a sans-I/O state machine. It takes participants'
 * messages as bytes and returns messages and events; a phase closes as soon as its outcome is fixed
 * (every expected peer has answered or is gone, or, in unmask, every secret already rebuilds), or at its
 * deadline: the phase's own timeout from when it opened, never later than the announced deadline. It
 * never throws: an invalid message excludes its sender, and a round that cannot finish aborts with a
 * typed reason.
 */
import { ProtocolViolation, type AbortReason } from '../errors.js'
import { TIMED_PHASES, type Phase, type TimedPhase } from '../phases.js'
import { emptyStep, merge, type DropCause, type MessageType, type RoundEvent, type Step } from '../events.js'
import { announce } from './announce.js'
import { advertiseKeysComplete, closeAdvertiseKeys, onAdvertisement } from './advertise-keys.js'
import { awaitedShareKeys, closeShareKeys, onShareKeys } from './share-keys.js'
import { awaitedMaskedInputs, closeMaskedInput, dropUpload, onMaskedChunk } from './masked-input.js'
import { onShareCheck } from './share-check.js'
import { excludePeer } from './exclusion.js'
import { awaitedSignatures, closeConsistencyCheck, onConsistencySignature } from './consistency-check.js'
import { awaitedUnmaskShares, closeUnmask, onUnmaskShares, unmaskRebuildable } from './unmask.js'
import { equalBytes } from '../../crypto/bytes.js'
import { SerialQueue } from '../serial-queue.js'
import type { Identity } from '../../crypto/identity.js'
import type { AggregatorConfig, AggregatorState, AggregatorStatus } from './state.js'

// biome-ignore lint/suspicious/noConfusingVoidType: a handler may return nothing; `undefined` would reject those
type Handler = (state: AggregatorState, from: Identity, bytes: Uint8Array) => void | Step | Promise<void | Step>

interface PhaseLogic {
  /** The message types participants send in this phase, each with its handler. */
  accepts: Partial<Record<MessageType, Handler>>
  /** The peers whose messages the phase still waits for (none known by name while keys are taken). */
  awaited: (state: AggregatorState) => string[]
  /**
   * Whether the phase surely cannot close yet, told in constant time: asked after every message
   * first, as awaited costs a pass over the roster (at n = 100, d = 10^6 that was 25 ms of the
   * aggregator's masked-input phase, asked after each of its 5,600 chunks).
   */
  busy?: (state: AggregatorState) => boolean
  /** Whether the phase may close now although some are awaited: its outcome is fixed already. */
  settled?: (state: AggregatorState) => boolean | Promise<boolean>
  close: (state: AggregatorState) => Step | Promise<Step>
}

const PHASE_LOGIC: Record<TimedPhase, PhaseLogic> = {
  'advertise-keys': { accepts: { 'key-advertisement': onAdvertisement }, awaited: () => [], settled: advertiseKeysComplete, close: closeAdvertiseKeys },
  'share-keys': { accepts: { 'share-keys': onShareKeys }, awaited: awaitedShareKeys, close: closeShareKeys },
  // Each member of U2 sends its share-check right after its shares arrive, next to its masked input.
  // An upload in progress is one whose sender is awaited: it is dropped when its sender is excluded or lost.
  'masked-input': { accepts: { 'masked-input': onMaskedChunk, 'share-check': onShareCheck }, awaited: awaitedMaskedInputs, busy: state => state.uploads.size > 0, close: closeMaskedInput },
  'consistency-check': { accepts: { 'consistency-signature': onConsistencySignature }, awaited: awaitedSignatures, close: closeConsistencyCheck },
  // The aggregator needs t shares of each secret, not every signer's: the rest would change nothing.
  unmask: { accepts: { 'unmask-shares': onUnmaskShares }, awaited: awaitedUnmaskShares, settled: unmaskRebuildable, close: closeUnmask }
}

/** Whether a phase's outcome is fixed: nobody is awaited, or it is settled without them. */
async function isComplete (phase: TimedPhase, state: AggregatorState): Promise<boolean> {
  const logic = PHASE_LOGIC[phase]
  if (logic.busy?.(state) === true) return false
  // While keys are taken nobody is awaited by name: only the count of advertisements settles the phase.
  if (phase !== 'advertise-keys' && logic.awaited(state).length === 0) return true
  return logic.settled !== undefined && await logic.settled(state)
}

export class Aggregator {
  private readonly state: AggregatorState
  /** Calls run one at a time: a phase must not close twice because two messages finished it at once. */
  private readonly serial = new SerialQueue()
  /** The last message each peer sent of each type, so a retransmitted copy is ignored rather than taken twice. */
  private readonly handled = new Map<string, Uint8Array>()

  constructor (config: AggregatorConfig) {
    this.state = {
      config,
      context: { sessionId: config.params.sessionId, round: config.round, attempt: config.attempt },
      status: 'announce',
      deadlines: [],
      phaseOpened: config.now(),
      excluded: new Set(),
      lost: new Set(),
      advertisements: new Map(),
      shareKeys: new Map(),
      checks: new Map(),
      uploads: new Map(),
      unchecked: new Map(),
      completed: new Set(),
      commitments: new Map(),
      signatures: new Map(),
      revealed: new Map(),
      responders: new Set(),
      rebuilt: new Map()
    }
  }

  get status (): AggregatorStatus {
    return this.state.status
  }

  /** Peers excluded so far for breaking the protocol. */
  get excluded (): ReadonlySet<string> {
    return this.state.excluded
  }

  /**
   * Whether a masked input from this peer is due: the phase is open, the peer shared keys, and its
   * vector is not in yet. The network layer admits uploads only from these peers, so no one else can
   * hold its bounded upload slots.
   */
  awaitsMaskedInput (from: Identity): boolean {
    const { state } = this
    return state.status === 'masked-input' && state.shareKeys.has(from.id) && !state.completed.has(from.id) && !state.unchecked.has(from.id) && !state.excluded.has(from.id)
  }

  /** Opens the attempt: the signed announcement for every session member. */
  async announce (): Promise<Step> {
    return this.serial.run(async () => {
      if (this.state.status !== 'announce') return emptyStep()
      return this.guard(async () => announce(this.state))
    })
  }

  /**
   * Handles one participant message; `from` is the sender as the transport authenticated it. The bytes
   * of a masked-input chunk are kept until its upload is in the sum for good (to take it back out if it
   * is not), as they are unless they are a view of a much larger buffer: the caller must not reuse them.
   */
  async handle (from: Identity, type: MessageType, bytes: Uint8Array): Promise<Step> {
    return this.serial.run(async () => this.handleNow(from, type, bytes))
  }

  private async handleNow (from: Identity, type: MessageType, bytes: Uint8Array): Promise<Step> {
    const phase = this.timedPhase()
    if (phase === undefined) return emptyStep()
    if (this.state.excluded.has(from.id)) return emptyStep()
    // a peer reported gone that speaks again is back (its connection was redialled)
    this.state.lost.delete(from.id)
    // Masked-input chunks are not remembered: each is big, and a repeated one already fails its offset check.
    const key = type === 'masked-input' ? undefined : `${from.id}/${type}`
    const previous = key === undefined ? undefined : this.handled.get(key)
    if (previous !== undefined && equalBytes(previous, bytes)) return emptyStep()
    const logic = PHASE_LOGIC[phase]
    const handle = logic.accepts[type]
    if (handle === undefined) return this.exclude(from, phase, 'conflicting-request', `sent a ${type} message during ${phase}`)
    let step = emptyStep()
    try {
      step = (await handle(this.state, from, bytes)) ?? emptyStep()
      if (key !== undefined) this.handled.set(key, bytes)
    } catch (err) {
      if (!(err instanceof ProtocolViolation)) return this.abortNow('internal-error', (err as Error)?.message ?? String(err))
      step = this.exclude(from, phase, err.reason, err.message)
    }
    return await this.completeNow(phase) ? merge(step, await this.closeNow()) : step
  }

  /**
   * The network layer's word that a peer is gone: every connection to it closed and none could be
   * redialled within its grace. No phase waits for it any longer; it is not accused of anything, and a
   * message from it later is taken as usual. A peer could always drop out: this only stops the wait.
   */
  async peerLost (peer: Identity): Promise<Step> {
    return this.serial.run(async () => {
      const phase = this.timedPhase()
      if (phase === undefined || this.state.lost.has(peer.id) || this.state.excluded.has(peer.id)) return emptyStep()
      const awaited = phase === 'advertise-keys' || PHASE_LOGIC[phase].awaited(this.state).includes(peer.id)
      this.state.lost.add(peer.id)
      // reported if it takes part in the attempt (or may yet), whether or not this phase waits for it
      if (!awaited && !this.state.advertisements.has(peer.id)) return emptyStep()
      const step: Step = { messages: [], events: [this.dropped(peer.id, phase, 'connection-closed')] }
      if (!awaited) return step
      // An upload cut off, or one whose share-check will now never come, is taken back out of the sum.
      if (phase === 'masked-input') dropUpload(this.state, peer.id)
      return await this.completeNow(phase) ? merge(step, await this.closeNow()) : step
    })
  }

  private dropped (peer: string, phase: TimedPhase, cause: DropCause): RoundEvent {
    return { type: 'dropped', peer, phase, cause, waited: this.state.config.now() - this.state.phaseOpened }
  }

  private async completeNow (phase: TimedPhase): Promise<boolean> {
    try {
      return await isComplete(phase, this.state)
    } catch {
      // a bug in a completion check must not stop the attempt: the phase closes at its deadline
      return false
    }
  }

  /** Forgets a masked-input upload whose stream broke; its sender counts as dropped. */
  async abandonUpload (from: Identity): Promise<Step> {
    return this.serial.run(async () => {
      if (this.state.status !== 'masked-input') return emptyStep()
      dropUpload(this.state, from.id)
      return await this.completeNow('masked-input') ? this.closeNow() : emptyStep()
    })
  }

  /**
   * The deadline of the current phase (Unix ms), once announced: its own timeout after it opened, and
   * never past the deadline the announcement gave it. The announced deadlines add up every phase's
   * timeout from the announcement, so a phase that opened early and waited for them would wait for the
   * time the earlier phases did not use too (a peer lost in unmask held it for all five timeouts).
   */
  nextDeadline (): number | undefined {
    const phase = this.timedPhase()
    if (phase === undefined) return undefined
    const announced = this.state.deadlines[TIMED_PHASES.indexOf(phase)]
    return Math.min(announced, this.state.phaseOpened + this.state.config.params.phaseTimeouts[phase])
  }

  /** Closes the current phase if its deadline has passed; the peers it still waited for count as dropped. */
  async handleTimeout (now: number): Promise<Step> {
    return this.serial.run(async () => {
      const deadline = this.nextDeadline()
      const phase = this.timedPhase()
      if (deadline === undefined || phase === undefined || now < deadline) return emptyStep()
      const step: Step = { messages: [], events: PHASE_LOGIC[phase].awaited(this.state).map(peer => this.dropped(peer, phase, 'deadline')) }
      return merge(step, await this.closeNow())
    })
  }

  /** Closes the current phase now, with whoever has answered, and moves on (or aborts). */
  async close (): Promise<Step> {
    return this.serial.run(async () => this.closeNow())
  }

  private async closeNow (): Promise<Step> {
    const phase = this.timedPhase()
    if (phase === undefined) return emptyStep()
    const step = await this.guard(async () => PHASE_LOGIC[phase].close(this.state))
    const next = this.timedPhase()
    if (next === undefined || next === phase) return step
    this.state.phaseOpened = this.state.config.now()
    // A phase with nobody left to hear from (everyone excluded or gone) closes at once.
    if (next !== 'advertise-keys' && await this.completeNow(next)) return merge(step, await this.closeNow())
    return step
  }

  /** Abandons the attempt, for example when this peer leaves the session. */
  async abort (reason: AbortReason, message: string): Promise<Step> {
    return this.serial.run(async () => this.abortNow(reason, message))
  }

  private abortNow (reason: AbortReason, message: string): Step {
    const status = this.state.status
    if (status === 'done' || status === 'aborted') return emptyStep()
    this.state.status = 'aborted'
    this.state.sum = undefined
    this.state.uploadCheck = undefined
    this.state.uploads.clear()
    this.state.unchecked.clear()
    return { messages: [], events: [{ type: 'aborted', reason, phase: status, message }] }
  }

  private timedPhase (): TimedPhase | undefined {
    const status = this.state.status
    return (TIMED_PHASES as readonly string[]).includes(status) ? status as TimedPhase : undefined
  }

  private exclude (from: Identity, phase: Phase, reason: AbortReason, message: string): Step {
    return { messages: [], events: [excludePeer(this.state, from.id, phase, reason, message)] }
  }

  private async guard (run: () => Promise<Step>): Promise<Step> {
    try {
      return await run()
    } catch (err) {
      if (err instanceof ProtocolViolation) return this.abortNow(err.reason, err.message)
      return this.abortNow('internal-error', (err as Error)?.message ?? String(err))
    }
  }
}
