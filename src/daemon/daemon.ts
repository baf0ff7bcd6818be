/**
 * The edge-node daemon as a library: a libp2p node with a persistent identity, the sessions it was
 * given, the updates trainers hand it (kept on disk until aggregated), a local HTTP API, Prometheus
 * metrics and structured logs. It knows nothing of the command line; `secagg node` builds its options.
 */
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { FsDatastore } from 'datastore-fs'
import { createSecAggNode, type SecAggServices } from '../node/create-node.js'
import { parseSessionConfig, type SessionConfig } from '../node/session-config.js'
import { ensureDataDir, loadOrCreateIdentity, loadOrCreateToken, lockDataDir, PEER_STORE_DIR, removeRuntimeInfo, sessionRecordStore, UPDATES_DIR, writeRuntimeInfo } from './data-dir.js'
import { DaemonInputError } from './errors.js'
import { createApi, type Readiness, type Submitted } from './http-api.js'
import { createMetrics, observeWorker, type DaemonMetrics } from './metrics.js'
import { SessionWorker } from './session-worker.js'
import { UpdateStore } from './update-store.js'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Libp2p } from 'libp2p'
import type { FetchedResult } from '../node/service.js'
import type { RoundDropout, RoundProgress } from '../node/session-runner.js'
import type { Logger } from './logger.js'
import { daemonComponentLogger } from './libp2p-logger.js'
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
  /** Gives the data directory back; set once this daemon holds it. */
  private unlock: (() => Promise<void>) | undefined
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
    this.unlock = await lockDataDir(options.dataDir)
    const privateKey = await loadOrCreateIdentity(options.dataDir)
    const token = await loadOrCreateToken(options.dataDir)
    const configs = await Promise.all(options.sessions.map(loadSessionFile))
    // The peer store on disk: a node back from a restart, perhaps on another port, redials the members
    // it kept links to (the service tags them keep-alive there), who could not know where to find it.
    this.datastore = new FsDatastore(join(options.dataDir, PEER_STORE_DIR))
    await this.datastore.open()
    this.node = await createSecAggNode({
      privateKey,
      logger: daemonComponentLogger(this.log),
      datastore: this.datastore,
      listen: options.listen,
      bootstrap: options.bootstrap,
      mdns: options.mdns,
      webrtc: options.webrtc,
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
      readiness: () => this.readiness(),
      workers: () => [...this.workers.values()],
      submit: async (worker, values, weight, key) => this.submit(worker, values, weight, key),
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
   * Members of a session this node has a connection to now: of an open session, any peer. The member
   * list is the session's config, so this counts no stranger.
   */
  membersReachable (worker: SessionWorker): number {
    const connected = new Set(this.node?.getConnections().map(c => c.remotePeer.toString()) ?? [])
    const { members } = worker.session.config
    if (members === 'open') return connected.size
    return members.filter(m => m !== this.peerId && connected.has(m)).length
  }

  /** What GET /readyz reports: the identity loaded, listening, every session joined, a member of each reachable. */
  readiness (): Readiness {
    const workers = [...this.workers.values()]
    const unreachable = workers.filter(worker => this.membersReachable(worker) === 0).map(worker => worker.name)
    const checks = [
      { name: 'identity', ok: this.peerId !== '', detail: this.peerId !== '' ? this.peerId : 'not loaded yet' },
      { name: 'listening', ok: this.addresses().length > 0, detail: this.addresses().length > 0 ? `${this.addresses().length} addresses` : 'no listening address' },
      { name: 'sessions', ok: workers.length === this.options.sessions.length, detail: `${workers.length} of ${this.options.sessions.length} joined` },
      { name: 'members-reachable', ok: unreachable.length === 0, detail: unreachable.length === 0 ? 'a member of every session is connected' : `no member connected in: ${unreachable.join(', ')}` }
    ]
    return { ready: checks.every(c => c.ok), checks }
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
    await this.unlock?.()
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
    if (this.metrics !== undefined) observeWorker(this.metrics, worker, { membersReachable: () => this.membersReachable(worker) })
    const session = worker.name
    worker.on('update', status => { this.log.info({ session, update: status.id, state: status.state, round: status.round, error: status.error }, 'update') })
    worker.on('progress', p => { this.log.debug({ session, round: p.round, attempt: p.attempt, phase: p.phase, role: p.role, aggregator: p.aggregator }, 'phase') })
    worker.on('result', r => {
      this.log.info({ session, round: r.round, attempt: r.attempt, aggregator: r.aggregator, participants: r.participants.length, survivors: r.survivors.length }, 'round completed')
    })
    worker.on('failure', f => { this.log.warn({ session, round: f.round, reason: f.reason }, 'round failed') })
    this.log.info({ session, id: joined.id, dimension: config.dimension, members: config.members === 'open' ? 'open' : config.members.length }, 'joined session')
  }

  /**
   * Stores and queues an update. With an Idempotency-Key, a retry of a submit already taken (same key,
   * same values and weight) gets that update's status, never a second copy in the queue; the same key
   * with anything else is refused.
   */
  private async submit (worker: SessionWorker, values: Float32Array, weight: number | undefined, key: string | undefined): Promise<Submitted> {
    const idempotency = key === undefined ? undefined : { key, digest: digestOf(values, weight) }
    if (idempotency !== undefined) {
      const earlier = worker.submittedWith(idempotency.key)
      if (earlier !== undefined) {
        if (earlier.digest !== idempotency.digest) throw new DaemonInputError('idempotency-key-reused', `Idempotency-Key ${idempotency.key} was used for another update (other values or weight); use a fresh key for a new update`, 422)
        // an earlier store that failed freed the key: this one stores it afresh
        const id = await earlier.id.catch(() => undefined)
        const status = id === undefined ? undefined : worker.status(id)
        if (status !== undefined) return { status, replayed: true }
      }
    }
    worker.check(values, weight)
    const release = worker.reserve()
    const update = { id: this.store.newId(), session: worker.session.idHex, weight, acceptedAt: Date.now(), values, ...(idempotency !== undefined ? { idempotency } : {}) }
    const stored = this.store.put(update)
    if (idempotency !== undefined) worker.claim(idempotency, stored.then(() => update.id))
    try {
      await stored
      release()
      return { status: worker.enqueue(update), replayed: false }
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

/** What was submitted under an Idempotency-Key: the values' bytes and the weight. */
function digestOf (values: Float32Array, weight: number | undefined): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).update(`\n${weight ?? ''}`).digest('hex')
}

function urlOf (address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}
