/**
 * Merkle trees as RFC 6962 (section 2.1) defines them: SHA-256, leaves hashed with a 0x00 prefix and
 * interior nodes with 0x01, so that no leaf can pass for a node; a tree of n leaves splits at the
 * largest power of two below n. A dealer signs one root over the encrypted shares it deals, and each
 * holder gets its own share with the path to that root: one signature per dealer instead of one per
 * share, and still a statement of the dealer's that anyone can check about any one share.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { constantTimeEqual } from './bytes.js'

export const MERKLE_HASH_LENGTH = 32

const LEAF_PREFIX = new Uint8Array([0])
const NODE_PREFIX = new Uint8Array([1])

/** The hash of one leaf's data. */
export function leafHash (data: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_PREFIX).update(data).digest()
}

function nodeHash (left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest()
}

/** The largest power of two strictly below n (n >= 2). */
function split (n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** The root of the tree over `leaves` (leaf hashes, in order). */
export function merkleRoot (leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0))
  return subtree(leaves, 0, leaves.length, undefined)
}

/** Every leaf's audit path (RFC 6962 section 2.1.1), built in one pass over the tree. */
export function merklePaths (leaves: readonly Uint8Array[]): Uint8Array[][] {
  const paths = leaves.map(() => [] as Uint8Array[])
  if (leaves.length > 0) subtree(leaves, 0, leaves.length, paths)
  return paths
}

// The hash of leaves[from, to); with `paths`, each sibling subtree's hash is pushed onto the path of
// every leaf on the other side, deepest first, which is the order an audit path lists them in.
function subtree (leaves: readonly Uint8Array[], from: number, to: number, paths: Uint8Array[][] | undefined): Uint8Array {
  if (to - from === 1) return leaves[from]
  const middle = from + split(to - from)
  const left = subtree(leaves, from, middle, paths)
  const right = subtree(leaves, middle, to, paths)
  if (paths !== undefined) {
    for (let i = from; i < middle; i++) paths[i].push(right)
    for (let i = middle; i < to; i++) paths[i].push(left)
  }
  return nodeHash(left, right)
}

/** True when `path` leads from the leaf hash at `index` of a tree of `size` leaves to `root` (RFC 9162 section 2.1.3.2). */
export function verifyMerklePath (leaf: Uint8Array, index: number, size: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false
  if (path.some(node => node.length !== MERKLE_HASH_LENGTH) || leaf.length !== MERKLE_HASH_LENGTH) return false
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of path) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && root.length === MERKLE_HASH_LENGTH && constantTimeEqual(r, root)
}
