/**
 * unmask: once t neighbours' signatures show they saw the same survivor set, reveal for each neighbour
 * its self-mask share if it survived, or its mask-key share if it dropped after sharing keys, never
 * both; then accept the aggregator's signed result over that same survivor set.
 */
import { constantTimeEqual, equalBytes, toHex } from '../../crypto/bytes.js'
import { SignatureDomain, verify } from '../../crypto/identity.js'
import { MAX_SHARES } from '../../crypto/shamir.js'
import { unpackInto } from '../../encoding/bit-pack.js'
import { decodeRoundSum } from '../decoded-sum.js'
import { vectorWords } from '../params.js'
import { ConsistencyProof, RoundResult, RoundTranscript, ShareKind, Signed, UnmaskShares, type RevealedShare } from '../../pb/messages.js'
import { auditTranscript, TRANSCRIPT_LIMITS } from '../../verification/audit.js'
import { ProtocolViolation } from '../errors.js'
import { checkRef, decode, openSigned, peerField, refOf } from '../wire.js'
import { beaconProblem, signatureProblem } from '../result-checks.js'
import type { Step } from '../events.js'
import type { ParticipantState } from './state.js'

export async function onConsistencyProof (state: ParticipantState, bytes: Uint8Array): Promise<Step> {
  const { config, context } = state
  const signedSet = state.signedSurvivors
  if (signedSet == null) throw new ProtocolViolation('invalid-consistency-proof', 'consistency proof before this peer signed a survivor set')
  if (state.revealed) throw new ProtocolViolation('conflicting-request', 'a second unmask request for the same attempt')
  const proof = decode(ConsistencyProof, bytes, 'invalid-consistency-proof', 'consistency proof', { limits: { signatures: MAX_SHARES } })
  if (!constantTimeEqual(proof.survivorSet, signedSet.bytes)) {
    throw new ProtocolViolation('conflicting-request', 'the unmask request is for a survivor set other than the one this peer signed')
  }
  const threshold = state.roster!.threshold
  const valid = new Set<string>()
  // One try per neighbour: a proof repeating one signature cannot make this peer verify it again and again.
  const tried = new Set<string>()
  for (const { signer, signature } of proof.signatures) {
    if (valid.size >= threshold) break
    const identity = peerField(signer, 'invalid-consistency-proof', 'signer')
    if (!state.neighbours.has(identity.id) || !signedSet.members.has(toHex(signer)) || tried.has(identity.id)) continue
    tried.add(identity.id)
    if (await verify(identity, SignatureDomain.survivorSet, signedSet.bytes, signature)) {
      valid.add(identity.id)
      // a copy: the decoded signature is a view of the message's buffer
      state.verifiedSignatures.set(identity.id, signature.slice())
    }
  }
  if (valid.size < threshold) {
    throw new ProtocolViolation('invalid-consistency-proof', `${valid.size} neighbours signed this survivor set, at least ${threshold} must`)
  }
  state.revealed = true
  const shares: RevealedShare[] = []
  for (const neighbour of state.neighbours.values()) {
    if (neighbour.held == null) continue
    if (signedSet.members.has(toHex(neighbour.identity.bytes))) {
      shares.push({ owner: neighbour.identity.bytes, kind: ShareKind.SELF_MASK, share: neighbour.held.selfMask } as RevealedShare)
    } else if (neighbour.inU2) {
      shares.push({ owner: neighbour.identity.bytes, kind: ShareKind.MASK_KEY, share: neighbour.held.maskKey } as RevealedShare)
    }
  }
  state.status = 'unmask'
  return {
    messages: [{ to: config.aggregator.bytes, type: 'unmask-shares', bytes: UnmaskShares.encode({ ref: refOf(context), shares }) }],
    events: [{ type: 'phase', phase: 'unmask' }]
  }
}

/**
 * The result comes as its transcript (verification/audit.ts), which holds the signed result: it is taken
 * only once the transcript shows the sum is the survivors' inputs.
 */
