/** The portable backend: WebCrypto, with @noble/curves where the runtime lacks WebCrypto X25519. */
import { webPrg } from './prg-web.js'
import { detectX25519 } from './x25519-web.js'
import type { CryptoSuite } from './suite.js'

export async function webCryptoSuite (subtle: SubtleCrypto = globalThis.crypto.subtle): Promise<CryptoSuite> {
  return { x25519: await detectX25519(subtle), prg: webPrg(subtle) }
}
