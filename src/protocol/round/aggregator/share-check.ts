/**
 * share-check (during masked-input): each member of U2 says which of its dealers cheated it, right after
 * its shares arrive and before its masked input counts. A complaint reveals the pair's X25519 secret
 * with a proof, so the aggregator opens the dealer's own signed share and judges it: if it fails, the
 * dealer is excluded with a proof anyone can check (the 'misbehaviour' event); if it is fine, or the
 * proof does not hold, the complaint was false and the complainer is excluded instead.
 */
import { MAX_SHARES } from '../../crypto/shamir.js'
import { DealingProof, ShareCheck } from '../../pb/messages.js'
import { assessDealing, type DealingFault } from '../dealing-proof.js'
import { InvalidDealingProofError, ProtocolViolation } from '../errors.js'
import { checkRef, decode, peerField } from '../wire.js'
import { confirmUpload } from './masked-input.js'
import { excludePeer } from './exclusion.js'
import type { Identity } from '../../crypto/identity.js'
import type { RoundEvent, Step } from '../events.js'
import type { AggregatorState } from './state.js'

export async function onShareCheck (state: AggregatorState, from: Identity, bytes: Uint8Array): Promise<Step> {
  const { context } = state
  const roster = state.roster!
  if (!state.shareKeys.has(from.id)) throw new ProtocolViolation('invalid-shares', 'sent a share check without having shared keys')
  if (state.checks.has(from.id)) throw new ProtocolViolation('conflicting-request', 'sent a second share check')
  const message = decode(ShareCheck, bytes, 'invalid-shares', 'share check', { limits: { complaints: MAX_SHARES } })
  checkRef(message.ref, context, 'invalid-shares')
  // The dealers this peer was delivered shares of: its neighbours in U2.
  const dealers = new Set(roster.neighboursOf(from.bytes).map(peer => roster.identityOf(peer).id).filter(id => state.shareKeys.has(id)))
  const complaints: Array<{ dealer: Identity, proof: DealingProof }> = []
  for (const complaint of message.complaints) {
    const dealer = peerField(complaint.dealer, 'invalid-shares', 'complaint')
    if (!dealers.delete(dealer.id)) throw new ProtocolViolation('invalid-shares', `complained about ${dealer.id}, who dealt it nothing (or twice)`)
    complaints.push({ dealer, proof: dealingProof(state, dealer, from, complaint.sharedSecretProof) })
  }
  const events: RoundEvent[] = []
  for (const { dealer, proof } of complaints) {
    const fault = await judge(proof, state)
    // One false complaint is enough to exclude its author: the rest are not worth verifying.
    if (fault === undefined) {
      events.push(excludePeer(state, from.id, 'masked-input', 'invalid-shares', `complained about ${dealer.id}, whose shares for it verify`))
      return { messages: [], events }
    }
    if (!state.excluded.has(dealer.id)) {
      events.push(
        excludePeer(state, dealer.id, 'masked-input', 'invalid-shares', `proven to have dealt ${from.id} bad shares: ${fault.fault}`),
        { type: 'misbehaviour', peer: dealer.id, phase: 'masked-input', fault: fault.fault, proof: DealingProof.encode(proof) }
      )
    }
  }
  state.checks.set(from.id, new Set(complaints.map(c => c.dealer.id)))
  confirmUpload(state, from.id)
  return { messages: [], events }
}

/** The evidence of a complaint, from what the dealer and both peers sent this aggregator. */
function dealingProof (state: AggregatorState, dealer: Identity, holder: Identity, sharedSecretProof: Uint8Array): DealingProof {
  const dealing = state.shareKeys.get(dealer.id)!
  const index = dealing.indexOf.get(holder.id)!
  return {
    commitments: dealing.commitments,
    share: dealing.shares[index] as Uint8Array<ArrayBuffer>,
    index,
    path: dealing.paths[index] as Array<Uint8Array<ArrayBuffer>>,
    dealerKeys: state.advertisements.get(dealer.id)!.envelope,
    holderKeys: state.advertisements.get(holder.id)!.envelope,
    sharedSecretProof: sharedSecretProof as Uint8Array<ArrayBuffer>
  }
}

/** The dealer's fault, or undefined if the complaint does not prove one. */
async function judge (proof: DealingProof, state: AggregatorState): Promise<DealingFault | undefined> {
  try {
    return await assessDealing(proof, state.context)
  } catch (err) {
    if (err instanceof InvalidDealingProofError) return undefined
    throw err
  }
}
