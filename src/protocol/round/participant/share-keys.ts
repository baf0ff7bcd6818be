/**
 * share-keys: take what the neighbours in U2 dealt this peer, learn U2 from it, verify every share,
 * and tell the aggregator which dealers cheated (share-check), before any masked input goes out.
 *
 * Two kinds of failure, two answers. Whatever anyone can check (a dealer's signature, its commitments,
 * the binding of its mask key, the Merkle path) the aggregator checked before relaying it, so a failure
 * there is the aggregator's doing and aborts the attempt. What only this peer can check, its own shares,
 * is the dealer's doing: this peer holds nothing of that dealer and complains, revealing the pair's
 * X25519 secret with a proof, so that the aggregator (and anyone) can open the shares and see them fail.
 */
import { constantTimeEqual } from '../../crypto/bytes.js'
import { SignatureDomain, type Identity } from '../../crypto/identity.js'
import { MAX_SHARES } from '../../crypto/shamir.js'
import { leafHash, verifyMerklePath } from '../../crypto/merkle.js'
import { proveSharedSecret } from '../../crypto/shared-secret-proof.js'
import { InvalidCommitmentError } from '../../crypto/errors.js'
import { DealerCommitments, EncryptedShare, ShareCheck, ShareDelivery, type Complaint, type DealtShares } from '../../pb/messages.js'
import { checkCommitments, checkShares, holdersOf, MAX_PATH_LENGTH, openShares, sealedShare, type DecodedCommitments, type SealedShare } from '../dealing.js'
import { shareCommitments, shareKeyFromSecret, shareProofContext } from '../masks.js'
import { ProtocolViolation } from '../errors.js'
import { checkRef, decode, openSigned, peerField, refOf } from '../wire.js'
import type { RoundEvent, Step } from '../events.js'
import type { Neighbour, ParticipantState } from './state.js'

export async function onShareDelivery (state: ParticipantState, bytes: Uint8Array): Promise<Step> {
  const { context, config } = state
  const delivery = decode(ShareDelivery, bytes, 'invalid-shares', 'share delivery', { limits: { dealers: MAX_SHARES, dealers$: { path: MAX_PATH_LENGTH } } })
  checkRef(delivery.ref, context, 'invalid-shares')
  const seen = new Set<string>()
  const dealt: Array<{ neighbour: Neighbour, entry: SealedShare, commitments: DecodedCommitments }> = []
  for (const item of delivery.dealers) dealt.push(await checkDealt(state, item, seen))
  const threshold = state.roster!.threshold
  if (seen.size < threshold) {
    throw new ProtocolViolation('too-few-neighbours', `${seen.size} neighbours shared keys, at least ${threshold} must`)
  }
  const events: RoundEvent[] = []
  const complaints: Complaint[] = []
  const commitmentOf = shareCommitments(context, config.crypto.sha256)
  for (const { neighbour, entry, commitments } of dealt) {
    // The neighbour shared keys, so it is in U2 and its pairwise mask applies whatever its shares are
    // worth: if they are bad, the aggregator rebuilds its mask key from the good ones, or aborts.
    neighbour.inU2 = true
    const shares = checkShares(commitmentOf, entry, openShares(context, entry, neighbour.shareKey), commitments)
    if ('fault' in shares) {
      events.push({ type: 'share-rejected', peer: neighbour.identity.id, message: `shares from ${neighbour.identity.id}: ${shares.fault}` })
      complaints.push(complaintAbout(state, neighbour))
    } else {
      neighbour.held = shares
    }
  }
  state.status = 'masked-input'
  events.push({ type: 'phase', phase: 'masked-input' })
  return {
    messages: [{ to: config.aggregator.bytes, type: 'share-check', bytes: ShareCheck.encode({ ref: refOf(context), complaints }) }],
    events
  }
}

/** The public checks of one dealer's delivery, any failure of which is the aggregator's. */
async function checkDealt (state: ParticipantState, item: DealtShares, seen: Set<string>): Promise<{ neighbour: Neighbour, entry: SealedShare, commitments: DecodedCommitments }> {
  const { context, config } = state
  const roster = state.roster!
  const self = config.identity.bytes
  if (item.commitments == null) throw new ProtocolViolation('invalid-shares', 'shares without their dealer\'s commitments')
  const unverified = decode(DealerCommitments, item.commitments.body, 'invalid-shares', 'share commitments', { limits: { selfMask: MAX_SHARES, maskKey: MAX_SHARES } })
  const dealer: Identity = peerField(unverified.dealer, 'invalid-shares', 'share dealer')
  const neighbour = state.neighbours.get(dealer.id)
  if (neighbour == null || seen.has(dealer.id)) throw new ProtocolViolation('invalid-shares', `shares from ${dealer.id}, who is not a neighbour (or repeats)`)
  seen.add(dealer.id)
  await openSigned(item.commitments, dealer, SignatureDomain.shareCommitments, 'invalid-shares', `share commitments of ${dealer.id}`)
  checkRef(unverified.ref, context, 'invalid-shares')
  let commitments: DecodedCommitments
  try {
    commitments = checkCommitments(unverified, roster.threshold, neighbour.maskKey)
  } catch (err) {
    if (err instanceof InvalidCommitmentError) throw new ProtocolViolation('invalid-shares', `commitments of ${dealer.id} the aggregator should have refused: ${err.message}`)
    throw err
  }
  const entry = sealedShare(decode(EncryptedShare, item.share, 'invalid-shares', 'encrypted share'))
  checkRef(entry.ref, context, 'invalid-shares')
  if (!constantTimeEqual(entry.dealer, dealer.bytes) || !constantTimeEqual(entry.holder, self) || entry.x !== roster.xOf(self)) {
    throw new ProtocolViolation('invalid-shares', `the share from ${dealer.id} names another dealer, holder or x-coordinate`)
  }
  const holders = holdersOf(roster, dealer.bytes)
  const index = holders.findIndex(h => constantTimeEqual(h, self))
  const hash = config.crypto.sha256
  if (unverified.shareCount !== holders.length || !verifyMerklePath(leafHash(item.share, hash), index, holders.length, item.path, unverified.sharesRoot, hash)) {
    throw new ProtocolViolation('invalid-shares', `the share from ${dealer.id} is not under the root it signed`)
  }
  return { neighbour, entry, commitments }
}

/** A complaint about a dealer: the pair's X25519 secret with a proof that the two advertised keys give it. */
function complaintAbout (state: ParticipantState, neighbour: Neighbour): Complaint {
  const { context, config } = state
  const self = config.identity.bytes
  const dealer = neighbour.identity.bytes
  const { sharedSecret, proof } = proveSharedSecret(state.keys!.encryptionSecret, neighbour.encryptionKey, shareProofContext(context, dealer, self), config.random)
  // The revealed secret must open what this peer could not: else the complaint would only excuse the dealer.
  if (!constantTimeEqual(shareKeyFromSecret(context, sharedSecret, self, dealer), neighbour.shareKey)) {
    throw new Error('the proven shared secret is not the one the share key came from')
  }
  return { dealer: dealer as Uint8Array<ArrayBuffer>, sharedSecretProof: proof as Uint8Array<ArrayBuffer> }
}
