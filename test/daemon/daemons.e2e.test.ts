/**
 * Three `secagg node` processes on loopback, each fed its update over the local API the way a
 * trainer would (the Python client's command line, plain HTTP, and `secagg submit`), each result checked against
 * the plaintext weighted mean; an update accepted before a restart is aggregated after it.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSessionFile } from '../../src/daemon/daemon.js'
import { toNpy } from '../../src/daemon/npy.js'
import { openSession } from '../../src/node/session-config.js'
import { auditRound } from '../../src/testnet/audit.js'
import { runToEnd, secagg, startDaemon, type CliRun, type DaemonProcess } from '../../src/testnet/daemon-process.js'

const DIMENSION = 1000
const CLIP = 1
const BITS = 16
const MAX_WEIGHT = 100
const PYTHON_CLIENT = fileURLToPath(new URL('../../clients/python', import.meta.url))

let root: string
let sessionFile: string
const daemons: DaemonProcess[] = []
const peerIds: string[] = []

function update (seed: number): Float32Array {
  // some values beyond the clip, so clipping is part of what is checked
  return Float32Array.from({ length: DIMENSION }, (_, i) => 1.3 * Math.sin(seed * 97 + i * 0.37))
}

/** The weighted mean of the clipped updates, and the most a correct secure mean may differ from it. */
function plaintextMean (updates: Float32Array[], weights: number[]): { mean: number[], tolerance: number } {
  const total = weights.reduce((a, b) => a + b, 0)
  const mean = Array.from({ length: DIMENSION }, (_, i) => updates.reduce((sum, u, p) => sum + weights[p] * Math.max(-CLIP, Math.min(CLIP, u[i])), 0) / total)
  // Stochastic rounding moves each peer's weighted value by under one step, maxWeight * clip / 2^(bits - 1)
  // in units of the sum; the mean divides by the total weight (itself quantized, hence the margin).
  return { mean, tolerance: 1.5 * updates.length * MAX_WEIGHT * CLIP / 2 ** (BITS - 1) / total }
}

function expectClose (actual: number[], expected: { mean: number[], tolerance: number }): void {
  expect(actual).toHaveLength(DIMENSION)
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected.mean[i])))
  expect(worst).toBeLessThan(expected.tolerance)
}

