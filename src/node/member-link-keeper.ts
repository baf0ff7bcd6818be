/**
 * Keeps a joined session's member links (member-links.ts) up. Every presence interval it dials the
 * chosen members it has no connection to, at the addresses their signed presence gave, a few at a time,
 * and tags them keep-alive in the peer store with those addresses: libp2p then redials them as soon as
 * a connection drops and, from a peer store on disk, when the node starts again. A member no longer
 * chosen loses the tag. Without this a member keeps only the connections it happened to open, often
 * just the one to its bootstrap peer, and losing that peer cuts it off.
 *
 * Leaving the session leaves the tags in place: a daemon leaves its sessions as it stops, and must find
 * its links in the peer store when it starts again. Joining the session again takes them back over.
 */
import { KEEP_ALIVE, type IdentifyResult, type Libp2pEvents, type Logger, type PeerId, type PeerStore, type TypedEventTarget } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { memberLinks, memberRing } from './member-links.js'
import type { SessionRunner } from './session-runner.js'
import type { ConnectionManager } from '@libp2p/interface-internal'
import type { Multiaddr } from '@multiformats/multiaddr'

export type LinkedSession = Pick<SessionRunner, 'session' | 'addressesOf' | 'heardMembers'>

export interface MemberLinkComponents {
  peerId: PeerId
  peerStore: PeerStore
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
}

/** Links dialled at once: a member that just heard a whole session's presence dials a few, not all. */
const LINK_DIALS_AT_ONCE = 4

/** A dial to a member that takes longer is given up until the member's next turn. */
const LINK_DIAL_TIMEOUT = 10_000

/**
 * A member that could not be dialled is passed over (the next reachable member is linked instead) and
 * tried again after one interval, then two, four, up to this many: one that is down costs a dial every
 * minute or so, not every interval.
 */
const MAX_RETRY_INTERVALS = 32

/** A session's members, and their order on its ring. */
interface Ring {
  members: ReadonlySet<string>
  order: string[]
}

/**
 * Closed sessions' rings by session id (the id covers the member list). A ring of a thousand members
 * takes some 30 ms to compute, and a test running a thousand nodes of one session in one process would
 * otherwise compute it a thousand times.
 */
const closedRings = new Map<string, Ring>()

/** Closed sessions whose rings are kept: more than a process joins at once. */
const MAX_CLOSED_RINGS = 16

function closedRing (sessionId: Uint8Array, sessionIdHex: string, members: string[]): Ring {
  let ring = closedRings.get(sessionIdHex)
  if (ring === undefined) {
    ring = { members: new Set(members), order: memberRing(sessionId, members) }
    if (closedRings.size >= MAX_CLOSED_RINGS) closedRings.delete(closedRings.keys().next().value!)
    closedRings.set(sessionIdHex, ring)
  }
  return ring
}

export class MemberLinkKeeper {
  /** The peer-store tag: one per session, so that one session's choice never drops another's link. */
  private readonly tag: string
  private readonly controller = new AbortController()
  private readonly peers = new Map<string, PeerId>()
  /** An open session's ring, built again when its members heard of change, and their places on it. */
  private ring: Ring = { members: new Set(), order: [] }
  private readonly positions = new Map<string, string>()
  /** Members this session tagged, read from the peer store on the first turn (it may be on disk). */
  private tagged: Set<string> | undefined
  /** The addresses last written for each tagged member, so that an unchanged one costs no write. */
  private readonly written = new Map<string, string>()
  private readonly retries = new Map<string, { at: number, intervals: number }>()
  private timer: ReturnType<typeof setInterval> | undefined
  private turn: Promise<void> | undefined
  /** Another turn was asked for while one ran. */
  private again = false

  constructor (private readonly session: LinkedSession, private readonly components: MemberLinkComponents, private readonly interval: number, private readonly log: Logger) {
    this.tag = `${KEEP_ALIVE}-secagg-${session.session.idHex.slice(0, 16)}`
  }

  /** Keeps the links from now on: a turn at once, then one every interval and when a member connects. */
  start (): void {
    this.timer = setInterval(() => { this.keep() }, this.interval)
    this.components.events.addEventListener('peer:identify', this.onIdentify)
    // members already connected, such as the bootstrap peer, are tagged at once
    this.keep()
  }

  /** Stops keeping the links; their tags stay in the peer store. */
  stop (): void {
    clearInterval(this.timer)
    this.components.events.removeEventListener('peer:identify', this.onIdentify)
    this.controller.abort()
  }

  /**
   * A member that connects, its bootstrap peer say, is tagged now rather than an interval later: a node
   * stopped within its first interval still redials it from the peer store when it starts again.
   */
  private readonly onIdentify = (event: CustomEvent<IdentifyResult>): void => {
    const { session } = this.session
    if (session.config.members === 'open' || closedRing(session.id, session.idHex, session.config.members).members.has(event.detail.peerId.toString())) this.keep()
  }

