/**
 * What a daemon is told: its data directory, its network, its sessions, its local API, its metrics and
 * its logs. The defaults live here, once; the CLI maps its flags onto these options and shows these
 * defaults in its help.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

export type LogFormat = 'human' | 'json'
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'

export interface DaemonOptions {
  /** Where the identity key, the API token and accepted updates live. */
  dataDir: string
  /** libp2p addresses to listen on; fixed ports, so that peers' bootstrap lists stay valid across restarts. */
  listen: string[]
  /** Multiaddrs of peers to connect to at start. */
  bootstrap: string[]
  /** Find peers on the local network with mDNS. */
  mdns: boolean
  /** Dial peers over WebRTC too (the optional @libp2p/webrtc); a WebRTC listen or bootstrap address implies it. */
  webrtc: boolean
  /** Serve as a circuit relay for peers that cannot be dialled. */
  relay: boolean
  /** Session files to join at start. */
  sessions: string[]
  /** The local API's interface: loopback by default, so only this machine's trainers reach it. */
  apiHost: string
  /** The local API's port (0 picks a free one; the daemon writes the address it got to its data dir). */
  apiPort: number
  /** Serve Prometheus metrics. */
  metrics: boolean
  metricsHost: string
  metricsPort: number
  logLevel: LogLevel
  logFormat: LogFormat
  /** An update whose round fails is put into the next round instead of being dropped. */
  retryFailedRounds: boolean
  /** Milliseconds between a failed round and the next try of its update. */
  retryDelay: number
  /** Updates a session may hold waiting for their rounds; more are refused until some are aggregated. */
  maxQueuedUpdates: number
  /** Round results kept per session for trainers to fetch. */
  keepResults: number
  /** Milliseconds a stopping daemon lets a round it takes part in run to its end before abandoning it. */
  shutdownTimeout: number
}

export const DEFAULT_P2P_PORT = 7340
export const DEFAULT_API_PORT = 7341
export const DEFAULT_METRICS_PORT = 7342

export const DEFAULT_DAEMON_OPTIONS: DaemonOptions = {
  dataDir: join(homedir(), '.secagg'),
  // WebRTC only when asked for (--listen /ip4/0.0.0.0/udp/7340/webrtc-direct /webrtc): it needs the optional @libp2p/webrtc
  listen: [`/ip4/0.0.0.0/tcp/${DEFAULT_P2P_PORT}`, '/p2p-circuit'],
  bootstrap: [],
  mdns: true,
  webrtc: false,
  relay: false,
  sessions: [],
  apiHost: '127.0.0.1',
  apiPort: DEFAULT_API_PORT,
  metrics: true,
  metricsHost: '127.0.0.1',
  metricsPort: DEFAULT_METRICS_PORT,
  logLevel: 'info',
  logFormat: 'human',
  retryFailedRounds: true,
  retryDelay: 5_000,
  maxQueuedUpdates: 16,
  keepResults: 8,
  shutdownTimeout: 30_000
}
