/** A crypto backend: the primitives whose fastest implementation depends on the runtime. */
import { applyKeystreams, maskStreams, type MaskKey, type Prg } from './prg.js'
import type { X25519 } from './x25519.js'

export interface CryptoSuite {
  readonly x25519: X25519
  readonly prg: Prg
  /**
   * Adds and subtracts many masks into a vector, as applyKeystreams does with their keystreams from
   * `prg`, but split over threads (mask-workers-node.ts); absent, applyMasks runs them on this one.
   */
  readonly applyMasks?: (target: Uint32Array, masks: readonly MaskKey[]) => Promise<void>
  /**
   * SHA-256, where the runtime has one faster than @noble/hashes' JavaScript: node:crypto's takes 16 µs
   * for a 14 KB signed commitment against 133 µs, and an aggregator names 100 of them a round. Absent,
   * that JavaScript.
   */
  readonly sha256?: (bytes: Uint8Array) => Uint8Array
}

/** Adds and subtracts `masks` into `target`: the suite's threads where it has them, this thread otherwise. */
export async function applyMasks (suite: CryptoSuite, target: Uint32Array, masks: readonly MaskKey[]): Promise<void> {
  if (suite.applyMasks !== undefined) return suite.applyMasks(target, masks)
  await applyKeystreams(target, maskStreams(suite.prg, masks))
}
