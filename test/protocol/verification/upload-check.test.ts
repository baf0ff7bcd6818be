/**
 * The aggregator's check of an upload against its commitment (upload-check.ts): it takes a vector whose
 * commitment is Com(y), however the vector is cut into chunks, and values of any width up to 32 bits,
 * and it refuses a vector changed in one coordinate, by one or by its top bit. The aggregator's sum
 * takes packed chunks into digests in one SIMD pass exactly as unpacking, adding and absorbing do.
 */
import { describe, expect, it } from 'vitest'
import { nodePrg } from '../../../src/protocol/crypto/prg-node.js'
import type { RoundContext } from '../../../src/protocol/crypto/kdf.js'
import { commit, FIELDS } from '../../../src/protocol/verification/commitment.js'
import { pack } from '../../../src/protocol/encoding/bit-pack.js'
import { UploadCheck } from '../../../src/protocol/verification/upload-check.js'
import { generator } from './reference-ring.js'

const context: RoundContext = { sessionId: new Uint8Array(32).fill(9), round: 2, attempt: 1 }
const LENGTH = 3000

function words (seed: number, bits: number): Uint32Array {
  const next = generator(seed)
  return Uint32Array.from({ length: LENGTH }, () => bits === 32 ? next() : next() >>> (32 - bits))
}

/** The digest of `values` taken in chunks of the given sizes (the last takes the rest). */
function digestOf (check: UploadCheck, values: Uint32Array, sizes: number[], bits: number): number[] {
  const digest = check.start()
  let at = 0
  for (const size of sizes) {
    check.absorb(digest, at, values.subarray(at, at + size), bits)
    at += size
  }
  check.absorb(digest, at, values.subarray(at), bits)
  return digest
}

describe('an upload checked against its commitment', () => {
  // 23 bits: the default modulus; 26: the widest taken without reducing first; 32: every value reduced
  // first. In WebAssembly SIMD (uploads.wat) and in JavaScript.
  it.each([23, 26, 32].flatMap(bits => [[bits, 'SIMD'], [bits, 'JavaScript']]))('takes a %i-bit vector cut anyhow in %s, and refuses it changed in one coordinate', async (bits, path) => {
    const values = words(bits, bits)
    if (bits === 32) expect(values.some(v => v >= 2 ** 26)).toBe(true)
    const commitment = await commit(nodePrg, context, values)
    const check = await UploadCheck.create(nodePrg, context, LENGTH, new Uint8Array(32).fill(bits), path === 'SIMD')
    for (const sizes of [[], [1024], [32, 96, 1000, 64], [2999]]) expect(check.matches(digestOf(check, values, sizes, bits), commitment)).toBe(true)
    for (const change of [1, 2 ** (bits - 1)]) {
      const changed = values.slice()
      changed[1777] = (changed[1777] + change) % 2 ** bits
      expect(check.matches(digestOf(check, changed, [512], bits), commitment)).toBe(false)
    }
  })

  // A vector's last chunk may end mid-group of 8 (d + 1 words): 2,995 = 64 + 2,912 + 19.
  it.each([1, 8, 23, 25])('is summed and digested from packed %i-bit chunks in one SIMD pass as in JavaScript', async (bits) => {
    const length = 2995
    const check = await UploadCheck.create(nodePrg, context, length, new Uint8Array(32).fill(bits))
    const simd = check.sum(length, bits)
    // a second sum from the same check, as each group's under one shared check: unpacked and added in
    // SIMD, then absorbed, so that h is not copied again
    const second = check.sum(length, bits)
    const js = check.sum(length, bits, false)
    // a sum near 2^32, so that adding wraps
    const initial = Uint32Array.from({ length }, (_, i) => 2 ** 32 - 1 - (i % 2 ** bits))
    for (const sum of [simd, second, js]) sum.accumulator.set(initial)
    for (const seed of [1, 2, 3]) {
      const values = words(100 * bits + seed, bits).subarray(0, length)
      const commitment = await commit(nodePrg, context, values)
      const digests = [simd, second, js].map(sum => {
        const digest = check.start()
        let at = 0
        for (const count of [64, 2912, 19]) {
          sum.add(digest, at, pack(values.subarray(at, at + count), bits), count)
          at += count
        }
        return digest
      })
      const canonical = digests.map(digest => digest.map((d, f) => FIELDS[f].canonical(d)))
      expect(canonical[0]).toEqual(canonical[2])
      expect(canonical[1]).toEqual(canonical[2])
      expect(check.matches(digests[0], commitment)).toBe(true)
      // the check keeps h in the SIMD sum's instance from then on: absorbing still matches
      expect(check.matches(digestOf(check, values, [1024], bits), commitment)).toBe(true)
    }
    for (const sum of [simd, second]) {
      expect(Buffer.from(sum.accumulator.buffer, sum.accumulator.byteOffset, length * 4).equals(Buffer.from(js.accumulator.buffer))).toBe(true)
      expect([...sum.overflows]).toEqual([...js.overflows])
    }
    expect(simd.overflows.some(w => w > 0)).toBe(true)
  })
})
