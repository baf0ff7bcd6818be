import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fromHex } from '../../../src/protocol/crypto/bytes.js'
import { counterBlock, PRG_CHUNK_WORDS, type Prg } from '../../../src/protocol/crypto/prg.js'
import { nodePrg } from '../../../src/protocol/crypto/prg-node.js'
import { webPrg } from '../../../src/protocol/crypto/prg-web.js'

const backends: Prg[] = [nodePrg, webPrg()]

function xor (a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((v, i) => v ^ b[i])
}

function wordsOf (bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.slice().buffer)
}

// NIST SP 800-38A, appendix F.5.1 (CTR-AES128.Encrypt) and F.5.5 (CTR-AES256.Encrypt).
const initCounter = fromHex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff')
const plaintext = fromHex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710')
const vectors = [
  {
    name: 'F.5.1 CTR-AES128',
    key: fromHex('2b7e151628aed2a6abf7158809cf4f3c'),
    ciphertext: fromHex('874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee')
  },
  {
    name: 'F.5.5 CTR-AES256',
    key: fromHex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4'),
    ciphertext: fromHex('601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6')
  }
]

async function keystream (prg: Prg, key: Uint8Array, offset: number, words: number, iv?: Uint8Array): Promise<Uint32Array> {
  const out = new Uint32Array(words)
  await prg.open(key, offset, iv).apply(out, 'fill')
  return out
}

describe.each(backends)('AES-CTR PRG ($name)', (prg) => {
  it.each(vectors)('reproduces the NIST SP 800-38A $name keystream as little-endian words', async ({ key, ciphertext }) => {
    const expected = wordsOf(xor(plaintext, ciphertext))
    expect(await keystream(prg, key, 0, 16, initCounter)).toEqual(expected)
  })

  it.each(vectors)('seeks to every word offset of the $name keystream, across the counter carry', async ({ key, ciphertext }) => {
    const expected = wordsOf(xor(plaintext, ciphertext))
    for (let offset = 0; offset < 16; offset++) {
      expect(await keystream(prg, key, offset, 16 - offset, initCounter)).toEqual(expected.subarray(offset))
    }
  })

  it('continues seamlessly across calls of any size, and adds and subtracts mod 2^32', async () => {
    const key = new Uint8Array(16).fill(3)
    const whole = await keystream(prg, key, 5, 3 * PRG_CHUNK_WORDS + 17)
    const stream = prg.open(key, 5)
    const pieces = new Uint32Array(whole.length)
    const sizes = [1, 3, PRG_CHUNK_WORDS + 5, 2 * PRG_CHUNK_WORDS - 1, 9]
    let at = 0
    for (const size of sizes) {
      await stream.apply(pieces.subarray(at, at + size), 'fill')
      at += size
    }
    expect(pieces).toEqual(whole)

    const target = new Uint32Array(whole.length).fill(0xfffffff0)
    await prg.open(key, 5).apply(target, 'add')
    for (let i = 0; i < target.length; i += 997) expect(target[i]).toBe((0xfffffff0 + whole[i]) >>> 0)
    await prg.open(key, 5).apply(target, 'subtract')
    expect(target.every(v => v === 0xfffffff0)).toBe(true)
  })
})

describe('AES-CTR PRG backends', () => {
  it('give identical words for random keys and offsets', async () => {
    await fc.assert(fc.asyncProperty(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.nat(1 << 20),
      fc.integer({ min: 1, max: 40000 }),
      async (key, offset, words) => {
        const [a, b] = await Promise.all(backends.map(async prg => keystream(prg, key, offset, words)))
        expect(a).toEqual(b)
      }), { numRuns: 30 })
  })

  it('adds a carry into the whole 128-bit counter', () => {
    expect(counterBlock(fromHex('00000000000000000000ffffffffffff'), 1)).toEqual(fromHex('00000000000000000001000000000000'))
    expect(counterBlock(new Uint8Array(16), 2 ** 40 + 5)).toEqual(fromHex('00000000000000000000010000000005'))
  })

  it('rejects keys that are not AES-128 or AES-256 keys', () => {
    for (const prg of backends) expect(() => prg.open(new Uint8Array(24))).toThrow(RangeError)
  })
})
