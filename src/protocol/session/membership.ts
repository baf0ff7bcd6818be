/**
 * Who is in a session right now, as this peer sees it: members heard from on the session topic within
 * the last few presence intervals, with the round they are at and whether they have an update. An open
 * session elects each aggregator among the members ready for its round; views differ while presence
 * spreads, and a peer follows only an announcement from the peer its own view elects.
 */
import type { Identity } from '../crypto/identity.js'

interface MemberState {
  identity: Identity
  latestRound: number
  ready: boolean
  seenAt: number
}

export class Membership {
  private readonly members = new Map<string, MemberState>()

  constructor (private readonly ttl: number) {}

  /** Records a member's presence. */
  heard (identity: Identity, latestRound: number, ready: boolean, now: number): void {
    this.members.set(identity.id, { identity, latestRound, ready, seenAt: now })
  }

  private fresh (now: number): MemberState[] {
    for (const [id, member] of this.members) if (member.seenAt < now - this.ttl) this.members.delete(id)
    return [...this.members.values()]
  }

  /** The members ready for the round after `latestRound`, with `self` if it is ready too. */
  ready (latestRound: number, self: Identity | undefined, now: number): Identity[] {
    const ready = this.fresh(now).filter(m => m.ready && m.latestRound === latestRound && m.identity.id !== self?.id).map(m => m.identity)
    return self === undefined ? ready : [...ready, self]
  }

  /** Every member heard from lately. */
  known (now: number): Identity[] {
    return this.fresh(now).map(m => m.identity)
  }
}
