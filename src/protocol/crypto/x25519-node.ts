/** X25519 through node:crypto (OpenSSL): the fast path in Node. */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto'
import { concat, fromHex } from './bytes.js'
import { assertKeyLength, checkedSharedSecret, x25519Pkcs8, type X25519 } from './x25519.js'

// Raw public keys are wrapped in a fixed SPKI header rather than the 'raw-public' format, which Node 22 lacks.
const SPKI_PREFIX = fromHex('302a300506032b656e032100')

function privateKeyObject (secretKey: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.from(x25519Pkcs8(secretKey)), format: 'der', type: 'pkcs8' })
}

function publicKeyObject (publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(concat([SPKI_PREFIX, publicKey])), format: 'der', type: 'spki' })
}

export const nodeX25519: X25519 = {
  name: 'node:crypto',
  async publicKey (secretKey) {
    assertKeyLength(secretKey, 'secret key')
    const spki = createPublicKey(privateKeyObject(secretKey)).export({ format: 'der', type: 'spki' })
    return new Uint8Array(spki.subarray(SPKI_PREFIX.length))
  },
  async sharedSecret (secretKey, publicKey) {
    return checkedSharedSecret(secretKey, publicKey, () => new Uint8Array(diffieHellman({
      privateKey: privateKeyObject(secretKey),
      publicKey: publicKeyObject(publicKey)
    })))
  }
}
