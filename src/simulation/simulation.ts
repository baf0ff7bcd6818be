/**
 * Drives one round attempt among n participants and an aggregator in one process, with a virtual
 * clock: messages are delivered in order, and when nothing is in flight the clock jumps to the next
 * deadline. Peers can drop out at any phase, and a hook can tamper with what the aggregator sends,
 * so every fault and adversary can be replayed deterministically.
 */
import { deterministicRandom } from '../protocol/crypto/random.js'
import { identityFromBytes } from '../protocol/crypto/identity.js'
import { Roster } from '../protocol/pb/messages.js'
import { RosterView } from '../protocol/round/roster.js'
import { toHex } from '../protocol/crypto/bytes.js'
import { Aggregator } from '../protocol/round/aggregator/aggregator.js'
import type { AggregatorConfig } from '../protocol/round/aggregator/state.js'
import { Participant } from '../protocol/round/participant/participant.js'
import { MASKED_CHUNK_COORDINATES } from '../protocol/round/participant/masked-input.js'
import type { CryptoSuite } from '../protocol/crypto/suite.js'
import type { Identity } from '../protocol/crypto/identity.js'
import type { AbortReason } from '../protocol/round/errors.js'
import type { MessageType, RoundEvent, RoundOutcome, Step } from '../protocol/round/events.js'
import type { ResolvedParams } from '../protocol/round/params.js'
import type { Phase } from '../protocol/round/phases.js'
import type { SimulatedPeer } from './peers.js'

/** Where a peer stops: it sends nothing from this phase on (mid-way through its upload for 'masked-input-partial'). */
export type DropPoint = Phase | 'masked-input-partial'

export interface SimulationInput {
  params: ResolvedParams
  peers: SimulatedPeer[]
  updates: Float32Array[]
  weights?: number[]
  /** Index of the peer that aggregates (and also participates); ignored when aggregatorPeer is given. */
  aggregator: number
  /** An aggregator that is none of `peers` (a robust round's groups share one aggregator, in at most one of them). */
  aggregatorPeer?: SimulatedPeer
  /** The aggregator's maker of upload checks (AggregatorConfig.uploadCheck). */
  uploadCheck?: AggregatorConfig['uploadCheck']
  round?: number
  attempt?: number
  beacon?: Uint8Array
  crypto: CryptoSuite
  /** Seed of every peer's randomness. */
  seed?: string
  /** Peers (by index) that drop, and where. */
  drops?: Map<number, DropPoint>
  /** Coordinates per masked-input chunk (a multiple of 32). */
  chunkCoordinates?: number
  /**
   * Sees every message the aggregator sends, per recipient, and returns what the recipient gets instead
   * (the same bytes to leave it alone, or a list of messages, empty to suppress it).
   */
  tamper?: (message: { type: MessageType, bytes: Uint8Array }, recipient: number) => Array<{ type: MessageType, bytes: Uint8Array }>
  /** Each peer's rounding seed (see ParticipantConfig.roundingSeed); random by default. */
  roundingSeeds?: Uint8Array[]
  /** Who may join; by default exactly the simulated peers. */
  isMember?: (peer: Identity) => boolean
  /** Sees every message as it is delivered, in either direction, before the recipient handles it. */
  observe?: (delivery: Delivery) => void
  /** Replaces each masked-input chunk a participant sends (by index), as a lying participant would. */
  tamperUpload?: (chunk: Uint8Array, sender: number) => Uint8Array | Promise<Uint8Array>
}

export interface PeerReport {
  outcome?: RoundOutcome
  abort?: { reason: AbortReason, phase: Phase, message: string }
  events: RoundEvent[]
}

export interface SimulationReport {
  aggregator: PeerReport
  participants: PeerReport[]
  /** Bytes each participant sent. */
  bytesSent: number[]
  /** Milliseconds each participant spent producing its masked input. */
  maskingMs: number[]
  /** Milliseconds the aggregator spent handling each type of message (closing a phase included). */
  aggregatorMs: Partial<Record<MessageType, number>>
  /** Milliseconds the aggregator spent announcing, and closing phases at their deadlines. */
  aggregatorDeadlineMs: number
  /** Milliseconds each participant spent handling each type of message from the aggregator (its masking is maskingMs). */
  participantMs: Array<Partial<Record<MessageType, number>>>
}

export interface Delivery {
  /** Sender: a participant's index, or the aggregator's peer index for its messages. */
  from: number
  to: number | 'aggregator'
  type: MessageType
  bytes: Uint8Array
}

/** The virtual clock's start: Unix milliseconds. */
export const SIMULATION_START_TIME = 1_700_000_000_000

