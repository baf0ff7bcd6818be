/** Errors an aggregate() call rejects with; callers and tests match on `name`. */
import type { AbortReason } from '../round/errors.js'

/** The update cannot be aggregated in this session: wrong length, NaN or infinite values, a bad weight. */
export class InvalidUpdateError extends Error {
  static override name = 'InvalidUpdateError'
  override name = InvalidUpdateError.name
}

/** aggregate() was called while an update of this session is still waiting for its round. */
export class UpdatePendingError extends Error {
  static override name = 'UpdatePendingError'
  override name = UpdatePendingError.name
}

/** Why a round gave up on this peer's update. */
export type RoundFailure =
  /** Every attempt the session allows failed; `lastReason` says how the last one did. */
  | 'max-attempts'
  /** The session was left, or the node stopped, before the round finished. */
  | 'left'
  /**
   * The round ended with a result this update is not in, after this peer had revealed unmask shares in
   * one of its attempts (or the update was handed in again after that): it must never be summed again.
   */
  | 'revealed'
  /** A DP session's budget had no room for the round the update came to (it moved on after a failed one). */
  | 'privacy-budget'

/**
 * Why an attempt ended without a result for this peer: the round core's abort reason, no announcement
 * in time, or the aggregator's connections closed for good.
 */
export type AttemptEnd = AbortReason | 'no-announcement' | 'aggregator-lost' | 'round-closed' | 'aggregator-convicted'

/** The round ended without a result for this peer's update. */
export class RoundFailedError extends Error {
  static override name = 'RoundFailedError'
  override name = RoundFailedError.name

  /**
   * `sharesRevealed`: this peer revealed unmasking shares in an attempt that then failed, so that
   * attempt's aggregator may hold a sum with this update in it. Submitting the same update again in
   * another round could let two sums differ by single inputs: submit a fresh one instead.
   */
  constructor (readonly failure: RoundFailure, readonly round: number, readonly lastReason: AttemptEnd | undefined, message: string, readonly sharesRevealed = false) {
    super(message)
  }
}

/** The session was not joined, or was left. */
export class NotJoinedError extends Error {
  static override name = 'NotJoinedError'
  override name = NotJoinedError.name
}
