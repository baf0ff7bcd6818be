/**
 * The edge-node daemon as a library: a libp2p node with a persistent identity, the sessions it was
 * given, the updates trainers hand it (kept on disk until aggregated), a local HTTP API, Prometheus
 * metrics and structured logs. It knows nothing of the command line; `secagg node` builds its options.
 */
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { FsDatastore } from 'datastore-fs'
import { createSecAggNode, type SecAggServices } from '../node/create-node.js'
import { parseSessionConfig, type SessionConfig } from '../node/session-config.js'
import { ensureDataDir, loadOrCreateIdentity, loadOrCreateToken, PEER_STORE_DIR, readRuntimeInfo, removeRuntimeInfo, sessionRecordStore, UPDATES_DIR, writeRuntimeInfo } from './data-dir.js'
import { DaemonInputError } from './errors.js'
import { createApi } from './http-api.js'
import { createMetrics, observeWorker, type DaemonMetrics } from './metrics.js'
import { SessionWorker } from './session-worker.js'
import { UpdateStore } from './update-store.js'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Libp2p } from 'libp2p'
import type { FetchedResult } from '../node/service.js'
import type { RoundDropout, RoundProgress } from '../node/session-runner.js'
import type { Logger } from './logger.js'
import type { DaemonOptions } from './options.js'

export class SecAggDaemon {
  private node: Libp2p<SecAggServices> | undefined
  private api: FastifyInstance | undefined
  private metricsServer: Server | undefined
  private datastore: FsDatastore | undefined
  private readonly workers = new Map<string, SessionWorker>()
  private readonly metrics: DaemonMetrics | undefined
  private readonly store: UpdateStore
  private stopped: Promise<void> | undefined
  private wroteRuntimeInfo = false
  /** The local API's base URL, once started. */
  apiUrl = ''
  metricsUrl: string | undefined

  constructor (private readonly options: DaemonOptions, private readonly log: Logger) {
    this.metrics = options.metrics ? createMetrics() : undefined
    this.store = new UpdateStore(join(options.dataDir, UPDATES_DIR))
  }

  get peerId (): string {
    return this.node?.peerId.toString() ?? ''
  }

  /** Dialable addresses, each ending in /p2p/<PeerId>. */
  addresses (): string[] {
    return this.node?.getMultiaddrs().map(address => address.toString()) ?? []
  }

  /**
   * Starts in order: data directory and identity, session files (all checked before anything listens),
   * the network, the sessions and the updates stored on disk, then the API and the metrics.
   */
  async start (): Promise<void> {
    const { options, log } = this
    await ensureDataDir(options.dataDir)
    await refuseIfRunning(options.dataDir)
    const privateKey = await loadOrCreateIdentity(options.dataDir)
    const token = await loadOrCreateToken(options.dataDir)
    const configs = await Promise.all(options.sessions.map(loadSessionFile))
    // The peer store on disk: a node back from a restart, perhaps on another port, redials the members
    // it kept links to (the service tags them keep-alive there), who could not know where to find it.
    this.datastore = new FsDatastore(join(options.dataDir, PEER_STORE_DIR))
    await this.datastore.open()
    this.node = await createSecAggNode({
      privateKey,
      datastore: this.datastore,
      listen: options.listen,
      bootstrap: options.bootstrap,
      mdns: options.mdns,
      relay: options.relay,
      // Each session's record (its latest result, and the promises a pending update carries) on disk.
      secagg: { store: sessionRecordStore(options.dataDir) },
      ...(this.metrics !== undefined ? { metrics: prometheusMetrics({ registry: this.metrics.registry }) } : {})
    })
    this.node.services.secagg.addEventListener('progress', this.onProgress)
    this.node.services.secagg.addEventListener('dropout', this.onDropout)
    this.node.services.secagg.addEventListener('fetched-result', this.onFetchedResult)
    for (const config of configs) await this.join(config)
    await this.restoreUpdates()
    this.api = await createApi({
      peerId: this.peerId,
      addresses: () => this.addresses(),
      connections: () => this.node?.getConnections().length ?? 0,
      workers: () => [...this.workers.values()],
      submit: async (worker, values, weight) => this.submit(worker, values, weight),
      update: (id) => {
        for (const worker of this.workers.values()) {
          const status = worker.status(id)
          if (status !== undefined) return { worker, status }
        }
        return undefined
      }
    }, { token, log, ...(this.metrics !== undefined ? { metrics: this.metrics } : {}) })
    await this.api.listen({ host: options.apiHost, port: options.apiPort })
    this.apiUrl = urlOf(this.api.server.address() as AddressInfo)
    if (this.metrics !== undefined) this.metricsUrl = await this.serveMetrics(this.metrics)
    this.wroteRuntimeInfo = true
    await writeRuntimeInfo(options.dataDir, { pid: process.pid, peerId: this.peerId, api: this.apiUrl, ...(this.metricsUrl !== undefined ? { metrics: this.metricsUrl } : {}), addresses: this.addresses() })
    log.info({ peerId: this.peerId, addresses: this.addresses() }, 'node started')
    log.info({ api: this.apiUrl, metrics: this.metricsUrl ?? 'off', sessions: [...this.workers.values()].map(w => `${w.name} (${w.session.idHex.slice(0, 12)})`) }, 'listening for trainers')
  }

  /**
   * Stops in a fixed order: the API (no new updates), the sessions (a round in progress may finish
   * within shutdownTimeout, else its update stays on disk for the next start), the network, the
   * metrics, and last the runtime note in the data directory. Safe to call more than once.
   */
  async stop (): Promise<void> {
    this.stopped ??= this.shutdown()
    return this.stopped
  }

