/**
 * libp2p-secagg/daemon: the edge-node daemon that `secagg node` runs, as a library: a node with a
 * persistent identity, a local HTTP API, update storage, metrics and logs.
 */
export { SecAggDaemon, loadSessionFile } from '../daemon/daemon.js'
export { DEFAULT_DAEMON_OPTIONS, DEFAULT_API_PORT, DEFAULT_METRICS_PORT, DEFAULT_P2P_PORT, type DaemonOptions, type LogFormat, type LogLevel } from '../daemon/options.js'
export { createLogger, type Logger } from '../daemon/logger.js'
export { DaemonInputError } from '../daemon/errors.js'
export { readRuntimeInfo, readToken, type RuntimeInfo } from '../daemon/data-dir.js'
export type { Readiness, RoundVerification } from '../daemon/http-api.js'
export type { FailureCode, RoundRecord, UpdateState, UpdateStatus } from '../daemon/session-worker.js'
export { VERSION, buildInfo, type BuildInfo } from '../version.js'
