/** HKDF-SHA256 (RFC 5869) with one label per purpose, so no key ever serves two jobs. */
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, frame, u32be, u64be } from './bytes.js'

/** The purposes keys are derived for; each label is mixed into HKDF's info. */
export const KdfLabel = {
  pairwiseMask: 'libp2p-secagg/1/pairwise-mask',
  shareEncryption: 'libp2p-secagg/1/share-encryption',
  selfMask: 'libp2p-secagg/1/self-mask'
} as const

export type KdfLabel = typeof KdfLabel[keyof typeof KdfLabel]

/** What every derived key is bound to: one attempt of one round of one session. */
export interface RoundContext {
  sessionId: Uint8Array
  round: number
  attempt: number
}

/** Plain HKDF-SHA256: extract with `salt`, expand with `info` to `length` bytes. */
export function hkdf (ikm: Uint8Array, salt: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array {
  return nobleHkdf(sha256, ikm, salt, info, length)
}

/** The HKDF info for a purpose within a round, optionally bound to peers (in the order given). */
export function kdfInfo (label: KdfLabel, context: RoundContext, peers: readonly Uint8Array[] = []): Uint8Array {
  return frame([label, context.sessionId, u64be(context.round), u32be(context.attempt), ...peers])
}

/**
 * Derives a key for a pair of peers from their X25519 shared secret. The pair is put in canonical
 * order so both ends derive the same key, and the label keeps mask seeds apart from share keys.
 */
export function derivePairKey (label: typeof KdfLabel.pairwiseMask | typeof KdfLabel.shareEncryption, sharedSecret: Uint8Array, context: RoundContext, a: Uint8Array, b: Uint8Array, length: number): Uint8Array {
  const pair = compareBytes(a, b) < 0 ? [a, b] : [b, a]
  return hkdf(sharedSecret, undefined, kdfInfo(label, context, pair), length)
}

/** Expands a self-mask seed b_u into the PRG key of its owner's self mask. */
export function deriveSelfMaskKey (seed: Uint8Array, context: RoundContext, owner: Uint8Array, length: number): Uint8Array {
  return hkdf(seed, undefined, kdfInfo(KdfLabel.selfMask, context, [owner]), length)
}
