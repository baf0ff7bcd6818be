/**
 * The local API of a real daemon (a libp2p node on loopback TCP, a real HTTP server) against bad
 * input: each gets its status code and a JSON error naming the problem, and the daemon keeps running
 * and keeps what it accepted.
 */
import { Writable } from 'node:stream'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { SecAggDaemon } from '../../src/daemon/daemon.js'
import { createIdentity, ensureDataDir, KEY_FILE } from '../../src/daemon/data-dir.js'
import { createLogger } from '../../src/daemon/logger.js'
import { toNpy } from '../../src/daemon/npy.js'
import { DEFAULT_DAEMON_OPTIONS } from '../../src/daemon/options.js'
import { defineSession } from '../../src/node/session-config.js'
import { simulatedPeers } from '../../src/simulation/peers.js'
import openapi from '../../src/daemon/openapi.json' with { type: 'json' }

const DIMENSION = 8
let root: string
let daemon: SecAggDaemon
let token: string
let logs = ''

async function api (path: string, init: RequestInit & { auth?: string | null } = {}): Promise<Response> {
  const { auth, ...rest } = init
  const headers: Record<string, string> = { ...rest.headers as Record<string, string> }
  if (auth !== null) headers.authorization = `Bearer ${auth ?? token}`
  return fetch(`${daemon.apiUrl}${path}`, { ...rest, headers })
}

async function post (body: Uint8Array, contentType = 'application/octet-stream', query = '', session = 'api-test'): Promise<Response> {
  return api(`/v1/sessions/${session}/updates${query}`, { method: 'POST', headers: { 'content-type': contentType }, body: body as Uint8Array<ArrayBuffer> })
}

function raw (values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer)
}

async function expectError (response: Response, status: number, code: string, message: RegExp): Promise<void> {
  const body = await response.json() as { statusCode: number, code: string, message: string }
  expect({ status: response.status, code: body.code }).toEqual({ status, code })
  expect(body.statusCode).toBe(status)
  expect(body.message).toMatch(message)
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'secagg-api-'))
  const sessionFile = join(root, 'session.json')
  // three members needed, one present (this daemon, its key made first to list it): accepted updates
  // wait in the queue for the whole test
  await ensureDataDir(join(root, 'data'))
  const self = peerIdFromPrivateKey(await createIdentity(join(root, 'data', KEY_FILE))).toString()
  const absent = (await simulatedPeers(2, 'api-test')).map(peer => peer.identity.id)
  await writeFile(sessionFile, JSON.stringify(defineSession({ name: 'api-test', dimension: DIMENSION, minParticipants: 3, encoding: { clip: 1, bits: 16, maxParticipants: 3, maxWeight: 10 }, members: [self, ...absent] })))
  const sink = new Writable({ write (chunk, _encoding, done) { logs += chunk.toString(); done() } })
  daemon = new SecAggDaemon({
    ...DEFAULT_DAEMON_OPTIONS,
    dataDir: join(root, 'data'),
    listen: ['/ip4/127.0.0.1/tcp/0'],
    mdns: false,
    sessions: [sessionFile],
    apiPort: 0,
    metricsPort: 0,
    maxQueuedUpdates: 2
  }, createLogger('debug', 'json', sink))
  await daemon.start()
  token = (await readFile(join(root, 'data', 'api-token'), 'utf8')).trim()
})

afterAll(async () => {
  await daemon.stop()
  await rm(root, { recursive: true, force: true })
})

