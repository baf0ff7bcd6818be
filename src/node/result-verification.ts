/**
 * Checks a round result that a member did not take part in (fetched, or relayed on the topic) before
 * adopting it as the session's latest: it must be the aggregator's canonical signed result for this
 * session, and enough of the round's survivors must have signed its survivor set that no aggregator
 * could have made it up alone.
 */
import { constantTimeEqual, equalBytes } from '../protocol/crypto/bytes.js'
import { identityFromBytes, SignatureDomain, verify } from '../protocol/crypto/identity.js'
import { MAX_SHARES } from '../protocol/crypto/shamir.js'
import { unpackInto } from '../protocol/encoding/bit-pack.js'
import { decodeAggregate } from '../protocol/encoding/dequantize.js'
import { RoundResult, Signed, SurvivorSet } from '../protocol/pb/messages.js'
import { graphParametersFor } from '../protocol/round/params.js'
import type { RoundOutcome } from '../protocol/round/events.js'
import type { Session } from './session-config.js'

/** A result that does not hold up. */
export class InvalidResultError extends Error {
  static override name = 'InvalidResultError'
  override name = InvalidResultError.name
}

function check (condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvalidResultError(message)
}

/** The outcome a signed result states, once every check passes; throws InvalidResultError otherwise. */
export async function verifyResult (session: Session, signedResult: Uint8Array): Promise<RoundOutcome> {
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
  check(equalBytes(Signed.encode(envelope), signedResult) && equalBytes(RoundResult.encode(result), envelope.body), 'result is not canonically encoded')
  check(result.ref != null && constantTimeEqual(result.ref.session, session.id), 'result is for another session')
  check(survivorSet.ref != null, 'survivor set has no round reference')
  const round = Number(result.ref.round)
  check(survivorSet.ref.round === result.ref.round && survivorSet.ref.attempt === result.ref.attempt && constantTimeEqual(survivorSet.ref.session, session.id), 'survivor set is for another round')
  let aggregator
  try {
    aggregator = identityFromBytes(result.aggregator)
  } catch {
    throw new InvalidResultError('result names no valid aggregator')
  }
  check(await verify(aggregator, SignatureDomain.result, envelope.body, envelope.signature), 'result is not signed by its aggregator')

  const participants = result.participants.map(p => {
    try {
      return identityFromBytes(p)
    } catch {
      throw new InvalidResultError('result lists an invalid participant')
    }
  })
  const listed = new Set(participants.map(p => p.id))
  const survivors = survivorSet.survivors.map(p => identityFromBytes(p))
  check(survivors.every(s => listed.has(s.id)), 'survivor set names peers outside the roster')
  const { minSurvivors } = graphParametersFor(session.params, participants.length)
  check(survivors.length >= minSurvivors, `${survivors.length} survivors, fewer than the ${minSurvivors} the round needs`)
  const survivorIds = new Set(survivors.map(s => s.id))
  const signers = new Set<string>()
  for (const { signer, signature } of result.signatures) {
    let identity
    try {
      identity = identityFromBytes(signer)
    } catch {
      continue
    }
    if (!survivorIds.has(identity.id) || signers.has(identity.id)) continue
    if (await verify(identity, SignatureDomain.survivorSet, result.survivorSet, signature)) signers.add(identity.id)
  }
  check(signers.size >= minSurvivors, `${signers.size} survivors signed the survivor set, fewer than ${minSurvivors}`)

  const { encoding, dimension } = session.params
  const quantizedSum = new Uint32Array(dimension + 1)
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
    ...decodeAggregate(quantizedSum, encoding)
  }
}
