/**
 * Checks a round's signed result before anyone who did not take part in it adopts it: it must be the
 * canonical signed result of this session, name only members (in a closed session), carry exactly
 * valid consistency signatures by its survivors (sorted, none repeated, none junk), and come from the
 * aggregator that the previous round's beacon elects for its round and attempt. A result that skips
 * rounds cannot be checked against an election its reader never saw; in a closed session it is taken
 * only when more members signed its survivor set than the session plans to be corrupt, so at least one
 * honest member took part in it.
 */
import { compareBytes, constantTimeEqual, equalBytes } from '../crypto/bytes.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { identityFromBytes, identityOf, SignatureDomain, verify, type Identity } from '../crypto/identity.js'
import { MAX_SHARES } from '../crypto/shamir.js'
import { unpackInto } from '../encoding/bit-pack.js'
import { decodeRoundSum } from '../round/decoded-sum.js'
import { vectorWords } from '../round/params.js'
import { electAggregator } from '../election.js'
import { RobustTranscript, RoundResult, RoundTranscript, Signed, SurvivorSet } from '../pb/messages.js'
import { partitionGroups } from '../robust/groups.js'
import { groupParams, groupSessionId } from '../robust/group-params.js'
import { robustOutcome } from '../robust/robust-outcome.js'
import type { ResolvedRobust } from '../robust/params.js'
import type { ResolvedParams } from '../round/params.js'
import { auditTranscript, TRANSCRIPT_LIMITS, type AuditVerdict } from '../verification/audit.js'
import type { CryptoSuite } from '../crypto/suite.js'
import { graphParametersFor } from '../round/params.js'
import { safeNumber } from './numbers.js'
import { beaconProblem, signatureProblem } from '../round/result-checks.js'
import type { RoundOutcome } from '../round/events.js'
import type { Session } from '../../node/session-config.js'

/** A result that does not hold up. */
export class InvalidResultError extends Error {
  static override name = 'InvalidResultError'
  override name = InvalidResultError.name
}

/** A result whose transcript shows its aggregator signed a wrong sum: evidence against `aggregator`. */
export class ForgedResultError extends InvalidResultError {
  static override name = 'ForgedResultError'
  override name = ForgedResultError.name

  constructor (readonly aggregator: string, readonly round: number, readonly attempt: number, message: string) {
    super(message)
  }
}

/**
 * A round's transcript checked as `auditTranscript` checks one, for any session: a robust session's
 * RobustTranscript has each group's audited and its rule applied again (verifyTravelledResult).
 */
export async function auditSessionTranscript (session: Session, crypto: CryptoSuite, bytes: Uint8Array): Promise<AuditVerdict> {
  if (session.robust === undefined) return await auditTranscript(bytes, session.params, crypto)
  try {
    const { round, attempt, aggregator, survivors } = await verifyTravelledResult(session, crypto, bytes)
    return { verdict: 'verified', round, attempt, aggregator, survivors }
  } catch (err: any) {
    if (err instanceof ForgedResultError) return { verdict: 'forged', round: err.round, attempt: err.attempt, aggregator: err.aggregator, reason: err.message }
    return { verdict: 'unverifiable', reason: err.message }
  }
}

/**
 * A result as it travels (its round's transcript, which holds the signed result): verifyResult's checks,
 * then the sum itself against the survivors' commitments (verification/audit.ts). Throws
 * ForgedResultError when the transcript convicts the aggregator, InvalidResultError otherwise.
 */
export async function verifyTravelledResult (session: Session, crypto: CryptoSuite, travelled: Uint8Array, after?: ChainPosition): Promise<RoundOutcome> {
  if (session.robust !== undefined) return await verifyRobustResult(session, session.robust, crypto, travelled, after)
  return { ...await verifyTravelledGroup(session, crypto, travelled, after), transcript: travelled }
}

/** One round transcript: a plain session's, or one group's of a robust round (`group`). */
async function verifyTravelledGroup (session: Session, crypto: CryptoSuite, travelled: Uint8Array, after?: ChainPosition, group?: GroupView): Promise<RoundOutcome> {
  let signedResult: Uint8Array
  try {
    signedResult = RoundTranscript.decode(travelled, { limits: TRANSCRIPT_LIMITS }).result
  } catch (err: any) {
    throw new InvalidResultError(`malformed result transcript: ${err.message}`)
  }
  const outcome = await verifyResult(session, crypto, signedResult, after, group)
  const audit = await auditTranscript(travelled, group?.params ?? session.params, crypto, { result: signedResult, signaturesChecked: true, resultSignatureChecked: true })
  if (audit.verdict === 'forged') throw new ForgedResultError(outcome.aggregator, outcome.round, outcome.attempt, `round ${outcome.round} attempt ${outcome.attempt}: ${audit.reason}`)
  if (audit.verdict === 'unverifiable') throw new InvalidResultError(`the result's transcript does not verify it: ${audit.reason}`)
  return { ...outcome, transcript: travelled }
}

function check (condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvalidResultError(message)
}