  /** One turn, never two at once (one asked for meanwhile follows), and nothing it throws escapes. */
  private keep (): void {
    if (this.turn !== undefined) {
      this.again = true
      return
    }
    this.again = false
    this.turn = this.linkUp()
      .catch((err: Error) => { if (!this.controller.signal.aborted) this.log('could not keep the member links: %s', err.message) })
      .finally(() => {
        this.turn = undefined
        if (this.again && !this.controller.signal.aborted) this.keep()
      })
  }

  private async linkUp (): Promise<void> {
    const signal = this.controller.signal
    const tagged = this.tagged ??= await this.taggedInStore()
    const now = Date.now()
    // By PeerId string, so that a walk over a large session's unheard members parses none of them
    const connected = this.connectedPeers()
    const heard = new Set(this.session.heardMembers().map(String))
    const reachable = (member: string): boolean => connected.has(member) || (heard.has(member) && this.addressesOf(member).length > 0 && (this.retries.get(member)?.at ?? 0) <= now)
    const chosen = memberLinks(this.order(heard), this.components.peerId.toString(), reachable)
    for (const member of tagged) if (!signal.aborted && !chosen.includes(member)) await this.untag(member)
    const dials: string[] = []
    for (const member of chosen) {
      if (signal.aborted) return
      if (!reachable(member)) continue
      await this.remember(member)
      if (connected.has(member)) this.retries.delete(member)
      else dials.push(member)
    }
    let next = 0
    await Promise.all(Array.from({ length: Math.min(LINK_DIALS_AT_ONCE, dials.length) }, async () => {
      while (next < dials.length && !signal.aborted) await this.dial(dials[next++])
    }))
  }

  /** The session's ring: a closed session's list, or an open one's members heard of, with this peer. */
  private order (heard: ReadonlySet<string>): string[] {
    const { session } = this.session
    if (session.config.members !== 'open') return closedRing(session.id, session.idHex, session.config.members).order
    const current = [...heard, this.components.peerId.toString()]
    if (current.length !== this.ring.members.size || current.some(member => !this.ring.members.has(member))) {
      const members = new Set(current)
      // an open session's members come and go: forget those gone
      for (const member of this.positions.keys()) if (!members.has(member)) this.positions.delete(member)
      for (const member of this.peers.keys()) if (!members.has(member) && this.tagged?.has(member) !== true) this.peers.delete(member)
      this.ring = { members, order: memberRing(this.session.session.id, current, this.positions) }
    }
    return this.ring.order
  }

  private peer (member: string): PeerId {
    let peer = this.peers.get(member)
    if (peer === undefined) {
      peer = peerIdFromString(member)
      this.peers.set(member, peer)
    }
    return peer
  }

  /** The peers this node holds a direct connection to (a relayed one is too limited to count). */
  private connectedPeers (): Set<string> {
    const peers = new Set<string>()
    for (const connection of this.components.connectionManager.getConnections()) {
      if (connection.status === 'open' && connection.limits === undefined) peers.add(connection.remotePeer.toString())
    }
    return peers
  }

  private addressesOf (member: string): Multiaddr[] {
    return this.session.addressesOf(this.peer(member))
  }

  /** Tags a chosen member keep-alive with the addresses it gave, writing only what changed. */
  private async remember (member: string): Promise<void> {
    const peer = this.peer(member)
    const addresses = this.addressesOf(member)
    const written = addresses.map(String).sort().join(' ')
    // libp2p drops keep-alive tags after failed redials: look, rather than trust what was written
    if (this.written.get(member) === written && (await this.components.peerStore.get(peer, { signal: this.controller.signal }).catch(() => undefined))?.tags.has(this.tag) === true) return
    await this.components.peerStore.merge(peer, { multiaddrs: addresses, tags: { [this.tag]: { value: 1 } } }, { signal: this.controller.signal })
    this.tagged!.add(member)
    this.written.set(member, written)
  }

  private async untag (member: string): Promise<void> {
    await this.components.peerStore.merge(this.peer(member), { tags: { [this.tag]: undefined } })
    this.tagged?.delete(member)
    this.written.delete(member)
  }

  private async taggedInStore (): Promise<Set<string>> {
    const peers = await this.components.peerStore.all({ filters: [peer => peer.tags.has(this.tag)] })
    return new Set(peers.map(peer => peer.id.toString()))
  }

  private async dial (member: string): Promise<void> {
    const addresses = this.addressesOf(member)
    try {
      await this.components.connectionManager.openConnection(addresses.length > 0 ? addresses : this.peer(member), {
        signal: AbortSignal.any([this.controller.signal, AbortSignal.timeout(LINK_DIAL_TIMEOUT)])
      })
      this.retries.delete(member)
    } catch (err: any) {
      if (this.controller.signal.aborted) return
      const intervals = Math.min(MAX_RETRY_INTERVALS, 2 * (this.retries.get(member)?.intervals ?? 0.5))
      this.retries.set(member, { at: Date.now() + intervals * this.interval, intervals })
      this.log('could not link to %s, next try in %d intervals: %s', member, intervals, err.message)
    }
  }
}
