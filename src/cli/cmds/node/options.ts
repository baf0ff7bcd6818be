/** `secagg node` flags: one per DaemonOptions field, with the library's defaults. */
import { DEFAULT_DAEMON_OPTIONS as D } from '../../../daemon/options.js'
import { list } from '../../global-options.js'
import type { Options } from 'yargs'

export const nodeOptions = {
  listen: { type: 'array', string: true, default: D.listen, coerce: list, description: 'libp2p addresses to listen on', group: 'Network:' },
  bootstrap: { type: 'array', string: true, default: D.bootstrap, coerce: list, description: 'Multiaddrs of peers to connect to at start', group: 'Network:' },
  mdns: { type: 'boolean', default: D.mdns, description: 'Find peers on the local network with mDNS', group: 'Network:' },
  webrtc: { type: 'boolean', default: D.webrtc, description: 'Dial peers over WebRTC too (needs: npm install @libp2p/webrtc); a WebRTC --listen or --bootstrap address implies it', group: 'Network:' },
  relay: { type: 'boolean', default: D.relay, description: 'Serve as a circuit relay for peers that cannot be dialled', group: 'Network:' },
  session: { type: 'array', string: true, default: D.sessions, coerce: list, description: 'Session files to join (see: secagg session create)', group: 'Sessions:' },
  'retry-failed-rounds': { type: 'boolean', default: D.retryFailedRounds, description: 'Put an update whose round failed into the next round', group: 'Sessions:' },
  'retry-delay': { type: 'number', default: D.retryDelay, description: 'Milliseconds before an update whose round failed is tried again', group: 'Sessions:' },
  'max-queued-updates': { type: 'number', default: D.maxQueuedUpdates, description: 'Updates a session may hold waiting for their rounds', group: 'Sessions:' },
  'keep-results': { type: 'number', default: D.keepResults, description: 'Round results kept per session for trainers', group: 'Sessions:' },
  'shutdown-timeout': { type: 'number', default: D.shutdownTimeout, description: 'Milliseconds a round in progress may take to finish on shutdown', group: 'Sessions:' },
  'api-host': { type: 'string', default: D.apiHost, description: 'Interface of the local API', group: 'API:' },
  'api-port': { type: 'number', default: D.apiPort, description: 'Port of the local API (0: any free one)', group: 'API:' },
  metrics: { type: 'boolean', default: D.metrics, description: 'Serve Prometheus metrics', group: 'Metrics:' },
  'metrics-host': { type: 'string', default: D.metricsHost, description: 'Interface of the metrics endpoint', group: 'Metrics:' },
  'metrics-port': { type: 'number', default: D.metricsPort, description: 'Port of the metrics endpoint (0: any free one)', group: 'Metrics:' },
  'log-level': { type: 'string', default: D.logLevel, choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], description: 'Least severe log level shown', group: 'Logs:' },
  'log-format': { type: 'string', default: D.logFormat, choices: ['human', 'json'], description: 'Log lines for people, or JSON lines for collectors', group: 'Logs:' }
} satisfies Record<string, Options>
