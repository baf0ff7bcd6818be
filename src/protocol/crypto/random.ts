/** Sources of randomness for the state machines, which take them injected. */
import { chacha20 } from '@noble/ciphers/chacha.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { utf8 } from './bytes.js'
import type { RandomSource } from './shamir.js'

/** The platform's CSPRNG (WebCrypto getRandomValues, in Node and browsers): the one to use for real rounds. */
export const systemRandom: RandomSource = (length) => {
  const out = new Uint8Array(length)
  // getRandomValues fills at most 65536 bytes per call
  for (let i = 0; i < length; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}

/**
 * A reproducible stream of bytes from a seed (ChaCha20 keystream), for simulations, tests and
 * benchmarks that must replay exactly. Anyone who knows the seed knows every key: never for real rounds.
 */
export function deterministicRandom (seed: string | Uint8Array): RandomSource {
  const key = sha256(typeof seed === 'string' ? utf8(seed) : seed)
  const nonce = new Uint8Array(12)
  let counter = 0
  return (length) => {
    const blocks = Math.ceil(length / 64)
    const out = chacha20(key, nonce, new Uint8Array(blocks * 64), undefined, counter)
    counter += blocks
    return out.subarray(0, length)
  }
}
