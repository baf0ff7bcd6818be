/**
 * What a dealer deals each of its neighbours, and the checks on it that every party shares: the holder
 * when its shares arrive, the aggregator when a dealer's share-keys message arrives and when a holder
 * complains, and anyone who verifies a dealing proof.
 *
 * A dealer shares two secrets with Feldman commitments (crypto/feldman.ts): its self-mask seed b_u and
 * the scalar m of its mask key 2^254 + 8m (crypto/mask-key.ts). Each holder gets one EncryptedShare
 * holding both shares, a leaf of a Merkle tree whose root the dealer signs with its commitments.
 */
import { constantTimeEqual, EMPTY_BYTES } from '../crypto/bytes.js'
import { open, shareAssociatedData, AEAD_TAG_LENGTH } from '../crypto/aead.js'
import { COMMITMENT_LENGTH, decodeCommitments, verifyShare, type CommittedPolynomial } from '../crypto/feldman.js'
import { MERKLE_HASH_LENGTH } from '../crypto/merkle.js'
import { graphParametersFor, type ResolvedParams } from './params.js'
import { maskPublicKeyOf } from '../crypto/mask-key.js'
import { SHARE_LENGTH } from '../crypto/shamir.js'
import { InvalidCommitmentError } from '../crypto/errors.js'
import { ShareKind, type DealerCommitments, type EncryptedShare } from '../pb/messages.js'
import type { ShareCommitter } from './masks.js'
import type { RoundContext } from '../crypto/kdf.js'
import type { RosterView } from './roster.js'

/** A holder's plaintext: its share of the self-mask seed, then its share of the mask-key scalar. */
export const SHARE_PLAINTEXT_LENGTH = 2 * SHARE_LENGTH
export const SHARE_CIPHERTEXT_LENGTH = SHARE_PLAINTEXT_LENGTH + AEAD_TAG_LENGTH
export const HASH_COMMITMENT_LENGTH = 32

/** The most entries a Merkle path can have: the tree of MAX_SHARES leaves is 16 levels deep. */
export const MAX_PATH_LENGTH = 32

/** A dealer's commitments, decoded: t points for each of its two polynomials. */
export interface DecodedCommitments {
  selfMask: CommittedPolynomial
  maskKey: CommittedPolynomial
}

/** An EncryptedShare as every reader takes it: each bytes field absent from the wire read as empty. */
export type SealedShare = Required<Omit<EncryptedShare, 'ref'>> & Pick<EncryptedShare, 'ref'>

/**
 * A decoded EncryptedShare with its absent fields empty, as protons decodes a field that is not
 * `optional`: one shared empty array for them all, which is why they are optional (messages.proto).
 */
export function sealedShare (entry: EncryptedShare): SealedShare {
  return {
    ref: entry.ref,
    dealer: entry.dealer ?? EMPTY_BYTES,
    holder: entry.holder ?? EMPTY_BYTES,
    x: entry.x,
    nonce: entry.nonce ?? EMPTY_BYTES,
    ciphertext: entry.ciphertext ?? EMPTY_BYTES,
    selfMaskCommitment: entry.selfMaskCommitment ?? EMPTY_BYTES,
    maskKeyCommitment: entry.maskKeyCommitment ?? EMPTY_BYTES
  }
}

/** The two shares a holder keeps of one dealer's secrets. */
export interface HeldShares {
  selfMask: Uint8Array
  maskKey: Uint8Array
}

/**
 * Decodes a dealer's commitments and checks what anyone can check without a share: `threshold` points
 * for each polynomial (as many for both when no threshold is given), all on the curve, and the mask-key
 * commitment bound to the mask key the dealer advertised. Throws InvalidCommitmentError saying which.
 */
