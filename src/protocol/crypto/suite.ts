/** A crypto backend: the primitives whose fastest implementation depends on the runtime. */
import type { Prg } from './prg.js'
import type { X25519 } from './x25519.js'

export interface CryptoSuite {
  readonly x25519: X25519
  readonly prg: Prg
}
