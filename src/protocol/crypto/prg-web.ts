/** The mask PRG on WebCrypto's AES-CTR, for browsers: the same words as the node:crypto backend. */
import { bufferSource } from './bytes.js'
import { assertIv, assertPrgKey, assertWordOffset, combine, counterBlock, PRG_CHUNK_WORDS, WORDS_PER_BLOCK, ZERO_IV, type Keystream, type Prg, type PrgMode } from './prg.js'

const BLOCK_BYTES = WORDS_PER_BLOCK * 4
const ZEROS = new Uint8Array(PRG_CHUNK_WORDS * 4 + BLOCK_BYTES)

class WebKeystream implements Keystream {
  private readonly key: Promise<CryptoKey>
  private position: number

  constructor (private readonly subtle: SubtleCrypto, key: Uint8Array, wordOffset: number, private readonly iv: Uint8Array) {
    assertPrgKey(key)
    assertWordOffset(wordOffset)
    assertIv(iv)
    this.key = subtle.importKey('raw', bufferSource(key), 'AES-CTR', false, ['encrypt'])
    this.position = wordOffset
  }

  async apply (target: Uint32Array, mode: PrgMode): Promise<void> {
    const key = await this.key
    // WebCrypto has no streaming state: every call starts at a block boundary, so each chunk
    // computes its own counter and skips the leading words of a partial block.
    for (let start = 0; start < target.length; start += PRG_CHUNK_WORDS) {
      const words = Math.min(PRG_CHUNK_WORDS, target.length - start)
      const block = Math.floor(this.position / WORDS_PER_BLOCK)
      const skip = this.position % WORDS_PER_BLOCK
      const counter = counterBlock(this.iv, block)
      const bytes = (skip + words) * 4
      const out = await this.subtle.encrypt({ name: 'AES-CTR', counter: bufferSource(counter), length: 128 }, key, ZEROS.subarray(0, Math.ceil(bytes / BLOCK_BYTES) * BLOCK_BYTES))
      combine(target.subarray(start, start + words), new Uint32Array(out, skip * 4, words), mode)
      this.position += words
    }
  }
}

/** The PRG on a given SubtleCrypto (the global one by default). */
export function webPrg (subtle: SubtleCrypto = globalThis.crypto.subtle): Prg {
  return {
    name: 'webcrypto',
    open (key, wordOffset = 0, iv = ZERO_IV) {
      return new WebKeystream(subtle, key, wordOffset, iv)
    }
  }
}