export async function simulateRound (input: SimulationInput): Promise<SimulationReport> {
  const { params, peers, crypto } = input
  const drops = input.drops ?? new Map<number, DropPoint>()
  const round = input.round ?? 1
  const attempt = input.attempt ?? 0
  const beacon = input.beacon ?? new Uint8Array(32)
  const seed = input.seed ?? 'simulation'
  let now = SIMULATION_START_TIME
  const clock = (): number => now
  const index = new Map(peers.map((p, i) => [toHex(p.identity.bytes), i]))
  const aggregatorPeer = input.aggregatorPeer ?? peers[input.aggregator]
  const memberIds = new Set(peers.map(p => p.identity.id))
  const isMember = input.isMember ?? ((peer: Identity) => memberIds.has(peer.id))

  const aggregator = new Aggregator({
    params,
    round,
    attempt,
    beacon,
    identity: aggregatorPeer.identity,
    privateKey: aggregatorPeer.privateKey,
    crypto,
    random: deterministicRandom(`${seed}/aggregator`),
    now: clock,
    expectedParticipants: peers.length,
    isMember,
    ...(input.uploadCheck !== undefined ? { uploadCheck: input.uploadCheck } : {})
  })
  const participants = peers.map((peer, i) => new Participant({
    params,
    round,
    attempt,
    beacon,
    aggregator: aggregatorPeer.identity,
    identity: peer.identity,
    privateKey: peer.privateKey,
    update: input.updates[i],
    weight: input.weights?.[i] ?? params.encoding.maxWeight,
    crypto,
    random: deterministicRandom(`${seed}/participant/${i}`),
    roundingSeed: input.roundingSeeds?.[i],
    now: clock,
    isMember
  }))
  const reports: PeerReport[] = peers.map(() => ({ events: [] }))
  const aggregatorReport: PeerReport = { events: [] }
  const bytesSent = peers.map(() => 0)
  const maskingMs = peers.map(() => 0)
  const aggregatorMs: Partial<Record<MessageType, number>> = {}
  let aggregatorDeadlineMs = 0
  const participantMs: Array<Partial<Record<MessageType, number>>> = peers.map(() => ({}))
  const queue: Delivery[] = []

  const dropsAt = (peer: number, phase: Phase): boolean => {
    const point = drops.get(peer)
    if (point === undefined) return false
    const at = point === 'masked-input-partial' ? 'masked-input' : point
    return PHASE_ORDER.indexOf(phase) >= PHASE_ORDER.indexOf(at)
  }

  const record = (report: PeerReport, events: RoundEvent[]): void => {
    for (const event of events) {
      report.events.push(event)
      if (event.type === 'result') report.outcome = event.outcome
      if (event.type === 'aborted') report.abort = { reason: event.reason, phase: event.phase, message: event.message }
    }
  }

  const fromAggregator = (step: Step): void => {
    record(aggregatorReport, step.events)
    for (const message of step.messages) {
      const recipients = message.to === 'all' ? peers.map((_, i) => i) : [index.get(toHex(message.to))!]
      for (const recipient of recipients) {
        const delivered = input.tamper?.(message, recipient) ?? [message]
        for (const { type, bytes } of delivered) queue.push({ from: input.aggregator, to: recipient, type, bytes })
      }
    }
  }

  /** Queues a participant's messages, or with `now` hands them to the aggregator at once. */
  const fromParticipant = async (i: number, step: Step, now = false): Promise<void> => {
    record(reports[i], step.events)
    for (const message of step.messages) {
      if (dropsAt(i, PHASE_OF[message.type])) continue
      bytesSent[i] += message.bytes.length
      const delivery: Delivery = { from: i, to: 'aggregator', type: message.type, bytes: message.bytes }
      if (now) await toAggregator(delivery)
      else queue.push(delivery)
    }
  }

  const toAggregator = async (delivery: Delivery): Promise<void> => {
    input.observe?.(delivery)
    const step = await timed(async () => aggregator.handle(peers[delivery.from].identity, delivery.type, delivery.bytes), ms => { addTo(aggregatorMs, delivery.type, ms) })
    fromAggregator(step)
  }

  // Chunks stream straight to the aggregator as they are made, as over a real stream, rather than
  // queueing: a whole round's masked vectors held at once would distort the memory and time measured.
  const sendMaskedInput = async (i: number): Promise<void> => {
    if (dropsAt(i, 'masked-input') && drops.get(i) !== 'masked-input-partial') return
    let sent = 0
    let started = performance.now()
    for await (const chunk of participants[i].maskedInput(input.chunkCoordinates ?? MASKED_CHUNK_COORDINATES)) {
      maskingMs[i] += performance.now() - started
      if (drops.get(i) === 'masked-input-partial' && sent >= 1) break
      const bytes = await input.tamperUpload?.(chunk.bytes, i) ?? chunk.bytes
      bytesSent[i] += bytes.length
      if (chunk.last) record(reports[i], [{ type: 'input-encoded', clipped: chunk.clipped }])
      await toAggregator({ from: i, to: 'aggregator', type: 'masked-input', bytes })
      sent++
      started = performance.now()
    }
  }

  fromAggregator(await timed(async () => aggregator.announce(), ms => { aggregatorDeadlineMs += ms }))

  const finished = (): boolean => aggregator.status === 'done' || aggregator.status === 'aborted'
  for (let guard = 0; guard < 1_000_000; guard++) {
    const delivery = queue.shift()
    if (delivery !== undefined) {
      if (delivery.to === 'aggregator') {
        await toAggregator(delivery)
        continue
      }
      const i = delivery.to
      if (dropsAt(i, PHASE_OF[delivery.type])) continue
      input.observe?.(delivery)
      const before = participants[i].status
      const step = await timed(async () => participants[i].handle(aggregatorPeer.identity, delivery.type, delivery.bytes), ms => { addTo(participantMs[i], delivery.type, ms) })
      // As the node does, a participant's share-check goes out before its masked input does.
      const startsMasking = before !== 'masked-input' && participants[i].status === 'masked-input'
      await fromParticipant(i, step, startsMasking)
      if (startsMasking) await sendMaskedInput(i)
      continue
    }
    if (finished() && queue.length === 0) break
    // Nothing in flight: let time run to the next deadline.
    const deadline = aggregator.nextDeadline()
    if (deadline === undefined) break
    now = Math.max(now, deadline)
    fromAggregator(await timed(async () => aggregator.handleTimeout(now), ms => { aggregatorDeadlineMs += ms }))
  }
  // Participants still waiting see their own deadlines pass.
  now += 3_600_000
  for (let i = 0; i < peers.length; i++) if (!drops.has(i)) record(reports[i], participants[i].handleTimeout(now).events)
  return { aggregator: aggregatorReport, participants: reports, bytesSent, maskingMs, aggregatorMs, aggregatorDeadlineMs, participantMs }
}

