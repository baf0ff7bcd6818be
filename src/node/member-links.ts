/**
 * Which members of a session a peer keeps connections to. The members sit on a ring ordered by
 * SHA-256(session id || PeerId bytes), and each links to the next LINKS_PER_MEMBER on it that it can
 * reach. With every member reachable that is the Harary graph H(2 × LINKS_PER_MEMBER, n): no loss of
 * fewer than 2 × LINKS_PER_MEMBER members disconnects the rest, whichever peer they were bootstrapped
 * from, while each member holds a handful of connections however large the session.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { toHex } from '../protocol/crypto/bytes.js'

/**
 * Successors each member links to: 2, so every member has about four links (two it dials, two that
 * dial it) and the session survives any three members going down at once. One (a plain ring) would be
 * cut in two by two losses; more buys little at the cost of a dial each per member.
 */
export const LINKS_PER_MEMBER = 2

/** A member's place on the session's ring: SHA-256(session id || the PeerId's multihash bytes), in hex. */
export function ringPosition (sessionId: Uint8Array, peer: string): string {
  const id = peerIdFromString(peer).toMultihash().bytes
  const input = new Uint8Array(sessionId.length + id.length)
  input.set(sessionId)
  input.set(id, sessionId.length)
  return toHex(sha256(input))
}

/**
 * A session's members in ring order. `positions` caches ringPosition by PeerId; a member whose
 * PeerId does not parse has no place on the ring.
 */
export function memberRing (sessionId: Uint8Array, members: Iterable<string>, positions: Map<string, string> = new Map()): string[] {
  const placed: Array<[string, string]> = []
  for (const member of new Set(members)) {
    let position = positions.get(member)
    if (position === undefined) {
      try {
        position = ringPosition(sessionId, member)
      } catch {
        continue
      }
      positions.set(member, position)
    }
    placed.push([position, member])
  }
  return placed.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([, member]) => member)
}

/**
 * The members `self` links to: its successors on the ring, in order, up to and including the
 * `links`-th one that `reachable` says it can reach. The unreachable ones before it stay in the list
 * (they are linked to as soon as they can be reached), so members that are down or not yet heard of
 * cost nothing but are not waited for: the next reachable member takes their place. Empty when `self`
 * is not on the ring.
 */
export function memberLinks (ring: readonly string[], self: string, reachable: (member: string) => boolean, links = LINKS_PER_MEMBER): string[] {
  const at = ring.indexOf(self)
  if (at < 0) return []
  const chosen: string[] = []
  let linked = 0
  for (let step = 1; step < ring.length && linked < links; step++) {
    const member = ring[(at + step) % ring.length]
    chosen.push(member)
    if (reachable(member)) linked++
  }
  return chosen
}
