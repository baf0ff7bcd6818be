/**
 * Who is in a session right now, as this peer sees it: members heard from on the session topic within
 * the last few presence intervals, with the round they are at and whether they have an update. The
 * aggregator of a round is elected among the members that are ready for it; views differ while presence
 * spreads, and a peer follows only an announcement from the peer its own view elects.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { identityOf, type Identity } from '../protocol/crypto/identity.js'
import { MAX_PRESENCE_ADDRESSES } from './constants.js'
import type { PeerId } from '@libp2p/interface'

interface MemberState {
  identity: Identity
  latestRound: number
  ready: boolean
  seenAt: number
  addresses: Multiaddr[]
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

export class Membership {
  private readonly members = new Map<string, MemberState>()

  constructor (private readonly ttl: number, private readonly allowed: (identity: Identity) => boolean) {}

  /** Records a member's presence; ignored for peers the session does not allow. */
  heard (peer: PeerId, latestRound: number, ready: boolean, now: number, addresses: Uint8Array[] = []): void {
    let identity: Identity
    try {
      identity = identityOf(peer)
    } catch {
      return
    }
    if (!this.allowed(identity)) return
    this.members.set(identity.id, { identity, latestRound, ready, seenAt: now, addresses: addressesOf(peer, addresses) })
  }

  /** Where a member said it can be dialled; empty if it is not in the view. */
  addresses (peer: PeerId): Multiaddr[] {
    return this.members.get(peer.toString())?.addresses ?? []
  }

  forget (peer: string): void {
    this.members.delete(peer)
  }

  private fresh (now: number): MemberState[] {
    for (const [id, member] of this.members) if (member.seenAt < now - this.ttl) this.members.delete(id)
    return [...this.members.values()]
  }

  /** The members ready for the round after `latestRound`, with this peer if it is ready too. */
  ready (latestRound: number, self: Identity | undefined, now: number): Identity[] {
    const ready = this.fresh(now).filter(m => m.ready && m.latestRound === latestRound && m.identity.id !== self?.id).map(m => m.identity)
    return self === undefined ? ready : [...ready, self]
  }

  /** Every member currently heard from. */
  known (now: number): Identity[] {
    return this.fresh(now).map(m => m.identity)
  }
}
