/**
 * Ed25519 signatures with libp2p keys, through node:crypto with each key imported into OpenSSL once
 * where the runtime has node:crypto, and through the keys' own methods elsewhere (browsers).
 *
 * Why: a libp2p Ed25519 key imports itself into OpenSSL from a JWK on every call. Measured on the
 * 2-core machine: 146 µs a verification and 76 µs a signature so, against 73 and 30 µs with the
 * KeyObject kept. An aggregator verifies several signatures per member per round, and an audit one
 * per survivor twice over. Ed25519 signing is deterministic (RFC 8032), so both paths give the same
 * bytes (test/protocol/crypto/ed25519-keys.test.ts).
 *
 * process.getBuiltinModule (Node.js 22.3+) gives node:crypto without a static import, which would tie
 * the protocol core to Node.
 */
import type { KeyObject } from 'node:crypto'
import type { PrivateKey, PublicKey } from '@libp2p/interface'

const nodeCrypto = globalThis.process?.getBuiltinModule?.('node:crypto')

// Keys live as long as the identity cache (identity.ts) or the node's own key keeps them.
const privateKeys = new WeakMap<PrivateKey, KeyObject>()
const publicKeys = new WeakMap<PublicKey, KeyObject>()

function base64url (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

/** `key`'s signature over `message`. */
export async function signMessage (key: PrivateKey, message: Uint8Array): Promise<Uint8Array> {
  if (nodeCrypto === undefined || key.type !== 'Ed25519') return key.sign(message)
  let object = privateKeys.get(key)
  if (object === undefined) {
    // libp2p keeps the 32-byte seed followed by the public key
    object = nodeCrypto.createPrivateKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', d: base64url(key.raw.subarray(0, 32)), x: base64url(key.publicKey.raw) } })
    privateKeys.set(key, object)
  }
  const signature = nodeCrypto.sign(null, message, object)
  return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength)
}

/** Whether `signature` is `key`'s over `message`; throws only where the key's own method would. */
export async function verifyMessage (key: PublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (nodeCrypto === undefined || key.type !== 'Ed25519') return key.verify(message, signature)
  let object = publicKeys.get(key)
  if (object === undefined) {
    object = nodeCrypto.createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: base64url(key.raw) } })
    publicKeys.set(key, object)
  }
  return nodeCrypto.verify(null, message, object, signature)
}
