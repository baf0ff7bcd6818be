/**
 * The local HTTP API a trainer talks to (described in openapi.json, served at /openapi.json): submit an
 * update, wait for its round, fetch results, check a round's sum from its transcript (or take the
 * transcript away to check it elsewhere), follow a session's rounds as server-sent events. Every
 * request carries the bearer token from the data directory, but the probes /livez and /readyz, which
 * say nothing about the sessions' data; every error is a JSON body `{ statusCode, code, message }`
 * naming what was wrong.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import openapi from './openapi.json' with { type: 'json' }
import { DaemonInputError } from './errors.js'
import { EventLog } from './event-log.js'
import { parseNpy } from './npy.js'
import { buildInfo } from '../version.js'
import { nodeCryptoSuite } from '../protocol/crypto/suite-node.js'
import type { AuditVerdict } from '../protocol/verification/audit.js'
import { auditSessionTranscript } from '../protocol/session/result-verification.js'
import type { Session } from '../node/session-config.js'
import type { DaemonMetrics } from './metrics.js'
import type { Logger } from './logger.js'
import type { RoundRecord, SessionWorker, UpdateStatus } from './session-worker.js'

/** What the API needs of the daemon. */
export interface ApiBackend {
  peerId: string
  addresses: () => string[]
  connections: () => number
  workers: () => SessionWorker[]
  /** Stores and queues an update, or finds the one first submitted with this Idempotency-Key; resolves once it is on disk. */
  submit: (worker: SessionWorker, values: Float32Array, weight: number | undefined, idempotencyKey: string | undefined) => Promise<Submitted>
  /** Whether the node can take part in rounds now, and if not, what is missing. */
  readiness: () => Readiness
  /** The status of an update in any session. */
  update: (id: string) => { worker: SessionWorker, status: UpdateStatus } | undefined
}

export interface Submitted {
  status: UpdateStatus
  /** A retry of a submit already taken: the status is that update's. */
  replayed: boolean
}

/** GET /readyz's answer: every check must hold for the node to be ready. */
export interface Readiness {
  ready: boolean
  checks: Array<{ name: string, ok: boolean, detail: string }>
}

export interface ApiOptions {
  token: string
  log: Logger
  metrics?: DaemonMetrics
}

// Long polls end after this long at most, so that proxies and clients with their own timeouts cope.
const MAX_WAIT_SECONDS = 300
// A .npy header takes at most 10 KiB more than the values; float64 doubles the values.
const NPY_SLACK = 16 * 1024
// Probes that systemd, Kubernetes or a container runtime call without credentials
const PUBLIC_ROUTES = new Set(['/livez', '/readyz'])
// Printable ASCII without spaces, as a UUID or any client's own key is
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/

/**
 * A round's audit, as GET /v1/sessions/{session}/rounds/{round}/verification answers it and `secagg
 * verify` prints it. The daemon always knows the round, attempt, aggregator and survivors (from the
 * round it holds); a transcript checked offline that is too broken to name them leaves them out.
 */
export interface RoundVerification {
  round?: number
  attempt?: number
  aggregator?: string
  verdict: AuditVerdict['verdict']
  /** Why the transcript is not a proof of the sum: what it shows wrong (forged), or what it lacks (unverifiable). */
  reason?: string
  /** How many survivors' inputs the sum is of. */
  survivors?: number
  transcriptBytes: number
  /** Milliseconds the audit took. */
  auditMs: number
}

/** A verdict as a RoundVerification; `known` fills in what the verdict itself does not name. */
export function verificationOf (verdict: AuditVerdict, transcriptBytes: number, auditMs: number, known?: { round: number, attempt: number, aggregator: string, survivors: number }): RoundVerification {
  const named = verdict.verdict === 'unverifiable' ? known : { ...known, round: verdict.round, attempt: verdict.attempt, aggregator: verdict.aggregator }
  return {
    ...(named?.round !== undefined ? { round: named.round } : {}),
    ...(named?.attempt !== undefined ? { attempt: named.attempt } : {}),
    ...(named?.aggregator !== undefined ? { aggregator: named.aggregator } : {}),
    verdict: verdict.verdict,
    ...(verdict.verdict !== 'verified' ? { reason: verdict.reason } : {}),
    ...(verdict.verdict === 'verified' ? { survivors: verdict.survivors.length } : known !== undefined ? { survivors: known.survivors } : {}),
    transcriptBytes,
    auditMs: Math.round(auditMs * 10) / 10
  }
}