export function checkCommitments (commitments: DealerCommitments, threshold: number | undefined, advertisedMaskKey: Uint8Array): DecodedCommitments {
  const t = threshold ?? commitments.selfMask.length
  const decoded = { selfMask: decodeCommitments(commitments.selfMask, t), maskKey: decodeCommitments(commitments.maskKey, t) }
  const bound = maskPublicKeyOf(decoded.maskKey.point(0))
  if (bound === undefined || !constantTimeEqual(bound, advertisedMaskKey)) {
    throw new InvalidCommitmentError('the mask-key commitment does not give the advertised mask key')
  }
  return decoded
}

/** Opens a holder's EncryptedShare with the pair's AEAD key: the plaintext, or undefined if it does not authenticate. */
export function openShares (context: RoundContext, entry: SealedShare, key: Uint8Array): Uint8Array | undefined {
  try {
    return open(key, entry.nonce, entry.ciphertext, shareAssociatedData(context, entry.dealer, entry.holder))
  } catch {
    return undefined
  }
}

/**
 * Checks a holder's opened plaintext against what its dealer signed: two canonical scalars, equal to the
 * hash commitments in the entry (commitmentOf: the attempt's) and lying on the committed polynomials at
 * the entry's x. Returns the shares, or what is wrong with them (which never includes a share).
 */
export function checkShares (commitmentOf: ShareCommitter, entry: SealedShare, plaintext: Uint8Array | undefined, commitments: DecodedCommitments): HeldShares | { fault: string } {
  if (plaintext === undefined) return { fault: 'the shares do not open with the pair\'s key' }
  if (plaintext.length !== SHARE_PLAINTEXT_LENGTH) return { fault: `the shares are ${plaintext.length} bytes, not ${SHARE_PLAINTEXT_LENGTH}` }
  const selfMask = plaintext.slice(0, SHARE_LENGTH)
  const maskKey = plaintext.slice(SHARE_LENGTH)
  if (!constantTimeEqual(entry.selfMaskCommitment, commitmentOf(entry.dealer, entry.holder, ShareKind.SELF_MASK, selfMask)) ||
    !constantTimeEqual(entry.maskKeyCommitment, commitmentOf(entry.dealer, entry.holder, ShareKind.MASK_KEY, maskKey))) {
    return { fault: 'the shares do not match the dealer\'s hash commitments' }
  }
  if (!verifyShare(commitments.selfMask, entry.x, selfMask)) return { fault: 'the self-mask share is not on the committed polynomial' }
  if (!verifyShare(commitments.maskKey, entry.x, maskKey)) return { fault: 'the mask-key share is not on the committed polynomial' }
  return { selfMask, maskKey }
}

// Generous sizes of the fixed parts of a DealtShares: a signed DealerCommitments without its points, and
// an EncryptedShare (two peer ids of up to 42 bytes, a RoundRef, the sealed shares, two hash commitments).
const DEALT_SHARES_OVERHEAD = 1024
const COMMITMENT_ON_WIRE = COMMITMENT_LENGTH + 3

/**
 * An upper bound on the bytes of a ShareDelivery in a roster of n: up to k dealers, each with 2t
 * commitments, its share and a Merkle path. At the default policy (the session as large as the roster),
 * 87 KB at n = 100 and 642 KB at n = 1000: a network layer must take messages this long from the aggregator.
 */
export function maxShareDeliveryLength (params: Pick<ResolvedParams, 'graph' | 'encoding'>, n: number): number {
  const { degree, threshold } = graphParametersFor(params, n)
  const perDealer = DEALT_SHARES_OVERHEAD + 2 * threshold * COMMITMENT_ON_WIRE + Math.ceil(Math.log2(Math.max(2, degree))) * (MERKLE_HASH_LENGTH + 2)
  return 64 + degree * perDealer
}

/** A dealer's holders in the order of its Merkle tree's leaves: its neighbours by x-coordinate. */
export function holdersOf (roster: RosterView, dealer: Uint8Array): Uint8Array[] {
  return roster.neighboursOf(dealer).map(peer => ({ peer, x: roster.xOf(peer) })).sort((a, b) => a.x - b.x).map(h => h.peer)
}
