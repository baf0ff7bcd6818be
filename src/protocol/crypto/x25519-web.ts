/** X25519 through WebCrypto, for browsers and other runtimes without node:crypto. */
import { bufferSource } from './bytes.js'
import { assertKeyLength, checkedSharedSecret, nobleX25519, x25519Pkcs8, type X25519 } from './x25519.js'

const ALGORITHM = { name: 'X25519' }

function base64UrlDecode (text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, c => c.charCodeAt(0))
}

async function importSecret (subtle: SubtleCrypto, secretKey: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', bufferSource(x25519Pkcs8(secretKey)), ALGORITHM, true, ['deriveBits'])
}

/** X25519 on a given SubtleCrypto. */
export function webCryptoX25519 (subtle: SubtleCrypto): X25519 {
  return {
    name: 'webcrypto',
    async publicKey (secretKey) {
      assertKeyLength(secretKey, 'secret key')
      const jwk = await subtle.exportKey('jwk', await importSecret(subtle, secretKey))
      if (jwk.x == null) throw new Error('WebCrypto did not export the X25519 public key')
      return base64UrlDecode(jwk.x)
    },
    async sharedSecret (secretKey, publicKey) {
      return checkedSharedSecret(secretKey, publicKey, async () => {
        const pub = await subtle.importKey('raw', bufferSource(publicKey), ALGORITHM, false, [])
        const bits = await subtle.deriveBits({ name: 'X25519', public: pub }, await importSecret(subtle, secretKey), 256)
        return new Uint8Array(bits)
      })
    }
  }
}

/** WebCrypto X25519 when the runtime supports it, else the portable noble implementation. */
export async function detectX25519 (subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle): Promise<X25519> {
  if (subtle == null) return nobleX25519
  try {
    const web = webCryptoX25519(subtle)
    await web.publicKey(new Uint8Array(32).fill(1))
    return web
  } catch {
    return nobleX25519
  }
}