interface RoundRequest { Params: { session: string, round: string }, Querystring: { wait?: number } }

const waitQuery = { type: 'object', additionalProperties: false, properties: { wait: { type: 'number', minimum: 0, maximum: MAX_WAIT_SECONDS } } } as const

export async function createApi (backend: ApiBackend, options: ApiOptions): Promise<FastifyInstance> {
  const maxDimension = Math.max(1, ...backend.workers().map(worker => worker.session.config.dimension))
  const bodyLimit = maxDimension * 8 + NPY_SLACK
  // removeAdditional off: a misspelt parameter (?wieght=) is refused, not silently dropped
  const app = fastify({ logger: false, bodyLimit, ajv: { customOptions: { removeAdditional: false } }, return503OnClosing: true, forceCloseConnections: 'idle' })
  const expected = digest(options.token)

  // Long polls and event streams do not end on their own: closing the API ends them, or it would wait
  // for them (a long poll answers with what it has, as when its wait runs out).
  const closing = new AbortController()
  const streams = new Map<FastifyReply, () => void>()
  app.addHook('preClose', async () => {
    closing.abort()
    for (const [reply, close] of streams) {
      close()
      reply.raw.end()
    }
  })

  // A round's audit is CPU work on the event loop every session shares (up to about a second at
  // d = 10^6, as for the audit each participant runs of its own round's result): audits run one at a
  // time, each after the I/O already waiting, and once per round held, however often it is asked for.
  const audits = new WeakMap<RoundRecord, Promise<{ verdict: AuditVerdict, ms: number }>>()
  let auditing: Promise<unknown> = Promise.resolve()
  const audit = async (record: RoundRecord, session: Session): Promise<{ verdict: AuditVerdict, ms: number }> => {
    let done = audits.get(record)
    if (done === undefined) {
      done = auditing.then(async () => {
        await new Promise(resolve => setImmediate(resolve))
        const started = performance.now()
        const verdict = await auditSessionTranscript(session, nodeCryptoSuite, record.transcript).catch((err: Error): AuditVerdict => ({ verdict: 'unverifiable', reason: err.message }))
        return { verdict, ms: performance.now() - started }
      })
      auditing = done
      audits.set(record, done)
    }
    return done
  }

  app.addContentTypeParser(['application/octet-stream', 'application/x-npy'], { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })

  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return
    const header = request.headers.authorization
    const token = header?.startsWith('Bearer ') === true ? header.slice(7).trim() : undefined
    if (token === undefined || !timingSafeEqual(digest(token), expected)) {
      await reply.code(401).header('www-authenticate', 'Bearer').send(errorBody(401, 'unauthorized', token === undefined
        ? 'missing bearer token: send "Authorization: Bearer <token>", the token is in the data directory\'s api-token file'
        : 'wrong bearer token'))
    }
  })
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown'
    options.metrics?.apiRequestsTotal.inc({ route, status: String(reply.statusCode) })
    options.log.debug({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'api request')
  })

  app.setErrorHandler(async (err: any, request, reply) => {
    if (err instanceof DaemonInputError) return reply.code(err.statusCode).send(errorBody(err.statusCode, err.code, err.message))
    // fastify's own refusals of a body, in this API's words
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send(errorBody(415, 'bad-content-type', contentTypeMessage(request)))
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send(errorBody(413, 'body-too-large', `the body is larger than the ${bodyLimit} bytes this daemon takes (the largest session's update as a float64 .npy file)`))
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
    if (status >= 500) options.log.error({ route: request.routeOptions.url, err: err.message }, 'api request failed')
    const code = err.validation !== undefined ? 'bad-request' : typeof err.code === 'string' ? err.code : 'internal'
    return reply.code(status).send(errorBody(status, code, status >= 500 && err.statusCode === undefined ? 'internal error' : err.message))
  })
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send(errorBody(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}; see /openapi.json`)))

  // Live: this process answers, its event loop turning. Restarting it is the cure for anything less.
  app.get('/livez', async () => ({ status: 'live' }))

  // Ready: it can take part in rounds now. Not ready is for a while after start, or while cut off.
  app.get('/readyz', async (_request, reply) => {
    const readiness = backend.readiness()
    return reply.code(readiness.ready ? 200 : 503).send({ status: readiness.ready ? 'ready' : 'not-ready', checks: readiness.checks })
  })

  app.get('/v1/version', async () => buildInfo())

  app.get('/openapi.json', async () => openapi)

  app.get('/v1/node', async () => ({
    peerId: backend.peerId,
    addresses: backend.addresses(),
    connections: backend.connections(),
    sessions: backend.workers().map(summary)
  }))

  app.get('/v1/sessions', async () => ({ sessions: backend.workers().map(summary) }))

  app.get<{ Params: { session: string } }>('/v1/sessions/:session', async (request) => {
    const worker = find(backend, request.params.session)
    return { ...summary(worker), config: worker.session.config }
  })

  app.post<{ Params: { session: string }, Querystring: { weight?: number } }>('/v1/sessions/:session/updates', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { weight: { type: 'number', minimum: 0 } } } }
  }, async (request, reply) => {
    const worker = find(backend, request.params.session)
    const key = request.headers['idempotency-key']
    if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
      throw new DaemonInputError('bad-idempotency-key', 'the Idempotency-Key header must be one value of 1 to 200 printable ASCII characters without spaces, such as a UUID')
    }
    const values = updateFrom(request, worker.session.config.dimension)
    const { status, replayed } = await backend.submit(worker, values, request.query.weight, key)
    return reply.code(replayed ? 200 : 202).send(status)
  })

  app.get<{ Params: { update: string }, Querystring: { wait?: number } }>('/v1/updates/:update', { schema: { querystring: waitQuery } }, async (request, reply) => {
    const found = backend.update(request.params.update)
    if (found === undefined) throw new DaemonInputError('unknown-update', `no update ${request.params.update} (ids come from POST /v1/sessions/{session}/updates; finished ones are kept for a while only)`, 404)
    const settled = (status: UpdateStatus): boolean => status.state === 'aggregated' || status.state === 'failed'
    if (!settled(found.status) && (request.query.wait ?? 0) > 0) {
      await waitFor(found.worker, 'update', (status: UpdateStatus) => status.id === found.status.id && settled(status), request.query.wait!, reply, closing.signal)
    }
    return found.worker.status(found.status.id)
  })

  app.get<{ Params: { session: string } }>('/v1/sessions/:session/rounds', async (request) => {
    const worker = find(backend, request.params.session)
    worker.result('latest')
    return { nextRound: worker.nextRound, ...worker.state(), rounds: worker.rounds().map(roundSummary) }
  })

  /** A round's record, waited for up to ?wait seconds when it is still to come. */
  async function roundRecord (request: FastifyRequest<RoundRequest>, reply: FastifyReply): Promise<RoundRecord> {
    const worker = find(backend, request.params.session)
    const round = request.params.round === 'latest' ? 'latest' : Number(request.params.round)
    if (round !== 'latest' && !(Number.isInteger(round) && round >= 1)) throw new DaemonInputError('bad-round', `round must be a positive integer or 'latest', got '${request.params.round}'`)
    let record = worker.result(round)
    if (record === undefined && (request.query.wait ?? 0) > 0 && (round === 'latest' || round >= worker.nextRound)) {
      record = await waitFor(worker, 'result', (r: RoundRecord) => round === 'latest' || r.round === round, request.query.wait!, reply, closing.signal)
    }
    if (record === undefined) {
      const why = round !== 'latest' && round < worker.nextRound ? 'is no longer held here' : 'has no result yet'
      throw new DaemonInputError('no-result', `round ${request.params.round} of session ${worker.name} ${why}`, 404)
    }
    return record
  }

  app.get<RoundRequest>('/v1/sessions/:session/rounds/:round', { schema: { querystring: waitQuery } }, async (request, reply) => {
    const record = await roundRecord(request, reply)
    if (request.headers.accept?.includes('application/octet-stream') === true) {
      const mean = new Float32Array(record.mean)
      reply.type('application/octet-stream')
        .header('x-secagg-round', String(record.round))
        .header('x-secagg-weight-sum', String(record.weightSum))
        .header('x-secagg-survivors', String(record.survivors.length))
        .header('x-secagg-participants', String(record.participants.length))
      if (record.update !== undefined) reply.header('x-secagg-update', record.update).header('x-secagg-clipped', String(record.clipped ?? 0))
      return reply.send(Buffer.from(mean.buffer, mean.byteOffset, mean.byteLength))
    }
    return { ...roundSummary(record), mean: Array.from(record.mean), sum: Array.from(record.sum) }
  })

  app.get<RoundRequest>('/v1/sessions/:session/rounds/:round/signed', { schema: { querystring: waitQuery } }, async (request, reply) => {
    const record = await roundRecord(request, reply)
    return reply.type('application/octet-stream').header('x-secagg-round', String(record.round))
      .send(Buffer.from(record.signedResult.buffer, record.signedResult.byteOffset, record.signedResult.byteLength))
  })

  app.get<RoundRequest>('/v1/sessions/:session/rounds/:round/verification', { schema: { querystring: waitQuery } }, async (request, reply) => {
    const worker = find(backend, request.params.session)
    const record = await roundRecord(request, reply)
    if (record.transcript.length === 0) throw new DaemonInputError('no-transcript', `this node holds no transcript of round ${record.round} of session ${worker.name}`, 404)
    if (request.headers.accept?.includes('application/octet-stream') === true) {
      return reply.type('application/octet-stream').header('x-secagg-round', String(record.round))
        .send(Buffer.from(record.transcript.buffer, record.transcript.byteOffset, record.transcript.byteLength))
    }
    const { verdict, ms } = await audit(record, worker.session)
    return verificationOf(verdict, record.transcript.byteLength, ms, { round: record.round, attempt: record.attempt, aggregator: record.aggregator, survivors: record.survivors.length })
  })

  app.get<{ Params: { session: string } }>('/v1/sessions/:session/privacy', async (request) => {
    const worker = find(backend, request.params.session)
    const report = worker.privacy()
    if (report === undefined) throw new DaemonInputError('no-privacy', `session ${worker.name} adds no differential-privacy noise (its config has no encoding.privacy), so it keeps no privacy budget`, 404)
    return report
  })

  // Each session's recent events, logged from now on, for clients that reconnect with Last-Event-ID
  const logs = new Map<SessionWorker, EventLog>(backend.workers().map(worker => [worker, new EventLog(worker, roundSummary)]))

  app.get<{ Params: { session: string } }>('/v1/sessions/:session/events', async (request, reply) => {
    const worker = find(backend, request.params.session)
    const log = logs.get(worker)!
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    const send = (event: string, data: unknown, id?: string): void => {
      if (!reply.raw.writableEnded) reply.raw.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
    const lastEventId = request.headers['last-event-id']
    for (const missed of log.since(typeof lastEventId === 'string' ? lastEventId : undefined)) send(missed.event, missed.data, missed.id)
    const unfollow = log.follow(({ event, data, id }) => { send(event, data, id) })
    // a comment line now and then keeps idle connections open through proxies
    const keepAlive = setInterval(() => { if (!reply.raw.writableEnded) reply.raw.write(': keep-alive\n\n') }, 15_000)
    // the state as it is now: no id, it is not an event to replay
    send('state', { nextRound: worker.nextRound, ...worker.state() })
    const close = (): void => {
      clearInterval(keepAlive)
      unfollow()
    }
    reply.raw.once('close', close)
    streams.set(reply, close)
    reply.raw.once('close', () => streams.delete(reply))
  })

  return app
}

function digest (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}

function errorBody (statusCode: number, code: string, message: string): { statusCode: number, code: string, message: string } {
  return { statusCode, code, message }
}

/** A session by its hex id or its name. */
function find (backend: ApiBackend, key: string): SessionWorker {
  const workers = backend.workers()
  const byId = workers.find(worker => worker.session.idHex === key)
  if (byId !== undefined) return byId
  const byName = workers.filter(worker => worker.name === key)
  if (byName.length === 1) return byName[0]
  if (byName.length > 1) throw new DaemonInputError('ambiguous-session', `${byName.length} sessions are named '${key}'; use the session id`, 409)
  throw new DaemonInputError('unknown-session', `this node has not joined a session '${key}' (it has: ${workers.map(w => w.name).join(', ') || 'none'})`, 404)
}

/** The update in a request body: raw little-endian float32, or a .npy file. */
function updateFrom (request: FastifyRequest, dimension: number): Float32Array {
  const body = request.body
  const type = request.headers['content-type']?.split(';')[0].trim()
  if (!Buffer.isBuffer(body)) throw new DaemonInputError('bad-content-type', contentTypeMessage(request), 415)
  if (type === 'application/x-npy') return parseNpy(body)
  if (body.length !== dimension * 4) {
    throw new DaemonInputError('bad-update', `a raw update of this session is ${dimension} float32 values (${dimension * 4} bytes), got ${body.length} bytes`)
  }
  const values = new Float32Array(dimension)
  new Uint8Array(values.buffer).set(body)
  return values
}

function contentTypeMessage (request: FastifyRequest): string {
  const given = request.headers['content-type'] ?? 'none'
  return `content type ${given} is not an update: send application/octet-stream (raw little-endian float32) or application/x-npy`
}

function summary (worker: SessionWorker): object {
  const { config } = worker.session
  const privacy = worker.privacy()
  return {
    ...(privacy !== undefined ? { privacy: { epsilon: privacy.budget.epsilon, delta: privacy.budget.delta, epsilonSpent: privacy.epsilonSpent, roundsLeft: privacy.roundsLeft } } : {}),
    id: worker.session.idHex,
    name: worker.name,
    dimension: config.dimension,
    members: config.members === 'open' ? 'open' : config.members.length,
    nextRound: worker.nextRound,
    ...worker.state()
  }
}

function roundSummary (record: RoundRecord): object {
  return {
    round: record.round,
    attempt: record.attempt,
    aggregator: record.aggregator,
    participants: record.participants,
    survivors: record.survivors,
    weightSum: record.weightSum,
    completedAt: new Date(record.completedAt).toISOString(),
    ...(record.update !== undefined ? { update: record.update, clipped: record.clipped } : {}),
    ...(record.robust !== undefined ? { robust: record.robust } : {})
  }
}

/** The first event of this kind that matches, or undefined after `seconds` or when the client goes away. */
async function waitFor<T> (worker: SessionWorker, event: 'update' | 'result', match: (value: T) => boolean, seconds: number, reply: FastifyReply, closing: AbortSignal): Promise<T | undefined> {
  return new Promise(resolve => {
    if (closing.aborted) {
      resolve(undefined)
      return
    }
    const listener = (value: T): void => { if (match(value)) finish(value) }
    const finish = (value: T | undefined): void => {
      clearTimeout(timer)
      worker.off(event, listener as any)
      reply.raw.off('close', onClose)
      closing.removeEventListener('abort', onClose)
      resolve(value)
    }
    const onClose = (): void => { finish(undefined) }
    const timer = setTimeout(() => { finish(undefined) }, seconds * 1000)
    worker.on(event, listener as any)
    reply.raw.once('close', onClose)
    closing.addEventListener('abort', onClose, { once: true })
  })
}
