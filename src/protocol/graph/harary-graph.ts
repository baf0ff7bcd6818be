/**
 * The neighbour graph of a round: a Harary graph H(k, n) over a pseudorandom ordering of the roster.
 * Peers sit on a ring in the order of SHA-256(seed || peer id), and each is a neighbour of the k/2
 * peers on either side. The seed binds the round's beacon, which the aggregator cannot choose, and the
 * roster itself: leaving any peer out reshuffles the whole ring, so an aggregator cannot pull chosen
 * peers next to a target by omitting the honest peers between them (as it could if places were fixed
 * by the beacon alone); it can only re-draw the whole graph, at the cost of one dropout per omission.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, concat, frame, toHex, u32be, u64be } from '../crypto/bytes.js'
import type { RoundContext } from '../crypto/kdf.js'

const SEED_LABEL = 'libp2p-secagg/1/graph-seed'

/**
 * The seed of a round attempt's ordering: bound to the session, round, attempt, beacon and roster, and
 * to the digests of the roster's signed key advertisements (in roster order), whose fresh keys no one
 * knows before the attempt's advertise-keys phase: the graph cannot be searched for before then.
 */
export function graphSeed (context: RoundContext, beacon: Uint8Array, roster: readonly Uint8Array[], digests: readonly Uint8Array[]): Uint8Array {
  const order = roster.map((_, i) => i).sort((a, b) => compareBytes(roster[a], roster[b]))
  return sha256(frame([SEED_LABEL, context.sessionId, u64be(context.round), u32be(context.attempt), beacon, sha256(frame(order.map(i => roster[i]))), sha256(frame(order.map(i => digests[i])))]))
}

export class NeighbourGraph {
  /** Peers (wire ids) in ring order. */
  readonly ring: readonly Uint8Array[]
  private readonly position = new Map<string, number>()

  /**
   * @param roster the round's peers (wire ids), in any order
   * @param degree k: an even number below n - 1, or n - 1 for the complete graph
   */
  constructor (roster: readonly Uint8Array[], seed: Uint8Array, readonly degree: number) {
    const n = roster.length
    if (!(Number.isInteger(degree) && degree >= 1 && degree <= n - 1 && (degree % 2 === 0 || degree === n - 1))) {
      throw new RangeError(`degree ${degree} is neither even and below ${n - 1} nor the complete graph's ${n - 1}`)
    }
    const keyed = roster.map(peer => ({ peer, key: sha256(concat([seed, peer])) }))
    keyed.sort((a, b) => compareBytes(a.key, b.key) || compareBytes(a.peer, b.peer))
    this.ring = keyed.map(k => k.peer)
    this.ring.forEach((peer, i) => {
      const id = toHex(peer)
      if (this.position.has(id)) throw new RangeError('a peer appears twice in the roster')
      this.position.set(id, i)
    })
  }

  get size (): number {
    return this.ring.length
  }

  get complete (): boolean {
    return this.degree === this.ring.length - 1
  }

  has (peer: Uint8Array): boolean {
    return this.position.has(toHex(peer))
  }

  /** The neighbours of a roster peer, in ring order starting after it; never the peer itself. */
  neighboursOf (peer: Uint8Array): Uint8Array[] {
    const at = this.position.get(toHex(peer))
    if (at === undefined) throw new RangeError('peer is not in the roster')
    const n = this.ring.length
    const out: Uint8Array[] = []
    if (this.complete) {
      for (let i = 1; i < n; i++) out.push(this.ring[(at + i) % n])
      return out
    }
    const half = this.degree / 2
    for (let i = 1; i <= half; i++) out.push(this.ring[(at + i) % n])
    for (let i = half; i >= 1; i--) out.push(this.ring[(at - i + n) % n])
    return out
  }

  /** Whether two distinct roster peers are neighbours. */
  areNeighbours (a: Uint8Array, b: Uint8Array): boolean {
    const pa = this.position.get(toHex(a))
    const pb = this.position.get(toHex(b))
    if (pa === undefined || pb === undefined || pa === pb) return false
    const d = Math.abs(pa - pb)
    return Math.min(d, this.ring.length - d) <= this.degree / 2 || this.complete
  }
}
