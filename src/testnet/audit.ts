/**
 * Checks a round the way an outsider holding only the session file can: the signed result verifies,
 * states what the peers reported, and names as aggregator the peer that the previous round's signed
 * result elects for that attempt; and the round's transcript shows its sum is the survivors' inputs. A
 * wrong rotation (a peer that was not elected, or an election someone could have steered) or a wrong
 * sum shows up here, whatever the peers themselves believe.
 */
import { electAggregator, genesisBeacon, nextBeacon } from '../protocol/election.js'
import { identityOf } from '../protocol/crypto/identity.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { verifyResult } from '../protocol/session/result-verification.js'
import { RoundTranscript } from '../protocol/pb/messages.js'
import { auditSessionTranscript } from '../protocol/session/result-verification.js'
import { nodeCryptoSuite } from '../protocol/crypto/suite-node.js'
import type { Session } from '../node/session-config.js'

export interface ReportedRound {
  round: number
  attempt: number
  aggregator: string
  survivors: string[]
}

/** The signed result a round's transcript holds. */
export function signedResultOf (transcript: Uint8Array): Uint8Array {
  return RoundTranscript.decode(transcript).result
}

/** What is wrong with a round's sum, from its transcript; empty when it verifies. */
export async function auditSum (session: Session, transcript: Uint8Array): Promise<string[]> {
  const audit = await auditSessionTranscript(session, nodeCryptoSuite, transcript)
  return audit.verdict === 'verified' ? [] : [`the sum does not verify from the round's transcript (${audit.verdict}): ${audit.reason}`]
}

/**
 * What is wrong with a round's signed result; empty when nothing is. `previous` is the signed result
 * of the round before (undefined for round 1).
 */
export async function auditRound (session: Session, members: string[], previous: Uint8Array | undefined, signed: Uint8Array, reported: ReportedRound): Promise<string[]> {
  let outcome: Awaited<ReturnType<typeof verifyResult>>
  try {
    outcome = await verifyResult(session, nodeCryptoSuite, signed)
  } catch (err: any) {
    return [`the signed result does not verify: ${err.message}`]
  }
  const problems: string[] = []
  if (outcome.round !== reported.round || outcome.attempt !== reported.attempt || outcome.aggregator !== reported.aggregator) {
    problems.push(`the signed result is of round ${outcome.round} attempt ${outcome.attempt} by ${outcome.aggregator}, not what the peers reported`)
  }
  if ([...outcome.survivors].sort().join() !== [...reported.survivors].sort().join()) problems.push('the signed survivor set is not the one the peers reported')
  const beacon = previous === undefined ? genesisBeacon(session.id) : nextBeacon(session.id, previous)
  const elected = electAggregator(session.id, outcome.round, outcome.attempt, beacon, members.map(id => identityOf(peerIdFromString(id))))
  if (elected.id !== outcome.aggregator) problems.push(`round ${outcome.round} attempt ${outcome.attempt} was aggregated by ${outcome.aggregator}, but the previous result elects ${elected.id}`)
  return problems
}
