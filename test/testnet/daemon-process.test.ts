/**
 * The launcher's handle on a `secagg node` process: a start it gives up on (the testnet stopping while
 * a daemon comes up) must not leave that daemon running, and its requests to the daemon's API never go
 * out on a kept-alive connection the daemon may be closing.
 */
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineSession } from '../../src/node/session-config.js'
import { simulatedPeers } from '../../src/simulation/peers.js'
import { requestAlone, startDaemon } from '../../src/testnet/daemon-process.js'

let root: string
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'secagg-start-')) })
afterEach(async () => { await rm(root, { recursive: true, force: true }) })

/** PIDs of processes whose command line names `dataDir`. */
function processesOf (dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

describe('starting a daemon', () => {
  it('kills the daemon when its start is given up on before its API is up', async () => {
    const session = join(root, 'session.json')
    const members = (await simulatedPeers(3, 'abandoned')).map(peer => peer.identity.id)
    await writeFile(session, JSON.stringify(defineSession({ name: 'abandoned', dimension: 4, minParticipants: 3, encoding: { clip: 1, bits: 16, maxParticipants: 3, maxWeight: 1 }, members })))
    const dataDir = join(root, 'peer')
    const controller = new AbortController()
    const starting = startDaemon(dataDir, ['--session', session], { signal: controller.signal })
    const failed = expect(starting).rejects.toThrow('the launcher stops')
    expect(processesOf(dataDir)).toHaveLength(1)
    controller.abort(new Error('the launcher stops'))
    await failed
    for (let i = 0; i < 50 && processesOf(dataDir).length > 0; i++) await new Promise(resolve => setTimeout(resolve, 100))
    expect(processesOf(dataDir)).toEqual([])
  }, 30_000)
})

describe('a request to a daemon\'s API', () => {
  it('goes out on a connection of its own, with its method, headers and body, gives back the whole response, and fails at its deadline on a body that never ends', async () => {
    let connections = 0
    const received: string[] = []
    // keeps every connection alive, as the daemon's server does
    const server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => { body += chunk.toString() })
      request.on('end', () => {
        // a body begun and never finished
        if (request.url === '/stuck') { response.writeHead(200); response.write('{"part'); return }
        received.push(`${request.method} ${request.url} ${request.headers.authorization} ${body}`)
        response.writeHead(request.method === 'POST' ? 202 : 200, { 'content-type': 'application/json', 'keep-alive': 'timeout=60', 'x-two': ['a', 'b'] })
        response.end(JSON.stringify({ body }))
      })
    })
    server.on('connection', () => { connections++ })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const posted = await requestAlone(`${url}/updates`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: new Uint8Array([104, 105]) })
      expect(posted.status).toBe(202)
      expect(await posted.json()).toEqual({ body: 'hi' })
      expect(posted.headers.get('x-two')).toBe('a, b')
      for (let i = 0; i < 3; i++) expect(await (await requestAlone(`${url}/rounds/${i}`, {})).text()).toBe('{"body":""}')
      expect(received).toEqual(['POST /updates Bearer t hi', 'GET /rounds/0 undefined ', 'GET /rounds/1 undefined ', 'GET /rounds/2 undefined '])
      expect(connections).toBe(4)
      await expect(requestAlone(`${url}/stuck`, {}, 300)).rejects.toThrow('due to timeout')
    } finally {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  })
})
