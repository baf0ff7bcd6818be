/** Runs the daemon until a signal (see signals.ts). */
import { SecAggDaemon } from '../../../daemon/daemon.js'
import { createLogger } from '../../../daemon/logger.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'
import { exitOnSignals } from './signals.js'
import type { DaemonOptions, LogFormat, LogLevel } from '../../../daemon/options.js'

export interface NodeArgs {
  dataDir: string
  listen: string[]
  bootstrap: string[]
  mdns: boolean
  webrtc: boolean
  relay: boolean
  session: string[]
  retryFailedRounds: boolean
  retryDelay: number
  maxQueuedUpdates: number
  keepResults: number
  shutdownTimeout: number
  apiHost: string
  apiPort: number
  metrics: boolean
  metricsHost: string
  metricsPort: number
  logLevel: string
  logFormat: string
}

export function daemonOptions (args: NodeArgs): DaemonOptions {
  const count = (name: string, value: number, min: number): number => {
    if (!Number.isInteger(value) || value < min) throw new CliError(`--${name} must be an integer of at least ${min}, got ${value}`, EXIT_BAD_INPUT)
    return value
  }
  const port = (name: string, value: number): number => {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new CliError(`--${name} must be a port number (0 to 65535), got ${value}`, EXIT_BAD_INPUT)
    return value
  }
  return {
    dataDir: args.dataDir,
    listen: args.listen,
    bootstrap: args.bootstrap,
    mdns: args.mdns,
    webrtc: args.webrtc,
    relay: args.relay,
    sessions: args.session,
    retryFailedRounds: args.retryFailedRounds,
    retryDelay: count('retry-delay', args.retryDelay, 0),
    maxQueuedUpdates: count('max-queued-updates', args.maxQueuedUpdates, 1),
    keepResults: count('keep-results', args.keepResults, 1),
    shutdownTimeout: count('shutdown-timeout', args.shutdownTimeout, 0),
    apiHost: args.apiHost,
    apiPort: port('api-port', args.apiPort),
    metrics: args.metrics,
    metricsHost: args.metricsHost,
    metricsPort: port('metrics-port', args.metricsPort),
    logLevel: args.logLevel as LogLevel,
    logFormat: args.logFormat as LogFormat
  }
}

export async function nodeHandler (args: NodeArgs): Promise<void> {
  const options = daemonOptions(args)
  const log = createLogger(options.logLevel, options.logFormat)
  const daemon = new SecAggDaemon(options, log)
  exitOnSignals(async () => daemon.stop(), log)
  try {
    await daemon.start()
  } catch (err) {
    await daemon.stop().catch(() => {})
    throw err
  }
}