/** Runs some work and hands its wall-clock milliseconds to `spent`. */
async function timed<T> (work: () => Promise<T>, spent: (ms: number) => void): Promise<T> {
  const started = performance.now()
  const result = await work()
  spent(performance.now() - started)
  return result
}

function addTo (times: Partial<Record<MessageType, number>>, type: MessageType, ms: number): void {
  times[type] = (times[type] ?? 0) + ms
}

const PHASE_ORDER: Phase[] = ['announce', 'advertise-keys', 'share-keys', 'masked-input', 'consistency-check', 'unmask']

/** The phase in which each message is sent (participants' messages) or acted on (the aggregator's). */
export const PHASE_OF: Record<MessageType, Phase> = {
  announcement: 'announce',
  'key-advertisement': 'advertise-keys',
  roster: 'advertise-keys',
  'neighbour-keys': 'advertise-keys',
  'share-keys': 'share-keys',
  'share-delivery': 'share-keys',
  // sent with the masked input, right before it: a peer that drops before its masked input sends neither
  'share-check': 'masked-input',
  'masked-input': 'masked-input',
  'survivor-set': 'consistency-check',
  'consistency-signature': 'consistency-check',
  'consistency-proof': 'unmask',
  'unmask-shares': 'unmask',
  result: 'unmask'
}

/** The roster and graph a round's participants were sent, read from its roster message. */
export function rosterOfMessage (bytes: Uint8Array, params: ResolvedParams, context: { sessionId: Uint8Array, round: number, attempt: number }, beacon: Uint8Array): RosterView {
  const roster = Roster.decode(bytes)
  return new RosterView(roster.peers.map(p => identityFromBytes(p)), context, beacon, params, roster.digests)
}

/**
 * The roster a round's participants are sent, from a run of the same round without drops or tampering.
 * The graph hashes the peers' fresh keys, which come from the seeded randomness, so a run with the same
 * seed draws the same graph: tests that plan an attack on the graph rehearse the round first.
 */
export async function rehearseRoster (input: SimulationInput): Promise<RosterView> {
  let rosterBytes: Uint8Array | undefined
  await simulateRound({ ...input, drops: new Map(), tamper: undefined, observe: (d) => { if (d.type === 'roster') rosterBytes ??= d.bytes } })
  if (rosterBytes === undefined) throw new Error('the rehearsed round sent no roster')
  return rosterOfMessage(rosterBytes, input.params, { sessionId: input.params.sessionId, round: input.round ?? 1, attempt: input.attempt ?? 0 }, input.beacon ?? new Uint8Array(32))
}
