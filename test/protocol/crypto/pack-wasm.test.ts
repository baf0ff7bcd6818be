/**
 * The WebAssembly SIMD packing (pack.wat): the committed module is what the .wat compiles to, and it
 * packs exactly as the JavaScript does, byte for byte, for every width it takes and any length.
 */
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pack, packJs } from '../../../src/protocol/encoding/bit-pack.js'
import { SIMD_PACK_BITS, simdPacks } from '../../../src/protocol/crypto/wasm/pack.js'
import { KERNEL_WORDS } from '../../../src/protocol/crypto/wasm/words.js'
// @ts-expect-error: a plain ES module script, without types
import { compileModule, moduleFile } from '../../../scripts/build-wasm.mjs'

describe('the WebAssembly packing', () => {
  it('is the module pack.wat compiles to', async () => {
    expect(await compileModule('pack')).toBe(await readFile(moduleFile('pack'), 'utf8'))
  })

  it('runs on this Node.js for 8 to 25 bits, and pack uses it', () => {
    expect(simdPacks(SIMD_PACK_BITS.min)).toBe(true)
    expect(simdPacks(SIMD_PACK_BITS.max)).toBe(true)
    expect(simdPacks(7)).toBe(false)
    expect(simdPacks(26)).toBe(false)
  })

  it('packs as the JavaScript does, byte for byte, whatever the high bits', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 32 }),
      // lengths around the groups of 8 and the chunk of KERNEL_WORDS
      fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: KERNEL_WORDS - 20, max: KERNEL_WORDS + 40 })),
      fc.integer(),
      (bits, length, seed) => {
        let state = seed >>> 0 || 1
        const values = Uint32Array.from({ length }, () => {
          state ^= state << 13
          state ^= state >>> 17
          state ^= state << 5
          return state >>> 0
        })
        const simd = Buffer.from(pack(values, bits))
        const js = Buffer.from(packJs(values, bits))
        expect(simd.length).toBe(js.length)
        expect(simd.equals(js)).toBe(true)
      }
    ), { numRuns: 300 })
  })
})
