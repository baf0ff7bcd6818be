/**
 * The participant's side of one round attempt, as a sans-I/O state machine: it takes the aggregator's
 * messages as bytes and returns the messages to send and the events to report. It never throws: a
 * message that breaks the protocol aborts the attempt with a typed reason instead.
 */
import { ProtocolViolation, type AbortReason } from '../errors.js'
import { TIMED_PHASES, type Phase } from '../phases.js'
import { emptyStep, type MessageType, type Step } from '../events.js'
import { equalBytes, toHex } from '../../crypto/bytes.js'
import { SerialQueue } from '../serial-queue.js'
import { onAnnouncement, CLOCK_SKEW_MS } from './announce.js'
import { onNeighbourKeys, onRoster } from './advertise-keys.js'
import { onShareDelivery } from './share-keys.js'
import { maskedInputChunks, MASKED_CHUNK_COORDINATES, type MaskedChunk } from './masked-input.js'
import { onSurvivorSet } from './consistency-check.js'
import { onConsistencyProof, onResult } from './unmask.js'
import type { ParticipantConfig, ParticipantState, ParticipantStatus } from './state.js'
import type { Identity } from '../../crypto/identity.js'

type Handler = (state: ParticipantState, bytes: Uint8Array) => Step | Promise<Step>

/** Which messages a participant takes in which status. */
const HANDLERS: Partial<Record<MessageType, { status: ParticipantStatus[], handle: Handler }>> = {
  announcement: { status: ['announce'], handle: onAnnouncement },
  roster: { status: ['advertise-keys'], handle: onRoster },
  'neighbour-keys': { status: ['advertise-keys'], handle: onNeighbourKeys },
  'share-delivery': { status: ['share-keys'], handle: onShareDelivery },
  'survivor-set': { status: ['masked-input', 'consistency-check'], handle: onSurvivorSet },
  'consistency-proof': { status: ['consistency-check'], handle: onConsistencyProof },
  result: { status: ['unmask'], handle: onResult }
}

export class Participant {
  private readonly state: ParticipantState
  /** The last message of each type handled, so a retransmitted copy is ignored rather than taken twice. */
  private readonly handled = new Map<MessageType, Uint8Array>()
  /** Messages are handled one at a time, whatever order the network delivers them concurrently in. */
  private readonly serial = new SerialQueue()
  /** Set by abort(), which may come (from a timer) while a handler awaits: the handler must not undo it. */
  private aborted = false

  constructor (config: ParticipantConfig) {
    this.state = {
      config,
      context: { sessionId: config.params.sessionId, round: config.round, attempt: config.attempt },
      status: 'announce',
      neighbours: new Map(),
      maskedInputStarted: false,
      verifiedSignatures: new Map(),
      revealed: false
    }
  }

  get status (): ParticipantStatus {
    return this.state.status
  }

  /**
   * Whether this attempt revealed unmask shares. A peer that did, but got no result, must not take part
   * again in the same round with the same update: the two sums could differ by a single peer's input.
   */
  get revealed (): boolean {
    return this.state.revealed
  }

  /** The survivors (PeerId strings) of the set this peer signed, once it has revealed its shares. */
  get revealedSurvivors (): string[] | undefined {
    const signed = this.state.signedSurvivors
    if (!this.state.revealed || signed === undefined) return undefined
    return this.state.roster!.identities.filter(i => signed.members.has(toHex(i.bytes))).map(i => i.id)
  }

  /** The phase this participant is in, for progress reporting. */
  get phase (): Phase | undefined {
    const status = this.state.status
    return status === 'done' || status === 'aborted' ? undefined : status
  }

  /** Handles one message from `from`; only the elected aggregator's messages count. */
  async handle (from: Identity, type: MessageType, bytes: Uint8Array): Promise<Step> {
    return this.serial.run(async () => this.handleNow(from, type, bytes))
  }

  private async handleNow (from: Identity, type: MessageType, bytes: Uint8Array): Promise<Step> {
    const { status, config } = this.state
    if (status === 'done' || status === 'aborted') return emptyStep()
    if (from.id !== config.aggregator.id) {
      return { messages: [], events: [{ type: 'excluded', peer: from.id, phase: status, reason: 'invalid-announcement', message: `ignored a ${type} message from a peer other than the aggregator` }] }
    }
    const previous = this.handled.get(type)
    if (previous !== undefined && equalBytes(previous, bytes)) return emptyStep()
    const handler = HANDLERS[type]
    if (type === 'result' && status !== 'unmask') return this.abort('excluded', 'the round ended without this peer')
    if (handler == null || !handler.status.includes(status)) {
      return this.abort('conflicting-request', `the aggregator sent a ${type} message during ${status}`)
    }
    try {
      const step = await handler.handle(this.state, bytes)
      if (this.aborted) {
        this.state.status = 'aborted'
        return emptyStep()
      }
      this.handled.set(type, bytes)
      return step
    } catch (err) {
      return this.abortOn(err)
    }
  }

  /**
   * The masked input, chunk by chunk, once the shares are in. It can be produced only once per
   * attempt, so the same masks never hide two vectors.
   */
  async * maskedInput (chunkCoordinates = MASKED_CHUNK_COORDINATES): AsyncGenerator<MaskedChunk> {
    const state = this.state
    if (state.status !== 'masked-input' || state.maskedInputStarted) throw new ProtocolViolation('conflicting-request', 'the masked input is not due, or was already produced')
    if (chunkCoordinates % 32 !== 0 || chunkCoordinates <= 0) throw new RangeError('chunk size must be a positive multiple of 32 coordinates')
    state.maskedInputStarted = true
    for await (const chunk of maskedInputChunks(state, chunkCoordinates)) {
      // an attempt aborted meanwhile (a deadline, say) stays aborted: the rest of the vector is not sent
      if (this.aborted) return
      if (chunk.last) state.status = 'consistency-check'
      yield chunk
    }
  }

  /** When the current phase times out (Unix ms), if the announcement has set deadlines. */
  nextDeadline (): number | undefined {
    const { deadlines, status } = this.state
    if (deadlines == null) return undefined
    const last = deadlines.length - 1
    const index = TIMED_PHASES.indexOf(status as typeof TIMED_PHASES[number])
    if (index < 0) return undefined
    // The result comes after the unmask deadline, once the aggregator has removed the masks.
    const deadline = status === 'unmask' ? deadlines[last] + (deadlines[last] - deadlines[last - 1]) : deadlines[index]
    return deadline + (this.state.config.clockSkew ?? CLOCK_SKEW_MS)
  }

  handleTimeout (now: number): Step {
    const deadline = this.nextDeadline()
    if (deadline === undefined || now < deadline) return emptyStep()
    return this.abort('timeout', `the ${this.state.status} phase passed its deadline`)
  }

  /** Abandons the attempt, for example when the network layer sees the aggregator go silent. */
  abort (reason: AbortReason, message: string): Step {
    const phase = this.phase ?? 'announce'
    if (this.state.status === 'done' || this.state.status === 'aborted') return emptyStep()
    this.aborted = true
    this.state.status = 'aborted'
    return { messages: [], events: [{ type: 'aborted', reason, phase, message }] }
  }

  private abortOn (err: unknown): Step {
    if (err instanceof ProtocolViolation) return this.abort(err.reason, err.message)
    return this.abort('internal-error', (err as Error)?.message ?? String(err))
  }
}