async function rawPost (daemon: DaemonProcess, values: Float32Array, weight: number): Promise<{ id: string, state: string }> {
  const response = await daemon.api(`/v1/sessions/e2e/updates?weight=${weight}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(values.buffer as ArrayBuffer) })
  expect(response.status).toBe(202)
  return await response.json() as { id: string, state: string }
}

async function resultOf (daemon: DaemonProcess, updateId: string): Promise<{ round: number, survivors: string[], mean: number[], clipped: number }> {
  const status = await (await daemon.api(`/v1/updates/${updateId}?wait=120`)).json() as { state: string, round: number }
  expect(status.state).toBe('aggregated')
  return await (await daemon.api(`/v1/sessions/e2e/rounds/${status.round}`)).json() as { round: number, survivors: string[], mean: number[], clipped: number }
}

/** The Python client package's command line, from the source tree (as `pip install` would put it). */
async function python (args: string[]): Promise<CliRun> {
  return runToEnd('python3', ['-m', 'secagg_client', ...args, '--print-mean'], { PYTHONPATH: PYTHON_CLIENT })
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'secagg-e2e-'))
  for (let i = 0; i < 3; i++) {
    const made = await secagg(['keygen', '--data-dir', join(root, `d${i}`)])
    expect(made.code).toBe(0)
    peerIds.push(made.stdout.trim())
  }
  sessionFile = join(root, 'e2e.session.json')
  const created = await secagg(['session', 'create', '--name', 'e2e', '--dimension', String(DIMENSION), '--members', ...peerIds,
    '--min-participants', '3', '--max-participants', '3', '--max-weight', String(MAX_WEIGHT), '--clip', String(CLIP), '--bits', String(BITS), '--out', sessionFile])
  expect(created.code).toBe(0)
  daemons.push(await startDaemon(join(root, 'd0'), ['--session', sessionFile]))
  const first = daemons[0].info.addresses[0]
  for (const i of [1, 2]) daemons.push(await startDaemon(join(root, `d${i}`), ['--session', sessionFile, '--bootstrap', first]))
}, 90_000)

afterAll(async () => {
  for (const daemon of daemons) daemon.child.kill('SIGKILL')
  await rm(root, { recursive: true, force: true })
})

describe('three secagg daemons on loopback', () => {
  it('print their PeerId and dialable addresses on start, the same PeerId as the key made beforehand', () => {
    daemons.forEach((daemon, i) => {
      expect(daemon.info.peerId).toBe(peerIds[i])
      expect(daemon.logs()).toContain(peerIds[i])
      expect(daemon.info.addresses[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${peerIds[i]}$`))
    })
  })

  it('aggregate updates handed in by the Python client, by plain HTTP and by secagg submit, and give each the plaintext weighted mean', async () => {
    const updates = [update(1), update(2), update(3)]
    const weights = [30, 50, 20]
    const npy0 = join(root, 'u0.npy')
    const npy2 = join(root, 'u2.npy')
    await writeFile(npy0, toNpy(updates[0]))
    await writeFile(npy2, toNpy(updates[2]))
    const [viaPython, viaHttp, viaCli] = await Promise.all([
      python(['--session', 'e2e', '--file', npy0, '--weight', String(weights[0]), '--data-dir', daemons[0].dataDir, '--timeout', '120']),
      rawPost(daemons[1], updates[1], weights[1]).then(async status => resultOf(daemons[1], status.id)),
      secagg(['submit', '--data-dir', daemons[2].dataDir, '--session', 'e2e', '--file', npy2, '--weight', String(weights[2]), '--wait', '120', '--json'])
    ])
    expect(viaPython.stderr).toBe('')
    expect(viaPython.code).toBe(0)
    expect(viaCli.code).toBe(0)
    const fromPython = JSON.parse(viaPython.stdout) as { round: number, survivors: number, clipped: number, mean: number[] }
    const fromCli = JSON.parse(viaCli.stdout) as { round: number, survivors: string[], mean: number[] }
    const expected = plaintextMean(updates, weights)
    for (const result of [fromPython, viaHttp, fromCli]) {
      expect(result.round).toBe(1)
      expectClose(result.mean, expected)
    }
    expect(fromPython.survivors).toBe(3)
    expect(fromPython.clipped).toBe(updates[0].filter(v => Math.abs(v) > CLIP).length)
    expect([...viaHttp.survivors].sort()).toEqual([...peerIds].sort())
    expect(viaHttp.clipped).toBe(updates[1].filter(v => Math.abs(v) > CLIP).length)
    expect(viaHttp.clipped).toBeGreaterThan(0)
    // one round, one result, whichever way it was fetched
    expect(fromCli.mean).toEqual(viaHttp.mean)
  }, 120_000)

  it('keep an update accepted before a restart on disk, and aggregate it after the restart', async () => {
    const updates = [update(4), update(5), update(6)]
    const weights = [10, 20, 30]
    const accepted = await rawPost(daemons[0], updates[0], weights[0])
    daemons[0].child.kill('SIGTERM')
    expect(await daemons[0].exited).toBe(0)
    expect(await readdir(join(daemons[0].dataDir, 'updates'))).toEqual(expect.arrayContaining([`${accepted.id}.json`, `${accepted.id}.f32`]))
    // The restarted node listens on another port, where no one would look for it, and has no bootstrap
    // list: it redials the members it knew from the peer store in its data directory.
    daemons[0] = await startDaemon(daemons[0].dataDir, ['--session', sessionFile])
    expect(daemons[0].info.peerId).toBe(peerIds[0])
    expect(daemons[0].logs()).toContain('restored an update accepted before the last stop')
    // it kept round 1's signed result, so it goes straight to round 2 with the right beacon
    expect(daemons[0].logs()).toMatch(/"round":1,"msg":"resumed after the last result kept"/)
    const [restarted, second, third] = await Promise.all([
      resultOf(daemons[0], accepted.id),
      rawPost(daemons[1], updates[1], weights[1]).then(async status => resultOf(daemons[1], status.id)),
      rawPost(daemons[2], updates[2], weights[2]).then(async status => resultOf(daemons[2], status.id))
    ])
    expect(restarted.round).toBe(2)
    expect([...second.survivors].sort()).toEqual([...peerIds].sort())
    for (const result of [restarted, second, third]) expectClose(result.mean, plaintextMean(updates, weights))
    // the update leaves the disk once its round has a result, just after the status says so
    await expect.poll(async () => readdir(join(daemons[0].dataDir, 'updates')), { timeout: 5_000 }).toEqual([])
  }, 150_000)

  it('list the rounds each took part in, and the session\'s next round', async () => {
    for (const daemon of daemons) {
      const listing = await (await daemon.api('/v1/sessions/e2e/rounds')).json() as { nextRound: number, queued: number, rounds: Array<{ round: number, survivors: string[] }> }
      expect(listing.nextRound).toBe(3)
      expect(listing.queued).toBe(0)
      expect(listing.rounds.map(r => r.round)).toEqual(daemon === daemons[0] ? [2] : [1, 2])
      expect(listing.rounds.every(r => r.survivors.length === 3)).toBe(true)
    }
  })

  it('serve each round\'s signed result, which verifies and names the aggregator the round before elected', async () => {
    const session = openSession(await loadSessionFile(sessionFile))
    const signed = async (round: number): Promise<Uint8Array> => {
      const response = await daemons[1].api(`/v1/sessions/e2e/rounds/${round}/signed`)
      expect(response.headers.get('content-type')).toBe('application/octet-stream')
      expect(response.headers.get('x-secagg-round')).toBe(String(round))
      return new Uint8Array(await response.arrayBuffer())
    }
    const [first, second] = [await signed(1), await signed(2)]
    const reported = await (await daemons[1].api('/v1/sessions/e2e/rounds/2')).json() as { round: number, attempt: number, aggregator: string, survivors: string[] }
    expect(await auditRound(session, peerIds, first, second, reported)).toEqual([])
    // the same bytes from the restarted member, which fetched nothing but took part in round 2
    expect(new Uint8Array(await (await daemons[0].api('/v1/sessions/e2e/rounds/2/signed')).arrayBuffer())).toEqual(second)
    const tampered = second.slice()
    tampered[tampered.length - 1] ^= 1
    expect(await auditRound(session, peerIds, first, tampered, reported)).toEqual([expect.stringMatching(/^the signed result does not verify/)])
    expect(await auditRound(session, peerIds, first, second, { ...reported, survivors: reported.survivors.slice(1) })).toEqual(['the signed survivor set is not the one the peers reported'])
    // an election among other members cannot have chosen this aggregator
    expect(await auditRound(session, peerIds.filter(id => id !== reported.aggregator), first, second, reported)).toEqual([expect.stringMatching(/was aggregated by .* but the previous result elects/)])
    expect((await daemons[1].api('/v1/sessions/e2e/rounds/3/signed')).status).toBe(404)
  })

  it('count rounds, phases, participants and libp2p traffic by protocol in Prometheus metrics', async () => {
    const text = await (await fetch(daemons[1].info.metrics!)).text()
    // series are by session id, unique where a name need not be; the name is an info metric's label
    const id = openSession(await loadSessionFile(sessionFile)).idHex
    expect(text).toMatch(new RegExp(`^secagg_session_info\\{session="${id}",name="e2e"\\} 1$`, 'm'))
    expect(text).toMatch(new RegExp(`^secagg_rounds_total\\{session="${id}",outcome="completed"\\} 2$`, 'm'))
    expect(text).toMatch(new RegExp(`^secagg_round_survivors\\{session="${id}"\\} 3$`, 'm'))
    expect(text).toMatch(new RegExp(`^secagg_phase_duration_seconds_count\\{session="${id}",phase="masked-input",role="participant"\\} 2$`, 'm'))
    expect(text).toMatch(new RegExp(`^secagg_updates_total\\{session="${id}",state="aggregated"\\} 2$`, 'm'))
    // the two other members are connected
    expect(text).toMatch(new RegExp(`^secagg_members_reachable\\{session="${id}"\\} 2$`, 'm'))
    expect(text).toMatch(/^libp2p_data_transfer_bytes_total\{protocol="\/secagg\/3\.0\.0\/[a-z-]+ sent"\} \d+$/m)
    expect(text).toMatch(/^libp2p_data_transfer_bytes_total\{protocol="\/secagg\/3\.0\.0\/[a-z-]+ received"\} \d+$/m)
  })

  it('log as JSON lines with no token, key or update value in them', async () => {
    for (const daemon of daemons) {
      const lines = daemon.logs().trim().split('\n')
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
      expect(lines.some(line => line.includes('"round completed"'))).toBe(true)
      const key = await readFile(join(daemon.dataDir, 'peer.key'))
      for (const secret of [daemon.token, key.toString('base64'), key.toString('hex'), key.subarray(-32).toString('base64')]) {
        expect(daemon.logs()).not.toContain(secret)
      }
      // a value of an update, as printed in full precision, would be a leak
      expect(daemon.logs()).not.toContain(String(update(1)[7]))
    }
  })

  it('stop cleanly on SIGINT: the API closes, the runtime note goes, the exit code is 0', async () => {
    const extra = await startDaemon(join(root, 'extra'), ['--session', sessionFile, '--no-metrics'])
    extra.child.kill('SIGINT')
    expect(await extra.exited).toBe(0)
    const order = ['stopping: local API', 'stopping: sessions', 'stopping: network', 'stopped'].map(step => extra.logs().indexOf(`"${step}"`))
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true)
    await expect(readFile(join(extra.dataDir, 'daemon.json'))).rejects.toThrow(/ENOENT/)
  })
})
