/** What the state machines hand back to the network layer: messages to send and events to report. */
import type { AbortReason } from './errors.js'
import type { Phase } from './phases.js'
import type { DecodedAggregate } from '../encoding/dequantize.js'

/** Every message type; the network layer maps each to a protocol id. */
export type MessageType =
  | 'announcement'
  | 'key-advertisement'
  | 'roster'
  | 'neighbour-keys'
  | 'share-keys'
  | 'share-delivery'
  | 'share-check'
  | 'masked-input'
  | 'survivor-set'
  | 'consistency-signature'
  | 'consistency-proof'
  | 'unmask-shares'
  | 'result'

/** How the aggregator learned that a peer it waited for was not coming. */
export type DropCause = 'connection-closed' | 'deadline'

export interface Outbound {
  /** A peer's wire id, or 'all' for every session member. */
  to: Uint8Array | 'all'
  type: MessageType
  bytes: Uint8Array
}

/** The outcome of a round, as every survivor and the aggregator see it. */
export interface RoundOutcome extends DecodedAggregate {
  round: number
  attempt: number
  /** The aggregator's peer id (string form). */
  aggregator: string
  /** U1: peers in the roster. */
  participants: string[]
  /** U3: peers whose inputs are in the sum. */
  survivors: string[]
  /** The sum mod 2^m of the survivors' quantized inputs (dimension + 1 words, the last the weight). */
  quantizedSum: Uint32Array
  /** The aggregator's signed result message: the next round's beacon derives from it. */
  signedResult: Uint8Array
  /** The encoded RoundTranscript the result travelled in: anyone checks the sum with it (verification/audit.ts). */
  transcript?: Uint8Array
}

export type RoundEvent =
  | { type: 'phase', phase: Phase }
  | { type: 'excluded', peer: string, phase: Phase, reason: AbortReason, message: string }
  | { type: 'share-rejected', peer: string, message: string }
  /**
   * The aggregator stopped waiting for `peer` in `phase`: its connections closed and it was not back
   * within its grace ('connection-closed'), or the phase's deadline passed ('deadline'); `waited` ms
   * after the phase opened.
   */
  | { type: 'dropped', peer: string, phase: Phase, cause: DropCause, waited: number }
  /**
   * The aggregator holds proof that `peer` broke the protocol in a way anyone can check: `proof` is an
   * encoded DealingProof that verifyDealingProof (dealing-proof.ts) confirms without trusting the aggregator.
   */
  | { type: 'misbehaviour', peer: string, phase: Phase, fault: string, proof: Uint8Array }
  | { type: 'input-encoded', clipped: number }
  | { type: 'aborted', reason: AbortReason, phase: Phase, message: string }
  | { type: 'result', outcome: RoundOutcome }

export interface Step {
  messages: Outbound[]
  events: RoundEvent[]
}

export function emptyStep (): Step {
  return { messages: [], events: [] }
}

/** Appends one step's messages and events to another's. */
export function merge (into: Step, from: Step): Step {
  into.messages.push(...from.messages)
  into.events.push(...from.events)
  return into
}