export async function onResult (state: ParticipantState, transcript: Uint8Array): Promise<Step> {
  const { config, context } = state
  const { encoding } = config.params
  const bytes = decode(RoundTranscript, transcript, 'invalid-result', 'result transcript', { limits: TRANSCRIPT_LIMITS }).result
  const envelope = decode(Signed, bytes, 'invalid-result', 'result')
  const body = await openSigned(envelope, config.aggregator, SignatureDomain.result, 'invalid-result', 'result')
  const result = decode(RoundResult, body, 'invalid-result', 'result', { limits: { participants: MAX_SHARES, signatures: MAX_SHARES } })
  // The next round's beacon hashes this message: in its one canonical encoding, the aggregator cannot
  // vary the bytes (extra fields, other encodings) to steer the beacon.
  if (!equalBytes(Signed.encode(envelope), bytes) || !equalBytes(RoundResult.encode(result), body)) {
    throw new ProtocolViolation('invalid-result', 'result is not in its canonical encoding')
  }
  checkRef(result.ref, context, 'invalid-result')
  if (!constantTimeEqual(result.aggregator, config.aggregator.bytes)) throw new ProtocolViolation('invalid-result', 'result names another aggregator')
  if (!constantTimeEqual(result.survivorSet, state.signedSurvivors!.bytes)) throw new ProtocolViolation('invalid-result', 'result is over a survivor set other than the agreed one')
  const roster = state.roster!
  if (result.participants.length !== roster.size || result.participants.some((p, i) => !constantTimeEqual(p, roster.peers[i]))) {
    throw new ProtocolViolation('invalid-result', 'result lists participants other than the roster')
  }
  const survivorIds = new Set(roster.identities.filter(i => state.signedSurvivors!.members.has(toHex(i.bytes))).map(i => i.id))
  const own = result.signatures.find(s => constantTimeEqual(s.signer, config.identity.bytes))
  if (own === undefined || !constantTimeEqual(own.signature, state.verifiedSignatures.get(config.identity.id)!)) throw new ProtocolViolation('invalid-result', 'the result leaves out this peer\'s signature, though its shares were revealed')
  const problem = await signatureProblem(result, survivorIds, roster.minSurvivors, { survivorSet: state.signedSurvivors!.bytes, signatures: state.verifiedSignatures })
  if (problem !== undefined) throw new ProtocolViolation('invalid-result', problem)
  const beacon = beaconProblem(result, config.aggregator, config.beacon, config.params.parentSessionId)
  if (beacon.problem !== undefined) throw new ProtocolViolation('invalid-result', beacon.problem)
  const quantizedSum = new Uint32Array(vectorWords(config.params))
  try {
    unpackInto(result.sum, encoding.modulusBits, quantizedSum, 'fill')
  } catch (err: any) {
    throw new ProtocolViolation('invalid-result', `result sum: ${err.message}`)
  }
  const audit = await auditTranscript(transcript, config.params, config.crypto, { result: bytes, signaturesChecked: true, resultSignatureChecked: true })
  if (audit.verdict === 'forged') throw new ProtocolViolation('forged-result', `the aggregator signed a wrong sum: ${audit.reason}`)
  if (audit.verdict === 'unverifiable') throw new ProtocolViolation('invalid-result', `the result's transcript does not verify it: ${audit.reason}`)
  state.status = 'done'
  const members = state.signedSurvivors!.members
  return {
    messages: [],
    events: [{
      type: 'result',
      outcome: {
        round: context.round,
        attempt: context.attempt,
        aggregator: config.aggregator.id,
        participants: roster.identities.map(i => i.id),
        survivors: roster.identities.filter(i => members.has(toHex(i.bytes))).map(i => i.id),
        quantizedSum,
        signedResult: bytes,
        transcript,
        ...await decodeRoundSum(quantizedSum, config.params, config.crypto.prg, context.round, config.beacon)
      }
    }]
  }
}
