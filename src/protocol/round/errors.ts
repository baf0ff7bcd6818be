/** Why a round attempt aborts: every abort carries one of these, never a partial result. */

export type AbortReason =
  /** Fewer peers advertised keys than the session's minimum. */
  | 'too-few-participants'
  /** More participants than the encoding's modulus can sum. */
  | 'too-many-participants'
  /** More peers dropped out than the parameters tolerate (survivors below the minimum). */
  | 'too-many-dropouts'
  /** Some peer kept fewer than t neighbours, so its secrets could not be reconstructed. */
  | 'too-few-neighbours'
  /** The aggregator's announcement is invalid, unsigned, or for another round. */
  | 'invalid-announcement'
  /** The roster or the neighbours' keys are malformed, unsigned, swapped, repeated, or not the graph's. */
  | 'invalid-roster'
  /**
   * Shares are malformed, come from non-neighbours, or fail their checks: a dealer dealt bad shares (or
   * commitments), a holder complained falsely, or a dealer proven to cheat leaves a secret with fewer than
   * t good shares among the survivors (an abort before anyone reveals).
   */
  | 'invalid-shares'
  /** A masked input is not the vector its sender signed a commitment to, or the commitment is missing, malformed or names the wrong masks. */
  | 'invalid-commitment'
  /** The survivor set is malformed or contradicts what this peer saw. */
  | 'invalid-survivor-set'
  /** The consistency proof lacks t valid neighbour signatures on the survivor set this peer signed. */
  | 'invalid-consistency-proof'
  /** The aggregator asked for something it must never get: a second survivor set, or both shares of one peer. */
  | 'conflicting-request'
  /** The result is unsigned, malformed, over a survivor set other than the agreed one, or comes without a transcript that verifies it. */
  | 'invalid-result'
  /** The result's transcript shows its sum is not the survivors' inputs: the aggregator signed a wrong sum. */
  | 'forged-result'
  /** Not enough valid shares to reconstruct some secret. */
  | 'reconstruction-failed'
  /** A phase deadline passed. */
  | 'timeout'
  /** This peer's own update cannot be encoded (NaN, infinite, wrong length, weight out of range). */
  | 'invalid-input'
  /** This peer was left out of the roster or the survivors. */
  | 'excluded'
  /**
   * The survivors differ from those of an earlier attempt of this round in which this peer revealed its
   * shares: the two sums together would expose the inputs of the peers in one set and not the other.
   */
  | 'survivors-changed'
  /** A failure inside the state machine itself (a bug): reported rather than thrown. */
  | 'internal-error'

/**
 * A message broke the protocol. Inside the state machines only: a participant turns it into an
 * abort, the aggregator into the exclusion of the sender.
 */
export class ProtocolViolation extends Error {
  static override name = 'ProtocolViolation'
  override name = ProtocolViolation.name

  constructor (readonly reason: AbortReason, message: string) {
    super(message)
  }
}

/** A dealing proof does not prove that its dealer cheated: malformed, unsigned, for another round, or the shares verify. */
export class InvalidDealingProofError extends Error {
  static override name = 'InvalidDealingProofError'
  override name = InvalidDealingProofError.name
}
