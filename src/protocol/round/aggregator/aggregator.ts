/**
 * The aggregator's side of one round attempt, as a sans-I/O state machine. It takes participants'
 * messages as bytes and returns messages and events; a phase closes when every expected peer has
 * answered or when the driver reports its deadline. It never throws: an invalid message excludes its
 * sender, and a round that cannot finish aborts with a typed reason.
 */
import { ProtocolViolation, type AbortReason } from '../errors.js'
import { TIMED_PHASES, type Phase, type TimedPhase } from '../phases.js'
import { emptyStep, merge, type MessageType, type Step } from '../events.js'
import { announce } from './announce.js'
import { advertiseKeysComplete, closeAdvertiseKeys, onAdvertisement } from './advertise-keys.js'
import { closeShareKeys, onShareKeys, shareKeysComplete } from './share-keys.js'
import { closeMaskedInput, dropUpload, maskedInputComplete, onMaskedChunk } from './masked-input.js'
import { onShareCheck } from './share-check.js'
import { excludePeer } from './exclusion.js'
import { closeConsistencyCheck, consistencyCheckComplete, onConsistencySignature } from './consistency-check.js'
import { closeUnmask, onUnmaskShares, unmaskComplete } from './unmask.js'
import { equalBytes } from '../../crypto/bytes.js'
import { SerialQueue } from '../serial-queue.js'
import type { Identity } from '../../crypto/identity.js'
import type { AggregatorConfig, AggregatorState, AggregatorStatus } from './state.js'

type Handler = (state: AggregatorState, from: Identity, bytes: Uint8Array) => void | Step | Promise<void | Step>

interface PhaseLogic {
  /** The message types participants send in this phase, each with its handler. */
  accepts: Partial<Record<MessageType, Handler>>
  complete: (state: AggregatorState) => boolean
  close: (state: AggregatorState) => Step | Promise<Step>
}

const PHASE_LOGIC: Record<TimedPhase, PhaseLogic> = {
  'advertise-keys': { accepts: { 'key-advertisement': onAdvertisement }, complete: advertiseKeysComplete, close: closeAdvertiseKeys },
  'share-keys': { accepts: { 'share-keys': onShareKeys }, complete: shareKeysComplete, close: closeShareKeys },
  // Each member of U2 sends its share-check right after its shares arrive, next to its masked input.
  'masked-input': { accepts: { 'masked-input': onMaskedChunk, 'share-check': onShareCheck }, complete: maskedInputComplete, close: closeMaskedInput },
  'consistency-check': { accepts: { 'consistency-signature': onConsistencySignature }, complete: consistencyCheckComplete, close: closeConsistencyCheck },
  unmask: { accepts: { 'unmask-shares': onUnmaskShares }, complete: unmaskComplete, close: closeUnmask }
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
      excluded: new Set(),
      advertisements: new Map(),
      shareKeys: new Map(),
      checks: new Map(),
      uploads: new Map(),
      unchecked: new Map(),
      spareStaging: [],
      completed: new Set(),
      signatures: new Map(),
      revealed: new Map(),
      responders: new Set()
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

  /** Handles one participant message; `from` is the sender as the transport authenticated it. */
  async handle (from: Identity, type: MessageType, bytes: Uint8Array): Promise<Step> {
    return this.serial.run(async () => this.handleNow(from, type, bytes))
  }

  private async handleNow (from: Identity, type: MessageType, bytes: Uint8Array): Promise<Step> {
    const phase = this.timedPhase()
    if (phase === undefined) return emptyStep()
    if (this.state.excluded.has(from.id)) return emptyStep()
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
    return logic.complete(this.state) ? merge(step, await this.closeNow()) : step
  }

  /** Forgets a masked-input upload whose stream broke; its sender counts as dropped. */
  async abandonUpload (from: Identity): Promise<Step> {
    return this.serial.run(async () => {
      if (this.state.status !== 'masked-input') return emptyStep()
      dropUpload(this.state, from.id)
      return maskedInputComplete(this.state) ? this.closeNow() : emptyStep()
    })
  }

  /** The deadline of the current phase (Unix ms), once announced. */
  nextDeadline (): number | undefined {
    const phase = this.timedPhase()
    return phase === undefined ? undefined : this.state.deadlines[TIMED_PHASES.indexOf(phase)]
  }

  /** Closes the current phase if its deadline has passed. */
  async handleTimeout (now: number): Promise<Step> {
    return this.serial.run(async () => {
      const deadline = this.nextDeadline()
      if (deadline === undefined || now < deadline) return emptyStep()
      return this.closeNow()
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
    // A phase with nobody left to hear from (everyone excluded) closes at once.
    const next = this.timedPhase()
    if (next !== undefined && next !== phase && PHASE_LOGIC[next].complete(this.state) && next !== 'advertise-keys') {
      return merge(step, await this.closeNow())
    }
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
    this.state.accumulator = undefined
    this.state.uploads.clear()
    this.state.unchecked.clear()
    this.state.spareStaging = []
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