function identities (list: readonly Uint8Array[], what: string): Identity[] {
  for (let i = 1; i < list.length; i++) check(compareBytes(list[i - 1], list[i]) < 0, `${what} are not sorted without repeats`)
  return list.map(bytes => {
    try {
      return identityFromBytes(bytes)
    } catch {
      throw new InvalidResultError(`${what} include an invalid peer id`)
    }
  })
}

/** The members of a closed session, by id; undefined for an open one. */
function membersOf (session: Session): ReadonlySet<string> | undefined {
  return session.config.members === 'open' ? undefined : new Set(session.config.members)
}

/** The peers aggregators are elected from, when every reader can know them: a closed session's list. */
export function electorate (session: Session): Identity[] | undefined {
  const { members } = session.config
  return members === 'open' ? undefined : members.map(id => identityOfString(id))
}

function identityOfString (id: string): Identity {
  return identityOf(peerIdFromString(id))
}

/** What verifying against the chain needs: the latest result the reader holds and the beacon it gives. */
export interface ChainPosition {
  round: number
  beacon: Uint8Array
  /**
   * The beacon the latest result was itself elected under. Members that closed a round no one could
   * finish (the session core's closedRound) run the next one under the beacon they already held; a
   * reader that got the closed round's result after all finds that next round under this one.
   */
  previous?: Uint8Array
}

/**
 * A group of a robust round, as a result of it is checked: its instance's session id and parameters,
 * and the members the round's cut put in it. Its aggregator must still be a member of the session,
 * elected by the session's own election, and its beacon proof is over the session's round.
 */
export interface GroupView {
  id: Uint8Array
  params: ResolvedParams
  members: ReadonlySet<string>
}

/**
 * A robust round's RobustTranscript: every group present checked as a round of its own (its members
 * those of the round's cut, under the beacon the results carry), all by one aggregator for one round,
 * attempt and beacon, the chain checked once with every group's signatures, and the rule applied
 * again to the group sums: the outcome its aggregator built, or InvalidResultError.
 */
async function verifyRobustResult (session: Session, robust: ResolvedRobust, crypto: CryptoSuite, travelled: Uint8Array, after?: ChainPosition): Promise<RoundOutcome> {
  let groups: Uint8Array[]
  let header: RoundResult
  try {
    groups = RobustTranscript.decode(travelled, { limits: { groups: robust.sizes.length } }).groups
    const present = groups.find(g => g.length > 0)
    check(present !== undefined, 'no group of the robust round completed')
    header = RoundResult.decode(Signed.decode(RoundTranscript.decode(present, { limits: TRANSCRIPT_LIMITS }).result).body, { limits: { participants: MAX_SHARES, signatures: MAX_SHARES } })
  } catch (err: any) {
    if (err instanceof InvalidResultError) throw err
    throw new InvalidResultError(`malformed robust transcript: ${err.message}`)
  }
  check(groups.length === robust.sizes.length, `robust transcript holds ${groups.length} groups, the session cuts ${robust.sizes.length}`)
  const round = header.ref == null ? undefined : safeNumber(header.ref.round)
  check(round !== undefined && round >= 1, 'result names no usable round number')
  const cut = partitionGroups(session.id, round, header.beacon, electorate(session)!, robust.groupSize)
  const outcomes: Array<RoundOutcome | undefined> = []
  let signers = 0
  for (const [g, bytes] of groups.entries()) {
    if (bytes.length === 0) {
      outcomes.push(undefined)
      continue
    }
    const view = { id: groupSessionId(session.id, g), params: groupParams(session.params, robust, g, cut[g].length), members: new Set(cut[g].map(m => m.id)) }
    const outcome = await verifyTravelledGroup(session, crypto, bytes, undefined, view)
    const result = RoundResult.decode(Signed.decode(outcome.signedResult).body)
    check(outcome.round === round && outcome.attempt === header.ref!.attempt && outcome.aggregator === identityFromBytes(header.aggregator).id && constantTimeEqual(result.beacon, header.beacon),
      `group ${g}'s result is for another round, attempt, aggregator or beacon than the others'`)
    signers += result.signatures.length
    outcomes.push(outcome)
  }
  checkChain(session, round, header.ref!.attempt, header.beacon, identityFromBytes(header.aggregator), signers, after)
  try {
    return robustOutcome(session.params, robust, outcomes, travelled)
  } catch (err: any) {
    throw new InvalidResultError(`the robust round's groups do not combine: ${err.message}`)
  }
}

/**
 * The outcome a signed result states, once every check passes; throws InvalidResultError otherwise.
 * With `after`, the result must also continue the reader's chain: the next round under the aggregator
 * the beacon elects (a closed session; an open one elects from views no reader can check), or a later
 * round that more than the session's corrupt members signed (a closed session only).
 */
