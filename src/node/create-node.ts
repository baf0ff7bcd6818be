/**
 * A complete libp2p node for secure aggregation: TCP and circuit relays, WebRTC-direct and
 * private-to-private WebRTC when asked for, Noise, yamux, identify, ping, bootstrap and mDNS discovery,
 * gossipsub for presence and announcements, and the secure-aggregation service.
 *
 * WebRTC is an optional peer dependency, loaded only when an address needs it: @libp2p/webrtc brings
 * some 260 packages and 200 MB to an install of this package (react-native-webrtc's peer dependency
 * resolves to a react-native release with metro and babel) and a native addon, node-datachannel, that has no prebuilt build for some edge
 * devices (32-bit ARM), where importing it throws.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { mdns } from '@libp2p/mdns'
import { memory } from '@libp2p/memory'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { MAX_STREAM_WINDOW } from './constants.js'
import { fastMessageId } from './message-id.js'
import { secureAggregation, type SecureAggregation, type SecureAggregationInit } from './service.js'
import type { ComponentLogger, Metrics, PeerDiscovery, PrivateKey, Transport } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

export interface SecAggNodeOptions {
  /** The node's identity; a fresh one if absent (a daemon should keep one, so its PeerId stays). */
  privateKey?: PrivateKey
  /**
   * Addresses to listen on. By default TCP and WebRTC-direct on every interface, plus a circuit-relay
   * reservation and WebRTC for peers that cannot be dialled directly.
   */
  listen?: string[]
  /** Multiaddrs of peers to connect to at start. */
  bootstrap?: string[]
  /** Find peers on the local network with mDNS (default true). */
  mdns?: boolean
  /** Serve as a circuit relay for peers behind NATs (default false). */
  relay?: boolean
  /**
   * Load the WebRTC transports (the optional package @libp2p/webrtc) to dial peers over WebRTC even
   * without listening on it; a WebRTC address in `listen` or `bootstrap` loads them anyway.
   */
  webrtc?: boolean
  /** WebRTC ICE servers; none by default, which is what loopback and LAN tests want. */
  iceServers?: RTCIceServer[]
  /** The most connections to hold (default 1000: an aggregator talks to every participant at once). */
  maxConnections?: number
  /** Where libp2p keeps its peer store; in memory by default, a datastore on disk lets a restarted node redial the peers it knew. */
  datastore?: Datastore
  /** libp2p's metrics implementation, such as @libp2p/prometheus-metrics (none by default). */
  metrics?: (components: any) => Metrics
  /** Where the node's components log; libp2p's default (the DEBUG variable) if absent. */
  logger?: ComponentLogger
  secagg?: SecureAggregationInit
}

export interface SecAggServices extends Record<string, unknown> {
  identify: Identify
  ping: Ping
  pubsub: GossipSub
  secagg: SecureAggregation
  relay?: unknown
}

/** TCP on every interface and a circuit-relay reservation; WEBRTC_LISTEN adds WebRTC. */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/p2p-circuit']
/** WebRTC-direct on every interface, and private-to-private WebRTC through a relay: needs @libp2p/webrtc. */
export const WEBRTC_LISTEN = ['/ip4/0.0.0.0/udp/0/webrtc-direct', '/webrtc']

/** Thrown when a WebRTC address is configured and the optional @libp2p/webrtc is not installed. */
export class WebRTCUnavailableError extends Error {
  override readonly name = 'WebRTCUnavailableError'
}

/** Whether an address is one only the WebRTC transports listen on or dial. */
export function isWebRTCAddress (address: string): boolean {
  return /\/webrtc(-direct)?(\/|$)/.test(address)
}

async function webRTCTransports (rtcConfiguration: RTCConfiguration): Promise<Array<(components: any) => Transport>> {
  let webrtc: typeof import('@libp2p/webrtc')
  try {
    webrtc = await import('@libp2p/webrtc')
  } catch (err: any) {
    throw new WebRTCUnavailableError(`WebRTC addresses need the optional package @libp2p/webrtc, which did not load (${err.code ?? err.message}): install it beside libp2p-secagg (npm install @libp2p/webrtc), or listen and bootstrap on TCP only`, { cause: err })
  }
  return [webrtc.webRTCDirect({ rtcConfiguration }), webrtc.webRTC({ rtcConfiguration })]
}

export async function createSecAggNode (options: SecAggNodeOptions = {}): Promise<Libp2p<SecAggServices>> {
  const listen = options.listen ?? DEFAULT_LISTEN
  const rtcConfiguration = { iceServers: options.iceServers ?? [] }
  const withWebRTC = options.webrtc === true || [...listen, ...options.bootstrap ?? []].some(isWebRTCAddress)
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  if (options.bootstrap != null && options.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: options.bootstrap }))
  if (options.mdns !== false) peerDiscovery.push(mdns())
  const node = await createLibp2p({
    ...(options.privateKey != null ? { privateKey: options.privateKey } : {}),
    ...(options.metrics != null ? { metrics: options.metrics } : {}),
    ...(options.logger != null ? { logger: options.logger } : {}),
    ...(options.datastore != null ? { datastore: options.datastore } : {}),
    addresses: { listen },
    transports: [
      tcp(),
      ...(withWebRTC ? await webRTCTransports(rtcConfiguration) : []),
      circuitRelayTransport(),
      ...(listen.some(address => address.startsWith('/memory/')) ? [memory()] : [])
    ],
    connectionEncrypters: [noise()],
    // A paused stream holds what its window let in, up to a 4 MiB read buffer: keep the window below it.
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: MAX_STREAM_WINDOW } })],
    peerDiscovery,
    // A peer busy masking or unmasking a large vector can stall its event loop for seconds; the default
    // monitor would then abort its connections, uploads and all, after one missed ping.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    connectionManager: {
      // An aggregator holds a connection to every participant at once (the default is 300).
      maxConnections: options.maxConnections ?? 1000,
      // Many peers behind one NAT, or a testnet on one host, share a source address: the default of
      // 5 new inbound connections per second per address would refuse most of them.
      inboundConnectionThreshold: 1000,
      maxIncomingPendingConnections: 1000
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        allowPublishToZeroTopicPeers: true,
        fastMsgIdFn: fastMessageId,
        // Gossipsub scores down peers that share an IP address (-5 per extra peer beyond 10, squared),
        // so 16 or more nodes on one host or behind one NAT would ignore each other entirely. Sybil
        // resistance here comes from session membership, not from addresses.
        scoreParams: { IPColocationFactorWeight: 0 }
      }),
      secagg: secureAggregation(options.secagg),
      ...(options.relay === true ? { relay: circuitRelayServer({ reservations: { maxReservations: 1024 } }) } : {})
    }
  })
  // libp2p redials its keep-alive peers (from a peer store on disk, say) while its services are still
  // starting: a connection identified before gossipsub registered its topology never gets a gossip
  // stream, and its peer would miss every presence and announcement. Dial those again, now that all listen.
  const gossiping = new Set(node.services.pubsub.getPeers().map(peer => peer.toString()))
  for (const connection of node.getConnections()) {
    if (!gossiping.has(connection.remotePeer.toString())) void connection.close().then(async () => node.dial(connection.remotePeer)).catch(() => {})
  }
  // In js-libp2p v3, mDNS emits peer:discovery but does not connect to the peers it finds: dial them here.
  node.addEventListener('peer:discovery', (event) => {
    void node.dial(event.detail.id).catch(() => {})
  })
  return node as Libp2p<SecAggServices>
}
