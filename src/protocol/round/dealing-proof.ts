/**
 * Transferable proof that a dealer cheated a holder: the dealer's signed commitments, the holder's
 * EncryptedShare under the signed Merkle root, both peers' signed key advertisements, and the holder's
 * proof of the X25519 secret their keys share. Whoever checks it derives the pair's AEAD key itself,
 * opens what the dealer signed, and sees it fail: no trust in the aggregator or the holder is needed.
 *
 * The proof reveals the pair's shared secret, which opens the shares the two exchanged in this attempt
 * and nothing else; the dealer knew them all anyway. No other secret of the holder is in it.
 */
import { identityFromBytes, SignatureDomain, verify, type Identity } from '../crypto/identity.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import { leafHash, verifyMerklePath } from '../crypto/merkle.js'
import { verifySharedSecret } from '../crypto/shared-secret-proof.js'
import { InvalidCommitmentError, InvalidSharedSecretProofError } from '../crypto/errors.js'
import { MAX_SHARES } from '../crypto/shamir.js'
import { DealerCommitments, DealingProof, EncryptedShare, KeyAdvertisement, type RoundRef, type Signed } from '../pb/messages.js'
import { checkCommitments, checkShares, MAX_PATH_LENGTH, openShares, sealedShare, type DecodedCommitments } from './dealing.js'
import { InvalidDealingProofError } from './errors.js'
import { shareCommitments, shareKeyFromSecret, shareProofContext } from './masks.js'
import type { RoundContext } from '../crypto/kdf.js'

/** What a valid proof establishes: who cheated (and whom, unless the fault is in its commitments alone), and how. */
export interface DealingFault {
  dealer: Identity
  holder?: Identity
  fault: string
}

function sameRound (ref: RoundRef | undefined, context: RoundContext): boolean {
  return ref != null && constantTimeEqual(ref.session, context.sessionId) && ref.round === BigInt(context.round) && ref.attempt === context.attempt
}

function parse<T> (codec: { decode: (bytes: Uint8Array, options?: any) => T }, bytes: Uint8Array | undefined, what: string, limits?: Record<string, number>): T {
  if (bytes == null) throw new InvalidDealingProofError(`the proof has no ${what}`)
  try {
    return codec.decode(bytes, limits === undefined ? undefined : { limits })
  } catch {
    throw new InvalidDealingProofError(`the ${what} does not decode`)
  }
}

function peer (bytes: Uint8Array, what: string): Identity {
  try {
    return identityFromBytes(bytes)
  } catch {
    throw new InvalidDealingProofError(`the ${what} is not a valid peer id`)
  }
}

async function signedBy (envelope: Signed | undefined, signer: Identity, domain: SignatureDomain, what: string): Promise<Uint8Array> {
  if (envelope == null || !await verify(signer, domain, envelope.body, envelope.signature)) {
    throw new InvalidDealingProofError(`the ${what} is not signed by ${signer.id}`)
  }
  return envelope.body
}

async function advertisementOf (envelope: Signed | undefined, owner: Identity, context: RoundContext, what: string): Promise<KeyAdvertisement> {
  const body = await signedBy(envelope, owner, SignatureDomain.keyAdvertisement, what)
  const advertisement = parse(KeyAdvertisement, body, what)
  if (!constantTimeEqual(advertisement.peer, owner.bytes) || !sameRound(advertisement.ref, context)) {
    throw new InvalidDealingProofError(`the ${what} is for another peer or round`)
  }
  return advertisement
}

/**
 * Judges a dealing proof: the fault when it shows that its dealer cheated, undefined when the holder's
 * shares turn out fine (the complaint was false). Throws InvalidDealingProofError when the evidence
 * itself does not hold: a part unsigned, for another round or pair, off the Merkle root, or a shared
 * secret that the two keys do not give.
 *
 * A proof with no share (nor holder) is about the commitments alone: that the dealer signed commitments
 * that do not decode, or that do not bind the mask key it advertised.
 */
export async function assessDealing (proof: DealingProof, context: RoundContext): Promise<DealingFault | undefined> {
  const commitments = parse(DealerCommitments, proof.commitments?.body, 'dealer\'s commitments', { selfMask: MAX_SHARES, maskKey: MAX_SHARES })
  const dealer = peer(commitments.dealer, 'dealer')
  await signedBy(proof.commitments, dealer, SignatureDomain.shareCommitments, 'dealer\'s commitments')
  if (!sameRound(commitments.ref, context)) throw new InvalidDealingProofError('the commitments are for another round')
  const dealerKeys = await advertisementOf(proof.dealerKeys, dealer, context, 'dealer\'s key advertisement')
  let decoded: DecodedCommitments
  try {
    decoded = checkCommitments(commitments, undefined, dealerKeys.maskKey)
  } catch (err) {
    if (err instanceof InvalidCommitmentError) return { dealer, fault: `it signed commitments that are not valid: ${err.message}` }
    throw err
  }
  if (proof.share.length === 0) throw new InvalidDealingProofError('the commitments are valid, and the proof holds no share')
  const entry = sealedShare(parse(EncryptedShare, proof.share, 'share'))
  if (!sameRound(entry.ref, context) || !constantTimeEqual(entry.dealer, commitments.dealer)) throw new InvalidDealingProofError('the share is for another round or dealer')
  const holder = peer(entry.holder, 'holder')
  if (holder.id === dealer.id) throw new InvalidDealingProofError('the dealer and the holder are the same peer')
  if (proof.path.length > MAX_PATH_LENGTH || !verifyMerklePath(leafHash(proof.share), proof.index, commitments.shareCount, proof.path, commitments.sharesRoot)) {
    throw new InvalidDealingProofError('the share is not under the root the dealer signed')
  }
  const holderKeys = await advertisementOf(proof.holderKeys, holder, context, 'holder\'s key advertisement')
  let sharedSecret: Uint8Array
  try {
    sharedSecret = verifySharedSecret(holderKeys.encryptionKey, dealerKeys.encryptionKey, shareProofContext(context, dealer.bytes, holder.bytes), proof.sharedSecretProof)
  } catch (err) {
    if (err instanceof InvalidSharedSecretProofError) throw new InvalidDealingProofError(`the holder's proof of the pair's shared secret does not hold: ${err.message}`)
    throw err
  }
  const key = shareKeyFromSecret(context, sharedSecret, dealer.bytes, holder.bytes)
  const checked = checkShares(shareCommitments(context), entry, openShares(context, entry, key), decoded)
  return 'fault' in checked ? { dealer, holder, fault: checked.fault } : undefined
}

/**
 * Verifies an encoded DealingProof for a round attempt: anyone can call it, trusting no one. Returns
 * the dealer, the holder and the fault; throws InvalidDealingProofError unless the proof shows the
 * dealer cheated.
 */
export async function verifyDealingProof (bytes: Uint8Array, context: RoundContext): Promise<DealingFault> {
  const proof = parse(DealingProof, bytes, 'dealing proof', { path: MAX_PATH_LENGTH })
  const fault = await assessDealing(proof, context)
  if (fault === undefined) throw new InvalidDealingProofError('the holder\'s shares verify: the proof shows no fault')
  return fault
}