  private async shutdown (): Promise<void> {
    const { log } = this
    log.info('stopping: local API')
    await this.api?.close()
    log.info('stopping: sessions')
    await Promise.all([...this.workers.values()].map(async worker => worker.stop(this.options.shutdownTimeout)))
    log.info('stopping: network')
    this.node?.services.secagg.removeEventListener('progress', this.onProgress)
    this.node?.services.secagg.removeEventListener('dropout', this.onDropout)
    this.node?.services.secagg.removeEventListener('fetched-result', this.onFetchedResult)
    await this.node?.stop()
    await this.datastore?.close()
    if (this.metricsServer !== undefined) {
      log.info('stopping: metrics')
      await new Promise(resolve => this.metricsServer!.close(resolve))
    }
    // only this daemon's note: one refused for a data directory in use leaves the other's alone
    if (this.wroteRuntimeInfo) await removeRuntimeInfo(this.options.dataDir)
    log.info('stopped')
  }

  private async join (config: SessionConfig): Promise<void> {
    const joined = this.node!.services.secagg.join(config)
    if (this.workers.has(joined.id)) return
    const worker = new SessionWorker(joined, this.store, this.options)
    this.workers.set(joined.id, worker)
    await joined.ready
    const resumed = joined.latestResult()?.round
    if (resumed !== undefined) this.log.info({ session: worker.name, round: resumed }, 'resumed after the last result kept')
    if (this.metrics !== undefined) observeWorker(this.metrics, worker)
    const session = worker.name
    worker.on('update', status => { this.log.info({ session, update: status.id, state: status.state, round: status.round, error: status.error }, 'update') })
    worker.on('progress', p => { this.log.debug({ session, round: p.round, attempt: p.attempt, phase: p.phase, role: p.role, aggregator: p.aggregator }, 'phase') })
    worker.on('result', r => {
      this.log.info({ session, round: r.round, attempt: r.attempt, aggregator: r.aggregator, participants: r.participants.length, survivors: r.survivors.length }, 'round completed')
    })
    worker.on('failure', f => { this.log.warn({ session, round: f.round, reason: f.reason }, 'round failed') })
    this.log.info({ session, id: joined.id, dimension: config.dimension, members: config.members === 'open' ? 'open' : config.members.length }, 'joined session')
  }

  private async submit (worker: SessionWorker, values: Float32Array, weight: number | undefined) {
    worker.check(values, weight)
    const release = worker.reserve()
    try {
      const update = { id: this.store.newId(), session: worker.session.idHex, weight, acceptedAt: Date.now(), values }
      await this.store.put(update)
      release()
      return worker.enqueue(update)
    } finally {
      release()
    }
  }

  /** Requeues the updates a previous run accepted and did not see aggregated. */
  private async restoreUpdates (): Promise<void> {
    const { updates, rejected } = await this.store.load()
    for (const { file, reason } of rejected) this.log.error({ file, reason }, 'a stored update is unusable; it was renamed with .corrupt')
    for (const update of updates) {
      const worker = this.workers.get(update.session)
      if (worker === undefined) {
        this.log.warn({ update: update.id, session: update.session }, 'a stored update belongs to a session not loaded now; it stays on disk')
        continue
      }
      try {
        worker.check(update.values, update.weight, true)
      } catch (err: any) {
        this.log.error({ update: update.id, reason: err.message }, 'a stored update no longer fits its session; it stays on disk')
        continue
      }
      worker.enqueue(update)
      this.log.info({ session: worker.name, update: update.id }, 'restored an update accepted before the last stop')
    }
  }

  private async serveMetrics (metrics: DaemonMetrics): Promise<string> {
    this.metricsServer = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('metrics are at /metrics\n')
        return
      }
      metrics.registry.metrics().then(
        (text) => { response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text) },
        (err: Error) => { response.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`) }
      )
    })
    await new Promise<void>((resolve, reject) => {
      this.metricsServer!.once('error', reject)
      this.metricsServer!.listen(this.options.metricsPort, this.options.metricsHost, resolve)
    })
    return `${urlOf(this.metricsServer.address() as AddressInfo)}/metrics`
  }

  private readonly onProgress = (event: CustomEvent<RoundProgress>): void => {
    this.workers.get(event.detail.session)?.onProgress(event.detail)
  }

  private readonly onDropout = (event: CustomEvent<RoundDropout>): void => {
    this.workers.get(event.detail.session)?.emit('dropout', event.detail)
  }

  private readonly onFetchedResult = (event: CustomEvent<FetchedResult>): void => {
    this.workers.get(event.detail.session)?.onFetchedResult(event.detail.outcome)
  }
}

/**
 * Refuses a data directory whose daemon is still running: two daemons with one identity and one set of
 * stored updates would aggregate the same updates twice.
 */
async function refuseIfRunning (dataDir: string): Promise<void> {
  let pid: number
  try {
    pid = (await readRuntimeInfo(dataDir)).pid
  } catch {
    return
  }
  try {
    process.kill(pid, 0)
  } catch (err: any) {
    if (err.code === 'ESRCH') return // left behind by a daemon that crashed
  }
  if (pid !== process.pid) throw new DaemonInputError('data-dir-in-use', `another daemon (pid ${pid}) is running with data directory ${dataDir}`)
}

/** Reads and checks a session file; the error names the file and the field. */
export async function loadSessionFile (path: string): Promise<SessionConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    throw new DaemonInputError('bad-session-file', `cannot read session file ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err: any) {
    throw new DaemonInputError('bad-session-file', `session file ${path} is not JSON: ${err.message}`)
  }
  try {
    return parseSessionConfig(json)
  } catch (err: any) {
    throw new DaemonInputError('bad-session-file', `session file ${path}: ${err.message}`)
  }
}

function urlOf (address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
