/**
 * The Node backend: node:crypto (OpenSSL) for key agreement and the PRG. Masks run on this thread: on
 * the 2-core machine, splitting them over threads (mask-workers-node.ts) gains nothing, as two AES-CTR
 * streams at once run no faster than one there (`npm run bench -- --only mask-threads` measures it);
 * where it pays, use `{ ...nodeCryptoSuite, applyMasks: maskWorkers() }`.
 */
import { hash } from 'node:crypto'
import { nodePrg } from './prg-node.js'
import { nodeX25519 } from './x25519-node.js'
import type { CryptoSuite } from './suite.js'

export const nodeCryptoSuite: CryptoSuite = {
  x25519: nodeX25519,
  prg: nodePrg,
  // one-shot: about 1.3 us for a few hundred bytes against createHash's 1.9 on the 2-core machine; a
  // Uint8Array of its own, as a digest Buffer may be a slice of a shared pool
  sha256: bytes => new Uint8Array(hash('sha256', bytes, 'buffer'))
}
