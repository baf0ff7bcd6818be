/**
 * Replaces a peer's connections that outlived the peer. A killed process's TCP connections close at
 * once, but its WebRTC connections stay open for many seconds, and when it starts again under the same
 * identity its new connection opens beside the dead one. Two things then go wrong in js-libp2p v3:
 *
 * - a dial to the peer reuses the oldest open connection, the dead one, so every stream to it hangs;
 * - gossipsub keeps the one outbound stream it opened on the dead connection, and a second connection
 *   from a peer it already knows gets no stream of its own. When the dead one closes at last, no
 *   `peer:disconnect` follows (the new connection is up), so gossipsub never opens another: the peer
 *   hears no gossip, and a restarted member waited for announcements for as long as it ran.
 *
 * So when a connection opens beside older ones, each older one is asked for a stream; one that gives
 * none in time is closed. And when a peer's oldest connection closes while newer ones stay open, every
 * connection to it is closed and it is dialled again: every protocol then sees it connect afresh.
 */
import { PING_PROTOCOL } from '@libp2p/ping'
import type { Connection, Libp2pEvents, Logger, TypedEventTarget } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'

export interface StaleConnectionComponents {
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
}

function openConnections (connectionManager: ConnectionManager, connection: Connection): Connection[] {
  return connectionManager.getConnections(connection.remotePeer).filter(other => other !== connection && other.status === 'open')
}

export class StaleConnections {
  /** Peers whose connections are being replaced, so that closing them does not start it again. */
  private readonly renewing = new Set<string>()
  /** Connections being probed: a second probe of one would only be refused its stream. */
  private readonly probing = new WeakSet<Connection>()

  /** @param probeTimeout how long (ms) an older connection has to open a stream */
  constructor (private readonly components: StaleConnectionComponents, private readonly probeTimeout: number, private readonly log: Logger) {}

  start (): void {
    this.components.events.addEventListener('connection:open', this.onOpen)
    this.components.events.addEventListener('connection:close', this.onClose)
  }

  stop (): void {
    this.components.events.removeEventListener('connection:open', this.onOpen)
    this.components.events.removeEventListener('connection:close', this.onClose)
  }

  private readonly onOpen = (event: CustomEvent<Connection>): void => {
    const opened = event.detail
    for (const older of openConnections(this.components.connectionManager, opened)) {
      if (older.timeline.open <= opened.timeline.open) void this.probe(older)
    }
  }

  private readonly onClose = (event: CustomEvent<Connection>): void => {
    const closed = event.detail
    const peer = closed.remotePeer
    const remaining = openConnections(this.components.connectionManager, closed)
    if (remaining.length === 0 || this.renewing.has(peer.toString())) return
    if (remaining.some(other => other.timeline.open < closed.timeline.open)) return
    void this.renew(remaining)
  }

  /**
   * Closes a connection that opens no stream in time. Any other failure is an answer, and so life: a
   * remote without ping refuses the protocol, and ping allows one outbound stream a connection, which
   * libp2p's own connection monitor may hold. (A refused second stream counted as death once, and cut
   * live connections in the middle of a round.)
   */
  private async probe (connection: Connection): Promise<void> {
    if (this.probing.has(connection)) return
    this.probing.add(connection)
    const signal = AbortSignal.timeout(this.probeTimeout)
    try {
      const stream = await connection.newStream(PING_PROTOCOL, { signal })
      await stream.close().catch(() => { stream.abort(new Error('probe done')) })
    } catch {
      if (!signal.aborted || connection.status !== 'open') return
      this.log('a connection to %p opens no stream, the peer runs again on another: closing it', connection.remotePeer)
      connection.abort(new Error('the connection opens no stream'))
    } finally {
      this.probing.delete(connection)
    }
  }

  /** Closes a peer's remaining connections and dials it again; nothing it throws escapes. */
  private async renew (connections: Connection[]): Promise<void> {
    const peer = connections[0].remotePeer
    const key = peer.toString()
    this.renewing.add(key)
    try {
      this.log('the oldest connection to %p closed beside newer ones: connecting to it afresh', peer)
      await Promise.all(connections.map(async connection => connection.close().catch(() => { connection.abort(new Error('renewing the peer\'s connections')) })))
      await this.components.connectionManager.openConnection(peer, { signal: AbortSignal.timeout(this.probeTimeout) })
    } catch (err: any) {
      this.log('could not connect to %p again: %s', peer, err?.message)
    } finally {
      this.renewing.delete(key)
    }
  }
}
