import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fromHex, toHex } from '../../../src/protocol/crypto/bytes.js'
import { leafHash, merkleRoot, merkleTree, verifyMerklePath } from '../../../src/protocol/crypto/merkle.js'
import { nodeCryptoSuite } from '../../../src/protocol/crypto/suite-node.js'
import { sha256 } from '@noble/hashes/sha2.js'

// The reference tree of the Certificate Transparency implementations of RFC 6962 (its eight leaves, the
// root of each prefix of them, and two audit paths of the eight-leaf tree), as their test suites carry it.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex)
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'
]
const PATHS = [
  { index: 0, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] }
]

const hashes = LEAVES.map(leaf => leafHash(leaf))

describe('Merkle trees (RFC 6962)', () => {
  it('give the reference roots of the RFC 6962 test tree for every size from 0 to 8', () => {
    for (let n = 0; n <= 8; n++) expect(toHex(merkleRoot(hashes.slice(0, n))), `size ${n}`).toBe(ROOTS[n])
  })

  it('give the reference audit paths of the eight-leaf tree, and they verify', () => {
    const { root, paths } = merkleTree(hashes)
    expect(root).toEqual(merkleRoot(hashes))
    for (const { index, path } of PATHS) {
      expect(paths[index].map(toHex)).toEqual(path)
      expect(verifyMerklePath(hashes[index], index, 8, path.map(fromHex), root)).toBe(true)
    }
  })

  it('verify every leaf\'s path in trees of every shape, and nothing else: another leaf, index, path or root', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 80 }), fc.nat(), fc.nat(), (size, pick, other) => {
      const leaves = Array.from({ length: size }, (_, i) => leafHash(new Uint8Array([i, i >> 8, 7])))
      const { root, paths } = merkleTree(leaves)
      expect(root).toEqual(merkleRoot(leaves))
      const i = pick % size
      for (let j = 0; j < size; j++) expect(verifyMerklePath(leaves[j], j, size, paths[j], root)).toBe(true)
      const j = other % size
      if (j !== i) {
        expect(verifyMerklePath(leaves[j], i, size, paths[i], root)).toBe(false)
        expect(verifyMerklePath(leaves[i], j, size, paths[i], root)).toBe(false)
      }
      expect(verifyMerklePath(leaves[i], size, size, paths[i], root)).toBe(false)
      expect(verifyMerklePath(leaves[i], i, size, paths[i], leafHash(root))).toBe(false)
      if (paths[i].length > 0) {
        const tampered = paths[i].map(node => node.slice())
        tampered[0][3] ^= 1
        expect(verifyMerklePath(leaves[i], i, size, tampered, root)).toBe(false)
        expect(verifyMerklePath(leaves[i], i, size, paths[i].slice(1), root)).toBe(false)
      }
      expect(verifyMerklePath(leaves[i], i, size, [...paths[i], root], root)).toBe(false)
    }), { numRuns: 150 })
  })

  it('are the same trees with node:crypto\'s SHA-256, which the round passes, as with the default', () => {
    const hash = nodeCryptoSuite.sha256
    for (const data of LEAVES) expect(leafHash(data, hash)).toEqual(leafHash(data))
    for (let n = 0; n <= 8; n++) expect(toHex(merkleRoot(hashes.slice(0, n), hash)), `size ${n}`).toBe(ROOTS[n])
    const { root, paths } = merkleTree(hashes, hash)
    for (const { index, path } of PATHS) {
      expect(paths[index].map(toHex)).toEqual(path)
      expect(verifyMerklePath(hashes[index], index, 8, paths[index], root, hash)).toBe(true)
      expect(verifyMerklePath(hashes[index], index + 1, 8, paths[index], root, hash)).toBe(false)
    }
  })

  it('hash any leaf as SHA-256 of 0x00 and its data, short or long, and keep no digest tied to another', () => {
    // leafHash writes its input into an array of its own up to 1,024 bytes, and allocates one beyond
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 }), (a, b) => {
      const first = leafHash(a, nodeCryptoSuite.sha256)
      const kept = first.slice()
      expect(leafHash(b)).toEqual(sha256(new Uint8Array([0, ...b])))
      expect(first).toEqual(kept)
      expect(first).toEqual(sha256(new Uint8Array([0, ...a])))
    }), { numRuns: 200 })
    for (const length of [1022, 1023, 1024, 1025]) expect(leafHash(new Uint8Array(length).fill(9))).toEqual(sha256(new Uint8Array([0, ...new Uint8Array(length).fill(9)])))
  })

  it('keep a leaf from passing for an interior node (the 0x00 and 0x01 prefixes)', () => {
    const root = merkleRoot(hashes.slice(0, 2))
    // the two children of the root, concatenated, are not a leaf of the one-leaf tree under that root
    const children = new Uint8Array([...hashes[0], ...hashes[1]])
    expect(verifyMerklePath(leafHash(children), 0, 1, [], root)).toBe(false)
  })
})
