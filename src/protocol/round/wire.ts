/** Decoding, round binding and signatures of wire messages, with every failure a ProtocolViolation. */
import { sha256 } from '@noble/hashes/sha2.js'
import { constantTimeEqual } from '../crypto/bytes.js'
import { identityFromBytes, sign, verify, type Identity, type SignatureDomain } from '../crypto/identity.js'
import { Signed, type RoundRef } from '../pb/messages.js'
import { ProtocolViolation, type AbortReason } from './errors.js'
import type { RoundContext } from '../crypto/kdf.js'
import type { PrivateKey } from '@libp2p/interface'
import type { Codec, DecodeOptions } from 'protons-runtime'

/** The RoundRef of a round context. */
export function refOf (context: RoundContext): RoundRef {
  return { session: context.sessionId as Uint8Array<ArrayBuffer>, round: BigInt(context.round), attempt: context.attempt }
}

/** Throws unless a message belongs to this attempt of this round of this session. */
export function checkRef (ref: RoundRef | undefined, context: RoundContext, reason: AbortReason): void {
  if (ref == null) throw new ProtocolViolation(reason, 'message carries no round reference')
  if (!constantTimeEqual(ref.session, context.sessionId)) throw new ProtocolViolation(reason, 'message is for another session')
  if (ref.round !== BigInt(context.round) || ref.attempt !== context.attempt) {
    throw new ProtocolViolation(reason, `message is for round ${ref.round} attempt ${ref.attempt}, not round ${context.round} attempt ${context.attempt}`)
  }
}

/** Decodes a message, turning any decoding failure into a violation. */
export function decode<T> (codec: { decode: (buf: Uint8Array, opts?: DecodeOptions<T>) => T }, bytes: Uint8Array, reason: AbortReason, what: string, options?: DecodeOptions<T>): T {
  if (!(bytes instanceof Uint8Array)) throw new ProtocolViolation(reason, `${what} is not bytes`)
  try {
    return codec.decode(bytes, options)
  } catch (err: any) {
    throw new ProtocolViolation(reason, `malformed ${what}: ${err?.message ?? err}`)
  }
}

/** Encodes `message`, signs it in `domain`, and wraps both in a Signed message. */
export async function signed<T> (codec: Codec<T> | { encode: (obj: Partial<T>) => Uint8Array }, message: T, key: PrivateKey, domain: SignatureDomain): Promise<{ body: Uint8Array, bytes: Uint8Array }> {
  const body = (codec as { encode: (obj: T) => Uint8Array }).encode(message)
  const signature = await sign(key, domain, body)
  return { body, bytes: Signed.encode({ body: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> }) }
}

/** Encodes `message` and signs it in `domain`: the Signed message itself, for embedding in another. */
export async function signedEnvelope<T> (codec: { encode: (obj: T) => Uint8Array }, message: T, key: PrivateKey, domain: SignatureDomain): Promise<Signed> {
  const body = codec.encode(message)
  const signature = await sign(key, domain, body)
  return { body: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> }
}

/** SHA-256 of an encoded Signed message: how one signed message names another. `hash`: the suite's SHA-256, where it has one. */
export function signedDigest (envelope: Signed, hash: (bytes: Uint8Array) => Uint8Array = sha256): Uint8Array {
  return hash(Signed.encode(envelope))
}

/** Checks a Signed message's signature against `signer` and returns its body. */
export async function openSigned (signedMessage: Signed, signer: Identity, domain: SignatureDomain, reason: AbortReason, what: string): Promise<Uint8Array> {
  if (!await verify(signer, domain, signedMessage.body, signedMessage.signature)) {
    throw new ProtocolViolation(reason, `${what} has no valid signature by ${signer.id}`)
  }
  return signedMessage.body
}

/** Parses a peer id field, turning a malformed one into a violation. */
export function peerField (bytes: Uint8Array, reason: AbortReason, what: string): Identity {
  try {
    return identityFromBytes(bytes)
  } catch (err: any) {
    throw new ProtocolViolation(reason, `${what}: ${err?.message ?? err}`)
  }
}

/** Throws unless `list` is strictly increasing in byte order (sorted, no repeats). */
export function checkSortedUnique (list: readonly Uint8Array[], reason: AbortReason, what: string, compare: (a: Uint8Array, b: Uint8Array) => number): void {
  for (let i = 1; i < list.length; i++) {
    if (compare(list[i - 1], list[i]) >= 0) throw new ProtocolViolation(reason, `${what} is not sorted without repeats`)
  }
}