describe('the local API', () => {
  it('refuses requests without the bearer token, or with a wrong one', async () => {
    await expectError(await api('/v1/node', { auth: null }), 401, 'unauthorized', /missing bearer token.*api-token/)
    await expectError(await api('/v1/node', { auth: 'x'.repeat(43) }), 401, 'unauthorized', /wrong bearer token/)
    await expectError(await api('/v1/sessions', { auth: '' }), 401, 'unauthorized', /bearer token/)
    await expectError(await api('/v1/version', { auth: null }), 401, 'unauthorized', /missing bearer token/)
    expect((await api('/v1/node')).status).toBe(200)
  })

  it('answers the probes without a token: live, and not ready while no other member is connected, saying which check fails', async () => {
    const live = await api('/livez', { auth: null })
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'live' } })
    const ready = await api('/readyz', { auth: null })
    expect(ready.status).toBe(503)
    const body = await ready.json() as { status: string, checks: Array<{ name: string, ok: boolean, detail: string }> }
    expect(body.status).toBe('not-ready')
    expect(body.checks.map(c => [c.name, c.ok])).toEqual([['identity', true], ['listening', true], ['sessions', true], ['members-reachable', false]])
    expect(body.checks[3].detail).toBe('no member connected in: api-test')
  })

  it('tells its version and the Node.js running it', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(await (await api('/v1/version')).json()).toEqual({ version: pkg.version, node: process.versions.node })
  })

  it('names a wrong vector length, NaN and infinity, and a weight out of range', async () => {
    await expectError(await post(raw([1, 2, 3])), 400, 'bad-update', /8 float32 values \(32 bytes\), got 12 bytes/)
    const withNaN = new Array(DIMENSION).fill(0.1)
    withNaN[5] = NaN
    await expectError(await post(raw(withNaN)), 400, 'bad-update', /value 5 is not a finite number/)
    const withInfinity = new Array(DIMENSION).fill(0.1)
    withInfinity[2] = -Infinity
    await expectError(await post(raw(withInfinity)), 400, 'bad-update', /value 2 is not a finite number/)
    await expectError(await post(raw(new Array(DIMENSION).fill(0)), 'application/octet-stream', '?weight=11'), 400, 'bad-update', /weight must be a number in \[0, 10\], got 11/)
    await expectError(await post(raw(new Array(DIMENSION).fill(0)), 'application/octet-stream', '?weight=-1'), 400, 'bad-request', /weight/)
    await expectError(await post(raw(new Array(DIMENSION).fill(0)), 'application/octet-stream', '?weight=lots'), 400, 'bad-request', /weight/)
    await expectError(await post(raw(new Array(DIMENSION).fill(0)), 'application/octet-stream', '?wieght=3'), 400, 'bad-request', /must NOT have additional properties/)
  })

  it('names an unknown session, a wrong content type, an oversized body and a broken .npy file', async () => {
    await expectError(await post(raw(new Array(DIMENSION).fill(0)), 'application/octet-stream', '', 'no-such-session'), 404, 'unknown-session', /no-such-session.*it has: api-test/)
    await expectError(await post(new TextEncoder().encode('[1,2,3]'), 'application/json'), 415, 'bad-content-type', /content type application\/json is not an update/)
    await expectError(await post(new TextEncoder().encode('1 2 3'), 'text/plain'), 415, 'bad-content-type', /content type text\/plain is not an update/)
    await expectError(await post(new Uint8Array(1024 * 1024)), 413, 'body-too-large', /larger than the 16448 bytes this daemon takes/)
    await expectError(await post(new TextEncoder().encode('not numpy at all'), 'application/x-npy'), 400, 'bad-npy', /\\x93NUMPY/)
    await expectError(await post(toNpy(new Float32Array(DIMENSION + 1)), 'application/x-npy'), 400, 'bad-update', /9 values, the session expects 8/)
  })

  it('names an unknown update, a bad round, a wait too long and an unknown route', async () => {
    await expectError(await api('/v1/updates/nope'), 404, 'unknown-update', /no update nope/)
    await expectError(await api('/v1/sessions/api-test/rounds/zero'), 400, 'bad-round', /positive integer or 'latest'/)
    await expectError(await api('/v1/sessions/api-test/rounds/1'), 404, 'no-result', /round 1 of session api-test has no result yet/)
    await expectError(await api('/v1/updates/nope?wait=301'), 400, 'bad-request', /wait/)
    await expectError(await api('/v2/anything'), 404, 'not-found', /no route GET \/v2\/anything/)
  })

  it('answers 404 no-privacy for the privacy report of a session without encoding.privacy, and lists no privacy for it', async () => {
    await expectError(await api('/v1/sessions/api-test/privacy'), 404, 'no-privacy', /session api-test adds no differential-privacy noise \(its config has no encoding\.privacy\)/)
    await expectError(await api('/v1/sessions/no-such-session/privacy'), 404, 'unknown-session', /no-such-session/)
    const { sessions } = await (await api('/v1/sessions')).json() as { sessions: Array<Record<string, unknown>> }
    expect(sessions[0]).not.toHaveProperty('privacy')
  })

  it('stores an accepted update on disk before answering, queues it, and refuses more than the queue holds', async () => {
    const response = await post(toNpy(Float32Array.from({ length: DIMENSION }, (_, i) => i / 10)), 'application/x-npy', '?weight=2')
    expect(response.status).toBe(202)
    const accepted = await response.json() as { id: string, state: string, session: string }
    expect(['queued', 'in-round']).toContain(accepted.state)
    const files = await readdir(join(root, 'data', 'updates'))
    expect(files).toEqual(expect.arrayContaining([`${accepted.id}.json`, `${accepted.id}.f32`]))
    const stored = new Float32Array(new Uint8Array(await readFile(join(root, 'data', 'updates', `${accepted.id}.f32`))).buffer)
    expect(Array.from(stored)).toEqual(Array.from(Float32Array.from({ length: DIMENSION }, (_, i) => i / 10)))
    const status = await (await api(`/v1/updates/${accepted.id}`)).json() as { id: string }
    expect(status.id).toBe(accepted.id)
    const keyed = { 'idempotency-key': 'c0ffee-1' }
    const first = await api('/v1/sessions/api-test/updates', { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...keyed }, body: raw(new Array(DIMENSION).fill(0.5)) as Uint8Array<ArrayBuffer> })
    expect(first.status).toBe(202)
    const firstId = (await first.json() as { id: string }).id
    // the queue holds two
    await expectError(await post(raw(new Array(DIMENSION).fill(0))), 429, 'queue-full', /already holds 2 updates/)
    // a retry of a submit whose answer was lost: that update's status, not a second copy (nor queue-full)
    const retried = await api('/v1/sessions/api-test/updates', { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...keyed }, body: raw(new Array(DIMENSION).fill(0.5)) as Uint8Array<ArrayBuffer> })
    expect(retried.status).toBe(200)
    expect((await retried.json() as { id: string }).id).toBe(firstId)
    const clash = await api('/v1/sessions/api-test/updates', { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...keyed }, body: raw(new Array(DIMENSION).fill(0.25)) as Uint8Array<ArrayBuffer> })
    await expectError(clash, 422, 'idempotency-key-reused', /Idempotency-Key c0ffee-1 was used for another update/)
    const badKey = await api('/v1/sessions/api-test/updates', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'idempotency-key': 'has space' }, body: raw(new Array(DIMENSION).fill(0.5)) as Uint8Array<ArrayBuffer> })
    await expectError(badKey, 400, 'bad-idempotency-key', /printable ASCII characters without spaces/)
    expect((await readdir(join(root, 'data', 'updates'))).filter(f => f.endsWith('.json'))).toHaveLength(2)
    const sessions = await (await api('/v1/sessions')).json() as { sessions: Array<{ name: string, queued: number, nextRound: number }> }
    expect(sessions.sessions).toMatchObject([{ name: 'api-test', queued: 2, nextRound: 1 }])
  })

  it('answers a long poll when its wait runs out, with the update still waiting', async () => {
    const { sessions } = await (await api('/v1/sessions')).json() as { sessions: Array<{ current?: { update: string } }> }
    const started = Date.now()
    const status = await (await api(`/v1/updates/${sessions[0].current!.update}?wait=0.5`)).json() as { state: string }
    expect(Date.now() - started).toBeGreaterThanOrEqual(450)
    expect(['in-round', 'retrying']).toContain(status.state)
  })

  it('streams a session\'s state and changes as server-sent events', async () => {
    const controller = new AbortController()
    const response = await api('/v1/sessions/api-test/events', { signal: controller.signal })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.getReader()
    const { value } = await reader.read()
    const text = new TextDecoder().decode(value)
    expect(text).toMatch(/^event: state\ndata: \{"nextRound":1,"queued":2/)
    controller.abort()
  })

  it('gives each event an id, and sends a client that reconnects with Last-Event-ID what it missed', async () => {
    const events = async (lastEventId: string): Promise<Array<{ id?: string, event: string, data: any }>> => {
      const controller = new AbortController()
      const response = await api('/v1/sessions/api-test/events', { signal: controller.signal, headers: { 'last-event-id': lastEventId } })
      const reader = response.body!.getReader()
      let text = ''
      // the replay, then the state now, which ends what was missed
      while (!text.includes('event: state')) text += new TextDecoder().decode((await reader.read()).value)
      controller.abort()
      return text.split('\n\n').filter(block => block.includes('event: ')).map(block => {
        const field = (name: string): string | undefined => block.split('\n').find(line => line.startsWith(`${name}: `))?.slice(name.length + 2)
        return { ...(field('id') !== undefined ? { id: field('id') } : {}), event: field('event')!, data: JSON.parse(field('data')!) }
      })
    }
    // of an earlier run of the daemon: everything held since this one started
    const all = await events('0-0')
    expect(all.at(-1)).toMatchObject({ event: 'state' })
    expect(all.at(-1)).not.toHaveProperty('id')
    const missed = all.slice(0, -1)
    // the two updates accepted above, each queued
    expect(missed.filter(e => e.event === 'update' && e.data.state === 'queued')).toHaveLength(2)
    expect(missed.every(e => /^[0-9a-f]{8}-\d+$/.test(e.id ?? ''))).toBe(true)
    // from the first one on: all but it
    expect((await events(missed[0].id!)).slice(0, -1)).toEqual(missed.slice(1))
    expect(await events(missed.at(-1)!.id!)).toHaveLength(1)
  })

  it('keeps running after all of that, secrets out of its logs', async () => {
    const node = await (await api('/v1/node')).json() as { peerId: string }
    expect(node.peerId).toBe(daemon.peerId)
    expect(logs).toContain('"api request"')
    expect(logs).not.toContain(token)
  })

  it('serves its OpenAPI 3.1 document, and routes every operation the document describes', async () => {
    const served = await (await api('/openapi.json')).json() as typeof openapi
    expect(served).toEqual(openapi)
    expect(served.openapi).toBe('3.1.0')
    for (const [path, item] of Object.entries(served.paths)) {
      for (const method of Object.keys(item).filter(key => ['get', 'post', 'put', 'delete'].includes(key))) {
        const concrete = path.replace('{session}', 'api-test').replace('{update}', 'nope').replace('{round}', '1')
        const response = await api(concrete, { method: method.toUpperCase(), ...(method === 'post' ? { headers: { 'content-type': 'text/plain' }, body: 'x' } : {}) })
        const json = response.headers.get('content-type')?.startsWith('application/json') === true
        if (!json) await response.body?.cancel()
        const body = json ? await response.json() as { code?: string } : {}
        expect({ path, method, code: body.code }).not.toEqual({ path, method, code: 'not-found' })
      }
    }
  })
})
