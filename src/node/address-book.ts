/**
 * Where the members of a session said, in their signed presence, they can be dialled: members often
 * share no connection (gossip reaches them through others), and when one must reach another it dials
 * these. The session core keeps who is ready for which round; this keeps only addresses, which are the
 * network layer's business.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { MAX_PRESENCE_ADDRESSES } from './constants.js'
import type { PeerId } from '@libp2p/interface'

interface Entry {
  peerId: PeerId
  addresses: Multiaddr[]
  heardAt: number
}

/**
 * The addresses a member gave in its presence, each ending in its own PeerId: malformed ones, and
 * ones naming another peer, are dropped (a member can only misdirect dials to itself).
 */
function addressesOf (peer: PeerId, encoded: Uint8Array[]): Multiaddr[] {
  const addresses: Multiaddr[] = []
  for (const bytes of encoded.slice(0, MAX_PRESENCE_ADDRESSES)) {
    try {
      const address = multiaddr(bytes)
      const named = address.getComponents().findLast(c => c.name === 'p2p')?.value
      if (named === undefined) addresses.push(address.encapsulate(`/p2p/${peer.toString()}`))
      else if (named === peer.toString()) addresses.push(address)
    } catch {
      // not a multiaddr
    }
  }
  return addresses
}

export class AddressBook {
  private readonly entries = new Map<string, Entry>()

  /** @param ttl how long (ms) a member unheard of still counts as heard */
  constructor (private readonly ttl: number) {}

  /** Records a member's presence and the addresses it gave. */
  heard (peer: PeerId, addresses: Uint8Array[], now: number): void {
    this.entries.set(peer.toString(), { peerId: peer, addresses: addressesOf(peer, addresses), heardAt: now })
  }

  /** Where a member said it can be dialled; empty if it was never heard. */
  addresses (peer: PeerId): Multiaddr[] {
    return this.entries.get(peer.toString())?.addresses ?? []
  }

  /** The members heard from within the ttl. */
  heardMembers (now: number): PeerId[] {
    for (const [id, entry] of this.entries) if (entry.heardAt < now - this.ttl) this.entries.delete(id)
    return [...this.entries.values()].map(entry => entry.peerId)
  }
}
