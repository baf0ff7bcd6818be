/**
 * What the session core asks its driver to do. The core never performs I/O: it emits these in order,
 * and the driver carries them out in that order (a `persist` completes before anything emitted after it
 * is sent, so a restart never forgets a promise the network has already seen).
 */
import type { Identity } from '../crypto/identity.js'
import type { DropCause, MessageType, RoundOutcome } from '../round/events.js'
import type { Phase } from '../round/phases.js'
import type { SessionRecord } from './ledger.js'
import type { RobustReport } from '../robust/robust-outcome.js'

/** The attempt a round message belongs to: the Route frame every stream opens with. */
export interface AttemptRoute {
  session: Uint8Array
  round: number
  attempt: number
}

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

/** A peer some phase stopped waiting for, and how that was known (the testnet's report shows these). */
export interface RoundDropout {
  session: string
  round: number
  attempt: number
  phase: Phase
  peer: string
  /** 'aggregator': this peer aggregates and stopped waiting for a participant; 'participant': its aggregator is gone. */
  role: 'participant' | 'aggregator'
  cause: DropCause
  /** Milliseconds from the phase's opening (for the aggregator) to when the wait ended. */
  waited?: number
}

/** A member's word that a peer of a round attempt is gone: a reason for others to check it, no more. */
export interface PeerLost {
  round: number
  attempt: number
  peer: Uint8Array
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
   * holding the session can check it (`verifyResult`).
   */
  signedResult: Uint8Array
  /**
   * The round's transcript, which holds the signed result: anyone holding the session's parameters
   * checks with it that the sum is the survivors' inputs (`auditTranscript`, `secagg verify`).
   */
  transcript: Uint8Array
  /**
   * A robust round's groups: which the rule combined, which failed, which were over their bounds. Its
   * mean is the rule's; its sum is that mean times the used groups' weight (no plain sum is revealed).
   */
  robust?: RobustReport
}

/** A presence notice's content, less the addresses (the driver knows where it listens). */
export interface PresenceNotice {
  /** The last round this peer holds the result of (0 before the first). */
  latestRound: number
  /** Whether it has an update for the next round. */
  ready: boolean
}

export type SessionAction =
  /** Send one round message; abort it at `deadline` (Unix ms) or when its scope ends. */
  | { type: 'send', to: Identity, route: AttemptRoute, message: MessageType, bytes: Uint8Array, scope: string, deadline?: number }
  /** Stream this peer's masked input to the aggregator, chunk by chunk, as fast as it reads them. */
  | { type: 'upload', to: Identity, route: AttemptRoute, chunks: AsyncIterable<Uint8Array>, scope: string, deadline?: number }
  /**
   * Check that these peers can be reached and report those that cannot with peerLost: a connection, or
   * a dial within the grace; with `ping`, an answer to a ping within `timeout` ms, connected or not.
   */
  | { type: 'probe', peers: Identity[], ping?: { timeout: number } }
  /** Abort everything still in flight for an attempt: it ended. */
  | { type: 'end-scope', scope: string }
  /** Publish on the session's topic: presence, an announcement (with presence), or a result notice. */
  | { type: 'publish', presence?: PresenceNotice, announcement?: Uint8Array, result?: { round: number, attempt: number }, misbehaviour?: { round: number, attempt: number, proof: Uint8Array }, peerLost?: PeerLost, closedRound?: number }
  /** Ask a member for the session's result of `round` (0: its latest); hand the answer to `fetched()`. */
  | { type: 'fetch-result', from: Identity, round: number }
  /** Store this record durably before carrying out any later action. */
  /** `latestChanged`: the latest result is new (large: it holds the packed sum); else only the ledger changed. */
  | { type: 'persist', record: SessionRecord, latestChanged: boolean }
  /** aggregate() call `update` resolves. */
  | { type: 'settle', update: number, result: AggregateResult }
  /** aggregate() call `update` rejects. */
  | { type: 'reject', update: number, error: Error }
  | { type: 'progress', progress: RoundProgress }
  | { type: 'dropout', dropout: RoundDropout }
  /** A round this peer took part in has its result. */
  | { type: 'result', result: AggregateResult }
  /** The session's latest result is now one of a round this peer took no part in, checked. */
  | { type: 'fetched', outcome: RoundOutcome }
  /** Something worth a debug line; never carries a secret. */
  | { type: 'log', message: string }

export type ActionSink = (action: SessionAction) => void
