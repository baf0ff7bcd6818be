/** The keys behind masks and share encryption, and the share hash commitments, as both roles derive them. */
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, frame, u32be, u64be } from '../crypto/bytes.js'
import { derivePairKey, deriveSelfMaskKey, KdfLabel, type RoundContext } from '../crypto/kdf.js'
import { AEAD_KEY_LENGTH } from '../crypto/aead.js'
import { ShareKind } from '../pb/messages.js'
import type { CryptoSuite } from '../crypto/suite.js'
import type { MaskMode } from '../crypto/prg.js'

/** AES-128 keys drive the mask PRG: 128-bit security, and the fastest AES-CTR. */
export const PRG_KEY_LENGTH = 16

/** How `self` applies its pairwise mask with `other`: added by the lower peer id, subtracted by the higher. */
export function pairwiseMode (self: Uint8Array, other: Uint8Array): MaskMode {
  return compareBytes(self, other) < 0 ? 'add' : 'subtract'
}

/** The opposite operation, to remove a mask. */
export function inverse (mode: MaskMode): MaskMode {
  return mode === 'add' ? 'subtract' : 'add'
}

/** The PRG key of the pairwise mask between two peers: HKDF of their X25519 mask-key agreement. */
export async function pairwiseMaskKey (crypto: CryptoSuite, context: RoundContext, secretKey: Uint8Array, publicKey: Uint8Array, self: Uint8Array, other: Uint8Array): Promise<Uint8Array> {
  return pairwiseMaskKeyFromSecret(context, await crypto.x25519.sharedSecret(secretKey, publicKey), self, other)
}

/** The same from the pair's X25519 shared secret, as the aggregator computes it with a dropped peer's rebuilt key. */
export function pairwiseMaskKeyFromSecret (context: RoundContext, sharedSecret: Uint8Array, a: Uint8Array, b: Uint8Array): Uint8Array {
  return derivePairKey(KdfLabel.pairwiseMask, sharedSecret, context, a, b, PRG_KEY_LENGTH)
}

/** The AEAD key for shares between two peers: HKDF of their X25519 encryption-key agreement. */
export async function shareEncryptionKey (crypto: CryptoSuite, context: RoundContext, secretKey: Uint8Array, publicKey: Uint8Array, self: Uint8Array, other: Uint8Array): Promise<Uint8Array> {
  return shareKeyFromSecret(context, await crypto.x25519.sharedSecret(secretKey, publicKey), self, other)
}

/** The AEAD key for shares between two peers from their X25519 shared secret, as a complaint reveals it. */
export function shareKeyFromSecret (context: RoundContext, sharedSecret: Uint8Array, a: Uint8Array, b: Uint8Array): Uint8Array {
  return derivePairKey(KdfLabel.shareEncryption, sharedSecret, context, a, b, AEAD_KEY_LENGTH)
}

const SHARE_PROOF_LABEL = 'libp2p-secagg/1/share-key-proof'

/** What a holder's proof of its shared secret with a dealer is bound to: this attempt, and that pair in that role. */
export function shareProofContext (context: RoundContext, dealer: Uint8Array, holder: Uint8Array): Uint8Array {
  return frame([SHARE_PROOF_LABEL, context.sessionId, u64be(context.round), u32be(context.attempt), dealer, holder])
}

/** The PRG key of a peer's self mask, expanded from its self-mask seed b_u. */
export function selfMaskKey (context: RoundContext, seed: Uint8Array, owner: Uint8Array): Uint8Array {
  return deriveSelfMaskKey(seed, context, owner, PRG_KEY_LENGTH)
}

const COMMITMENT_LABEL = 'libp2p-secagg/1/share-commitment'
const SELF_MASK_BYTE = new Uint8Array([0])
const MASK_KEY_BYTE = new Uint8Array([1])

/** The hash commitment to a share, for one round attempt: see shareCommitments. */
export type ShareCommitter = (owner: Uint8Array, holder: Uint8Array, kind: ShareKind, share: Uint8Array) => Uint8Array

/**
 * The hash an owner commits to for the share a holder keeps, so the aggregator can check each revealed
 * share on its own. Shares are uniform scalars mod l (about 2^252 of them), so the hash reveals nothing
 * about them. The fields every commitment of the attempt shares are framed once: an aggregator checks
 * 8,910 of them at n = 100 on a complete graph, and framing each whole cost as much as its hash.
 * `hash` is SHA-256 (a suite's native one, where it has it).
 */
export function shareCommitments (context: RoundContext, hash: (bytes: Uint8Array) => Uint8Array = sha256): ShareCommitter {
  const prefix = frame([COMMITMENT_LABEL, context.sessionId, u64be(context.round), u32be(context.attempt)])
  return (owner, holder, kind, share) => hash(frame([owner, holder, kind === ShareKind.SELF_MASK ? SELF_MASK_BYTE : MASK_KEY_BYTE, share], prefix))
}
