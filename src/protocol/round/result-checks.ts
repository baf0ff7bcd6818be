/**
 * The checks every reader of a signed result makes, participant or not: its consistency signatures are
 * exactly valid signatures by distinct survivors in signer order, and its beacon proof is the
 * aggregator's VRF proof for this round. What they leave the aggregator to choose is only which
 * survivors' signatures (those whose unmask shares it used), never bytes it could vary at will.
 */
import { compareBytes, constantTimeEqual } from '../crypto/bytes.js'
import { identityFromBytes, SignatureDomain, verify, type Identity } from '../crypto/identity.js'
import { vrfPublicKeyOf, vrfVerify } from '../crypto/ecvrf.js'
import { beaconInput } from '../election.js'
import type { RoundResult } from '../pb/messages.js'

/** The participants' result deadline (Unix ms), from an attempt's phase deadlines: one unmask phase after unmask. */
export function resultDeadline (deadlines: readonly number[]): number {
  const last = deadlines.length - 1
  return deadlines[last] + (deadlines[last] - deadlines[last - 1])
}

/** Signatures the reader has verified on one survivor set, by signer id. */
export interface VerifiedSignatures {
  survivorSet: Uint8Array
  signatures: ReadonlyMap<string, Uint8Array>
}

/**
 * What is wrong with a result's consistency signatures, or undefined. `survivors` holds the survivor
 * set's peer ids. A signature the reader verified already on the result's very survivor set
 * (`verified`: a participant verified its neighbours' in the consistency proof), byte for byte, is not
 * verified again: 120 µs each.
 */
export async function signatureProblem (result: RoundResult, survivors: ReadonlySet<string>, minSurvivors: number, verified?: VerifiedSignatures): Promise<string | undefined> {
  const known = verified !== undefined && constantTimeEqual(verified.survivorSet, result.survivorSet) ? verified.signatures : undefined
  const { signatures } = result
  for (let i = 1; i < signatures.length; i++) {
    if (compareBytes(signatures[i - 1].signer, signatures[i].signer) >= 0) return 'signatures are not sorted by signer without repeats'
  }
  for (const { signer, signature } of signatures) {
    let identity: Identity
    try {
      identity = identityFromBytes(signer)
    } catch {
      return 'a signature names an invalid signer'
    }
    if (!survivors.has(identity.id)) return 'a signature is by a peer outside the survivor set'
    const before = known?.get(identity.id)
    if (before !== undefined && constantTimeEqual(before, signature)) continue
    if (!await verify(identity, SignatureDomain.survivorSet, result.survivorSet, signature)) return 'a consistency signature does not verify'
  }
  if (signatures.length < minSurvivors) return `${signatures.length} survivors signed the survivor set, fewer than ${minSurvivors}`
  return undefined
}

/**
 * What is wrong with a result's beacon proof for its round, or undefined; the VRF output when it holds.
 * A robust group's proof is over its parent session's round (ProtocolParams.parentSessionId).
 */
export function beaconProblem (result: RoundResult, aggregator: Identity, beacon: Uint8Array, parentSession?: Uint8Array): { problem?: string, output?: Uint8Array } {
  const ref = result.ref!
  if (!constantTimeEqual(result.beacon, beacon)) return { problem: 'result carries a beacon other than its round\'s' }
  const output = vrfVerify(vrfPublicKeyOf(aggregator.peerId), beaconInput(parentSession ?? ref.session, Number(ref.round), ref.attempt, beacon), result.beaconProof)
  return output === undefined ? { problem: 'result\'s beacon proof does not verify' } : { output }
}
