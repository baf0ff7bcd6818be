/**
 * Signatures with libp2p identity keys (Ed25519, through @libp2p/crypto). A PeerId embeds its Ed25519
 * public key, so a signature is verified against nothing but the signer's PeerId.
 */
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { decode as decodeMultihash } from 'multiformats/hashes/digest'
import { frame, toHex } from './bytes.js'
import { signMessage, verifyMessage } from './ed25519-keys.js'
import type { PeerId, PrivateKey } from '@libp2p/interface'

/** What a signature is over; each signed message type has its own, so none can stand in for another. */
export const SignatureDomain = {
  announcement: 'libp2p-secagg/1/announcement',
  keyAdvertisement: 'libp2p-secagg/1/key-advertisement',
  shareCommitments: 'libp2p-secagg/1/share-commitments',
  survivorSet: 'libp2p-secagg/1/survivor-set',
  inputCommitment: 'libp2p-secagg/1/input-commitment',
  result: 'libp2p-secagg/1/result'
} as const

export type SignatureDomain = typeof SignatureDomain[keyof typeof SignatureDomain]

export const ED25519_SIGNATURE_LENGTH = 64

/** A peer's identity as the protocol uses it: its PeerId, the PeerId's bytes on the wire, and its string form for maps and logs. */
export interface Identity {
  readonly peerId: PeerId
  readonly bytes: Uint8Array
  readonly id: string
}

/** A peer id that cannot be used to check signatures: not a multihash, or not an Ed25519 key. */
export class InvalidPeerIdError extends Error {
  static override name = 'InvalidPeerIdError'
  override name = InvalidPeerIdError.name
}

/** The identity of a PeerId, which must embed an Ed25519 key. */
export function identityOf (peerId: PeerId): Identity {
  if (peerId.type !== 'Ed25519' || peerId.publicKey == null) {
    throw new InvalidPeerIdError(`peer ${peerId.toString()} is not an Ed25519 PeerId`)
  }
  return { peerId, bytes: peerId.toMultihash().bytes, id: peerId.toString() }
}

// Rosters name the same peers round after round, and parsing a PeerId (protobuf key, base58 string)
// costs more than looking it up; identities are immutable, so a bounded cache is safe.
const IDENTITY_CACHE_SIZE = 65536
const identities = new Map<string, Identity>()

/** Parses a PeerId from its wire bytes (an identity multihash of an Ed25519 public key). */
export function identityFromBytes (bytes: Uint8Array): Identity {
  const key = toHex(bytes)
  const known = identities.get(key)
  if (known !== undefined) return known
  let peerId: PeerId
  try {
    peerId = peerIdFromMultihash(decodeMultihash(bytes))
  } catch (err: any) {
    throw new InvalidPeerIdError(`malformed peer id: ${err?.message ?? err}`)
  }
  const identity = identityOf(peerId)
  if (identities.size >= IDENTITY_CACHE_SIZE) identities.delete(identities.keys().next().value!)
  identities.set(key, identity)
  return identity
}

function signedBytes (domain: SignatureDomain, body: Uint8Array): Uint8Array {
  return frame([domain, body])
}

/** Signs `body` in `domain` with a libp2p private key. */
export async function sign (key: PrivateKey, domain: SignatureDomain, body: Uint8Array): Promise<Uint8Array> {
  return signMessage(key, signedBytes(domain, body))
}

/** True when `signature` is `signer`'s signature over `body` in `domain`; never throws on bad input. */
export async function verify (signer: Identity, domain: SignatureDomain, body: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false
  try {
    return await verifyMessage(signer.peerId.publicKey!, signedBytes(domain, body), signature)
  } catch {
    return false
  }
}