export async function verifyResult (session: Session, crypto: CryptoSuite, signedResult: Uint8Array, after?: ChainPosition, group?: GroupView): Promise<RoundOutcome> {
  const id = group?.id ?? session.id
  const params = group?.params ?? session.params
  let envelope: Signed
  let result: RoundResult
  let survivorSet: SurvivorSet
  try {
    envelope = Signed.decode(signedResult)
    result = RoundResult.decode(envelope.body, { limits: { participants: MAX_SHARES, signatures: MAX_SHARES } })
    survivorSet = SurvivorSet.decode(result.survivorSet, { limits: { survivors: MAX_SHARES } })
  } catch (err: any) {
    throw new InvalidResultError(`malformed result: ${err.message}`)
  }
  check(equalBytes(Signed.encode(envelope), signedResult) && equalBytes(RoundResult.encode(result), envelope.body) &&
    equalBytes(SurvivorSet.encode(survivorSet), result.survivorSet), 'result is not canonically encoded')
  check(result.ref != null && constantTimeEqual(result.ref.session, id), 'result is for another session')
  check(survivorSet.ref != null, 'survivor set has no round reference')
  const round = safeNumber(result.ref.round)
  check(round !== undefined && round >= 1, 'result names no usable round number')
  check(survivorSet.ref.round === result.ref.round && survivorSet.ref.attempt === result.ref.attempt && constantTimeEqual(survivorSet.ref.session, id), 'survivor set is for another round')
  let aggregator: Identity
  try {
    aggregator = identityFromBytes(result.aggregator)
  } catch {
    throw new InvalidResultError('result names no valid aggregator')
  }
  const members = membersOf(session)
  check(members === undefined || members.has(aggregator.id), 'result names an aggregator that is not a member')
  check(await verify(aggregator, SignatureDomain.result, envelope.body, envelope.signature), 'result is not signed by its aggregator')

  const participants = identities(result.participants, 'participants')
  const allowed = group?.members ?? members
  check(allowed === undefined || participants.every(p => allowed.has(p.id)), `result lists a participant that is not a member${group === undefined ? '' : ' of its group'}`)
  check(participants.length >= params.minParticipants && participants.length <= params.encoding.maxParticipants, `result lists ${participants.length} participants, outside the session's range`)
  const listed = new Set(participants.map(p => p.id))
  const survivors = identities(survivorSet.survivors, 'survivors')
  check(survivors.every(s => listed.has(s.id)), 'survivor set names peers outside the roster')
  const { minSurvivors } = graphParametersFor(params, participants.length)
  check(survivors.length >= minSurvivors, `${survivors.length} survivors, fewer than the ${minSurvivors} the round needs`)

  // Canonical signatures: every entry a valid signature by a distinct survivor, in signer order, so the
  // aggregator has no bytes to vary but the choice of signers.
  const problem = await signatureProblem(result, new Set(survivors.map(s => s.id)), minSurvivors)
  check(problem === undefined, problem ?? '')
  const signers = result.signatures
  // The next beacon is the aggregator's VRF output over this round and its beacon: unique, so unvaried.
  const beacon = beaconProblem(result, aggregator, result.beacon, group === undefined ? undefined : session.id)
  check(beacon.problem === undefined, beacon.problem ?? '')
  checkChain(session, round, result.ref.attempt, result.beacon, aggregator, signers.length, after)

  const { encoding } = params
  const quantizedSum = new Uint32Array(vectorWords(params))
  try {
    unpackInto(result.sum, encoding.modulusBits, quantizedSum, 'fill')
  } catch (err: any) {
    throw new InvalidResultError(`result sum: ${err.message}`)
  }
  return {
    round,
    attempt: result.ref.attempt,
    aggregator: aggregator.id,
    participants: participants.map(p => p.id),
    survivors: survivors.map(s => s.id),
    quantizedSum,
    signedResult,
    ...await decodeRoundSum(quantizedSum, params, crypto.prg, round, result.beacon)
  }
}

/**
 * With `after`, a result must continue the reader's chain: the next round under the aggregator the
 * beacon elects (a closed session; an open one elects from views no reader can check), or a later
 * round that more than the session's corrupt members signed (a closed session only).
 */
function checkChain (session: Session, round: number, attempt: number, resultBeacon: Uint8Array, aggregator: Identity, signers: number, after: ChainPosition | undefined): void {
  if (after === undefined) return
  check(round > after.round, `result is for round ${round}, not after round ${after.round}`)
  const electors = electorate(session)
  // The round ran under the beacon the reader's latest result gives, or (rounds closed in between)
  // under the one that result was elected under, or the reader's chain says nothing of it.
  const under = [after.beacon, after.previous].find(b => b !== undefined && constantTimeEqual(resultBeacon, b))
  if (under !== undefined) {
    if (electors !== undefined) {
      const elected = electAggregator(session.id, round, attempt, under, electors)
      check(elected.id === aggregator.id, `the aggregator of round ${round} attempt ${attempt} is ${elected.id}, not ${aggregator.id}`)
    }
  } else if (round === after.round + 1) {
    throw new InvalidResultError(`result of round ${round} carries a beacon other than the one round ${after.round} gave`)
  } else {
    const corrupt = Math.floor(session.params.graph.corruptRate * session.params.encoding.maxParticipants + 1e-9)
    check(electors !== undefined && signers > corrupt, `result skips from round ${after.round} to ${round} without more than ${corrupt} member signatures`)
  }
}
