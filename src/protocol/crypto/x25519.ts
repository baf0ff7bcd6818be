/** X25519 key agreement (RFC 7748): the interface every backend implements, and the portable one. */
import { x25519 as nobleCurve } from '@noble/curves/ed25519.js'
import { concat, fromHex, isAllZero } from './bytes.js'
import { InvalidPublicKeyError } from './errors.js'

export const X25519_KEY_LENGTH = 32

// RFC 8410 PKCS#8 header for a raw X25519 private key: how node:crypto and WebCrypto import one.
const PKCS8_PREFIX = fromHex('302e020100300506032b656e04220420')

/** A raw X25519 secret key wrapped as PKCS#8 DER. */
export function x25519Pkcs8 (secretKey: Uint8Array): Uint8Array {
  return concat([PKCS8_PREFIX, secretKey])
}

/**
 * X25519 over raw 32-byte keys. Secret keys are plain random bytes (clamped inside, as RFC 7748
 * says), so key generation stays deterministic under the injected randomness of the round.
 * Async because WebCrypto is.
 */
export interface X25519 {
  readonly name: string
  publicKey (secretKey: Uint8Array): Promise<Uint8Array>
  /** The shared secret; throws InvalidPublicKeyError for a malformed or small-order public key. */
  sharedSecret (secretKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>
}

/** Checks lengths and rejects the all-zero output that small-order points produce (RFC 7748 section 6.1). */
export async function checkedSharedSecret (secretKey: Uint8Array, publicKey: Uint8Array, derive: () => Uint8Array | Promise<Uint8Array>): Promise<Uint8Array> {
  assertKeyLength(secretKey, 'secret key')
  assertKeyLength(publicKey, 'public key')
  let shared: Uint8Array
  try {
    shared = await derive()
  } catch (err: any) {
    throw new InvalidPublicKeyError(`X25519 key agreement failed: ${err?.message ?? err}`)
  }
  if (isAllZero(shared)) throw new InvalidPublicKeyError('X25519 public key is of small order')
  return shared
}

export function assertKeyLength (key: Uint8Array, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== X25519_KEY_LENGTH) {
    throw new InvalidPublicKeyError(`X25519 ${what} must be ${X25519_KEY_LENGTH} bytes`)
  }
}

/** Pure-JS X25519 from @noble/curves: runs everywhere, about 30x slower than node:crypto. */
export const nobleX25519: X25519 = {
  name: 'noble',
  async publicKey (secretKey) {
    assertKeyLength(secretKey, 'secret key')
    return nobleCurve.getPublicKey(secretKey)
  },
  async sharedSecret (secretKey, publicKey) {
    return checkedSharedSecret(secretKey, publicKey, () => nobleCurve.getSharedSecret(secretKey, publicKey))
  }
}
