/**
 * The privacy budget of a DP session, across three real `secagg node` processes: each daemon charges a
 * round to its ledger as its noisy input goes out, reports what it spent (GET
 * /v1/sessions/{session}/privacy, `secagg status`, the metrics), refuses an update its budget has no
 * room for (the queued and in-flight ones counted), and still knows what it spent after a SIGKILL and a
 * restart on the same data directory: a restart never forgets spending.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession } from '../../src/node/session-config.js'
import { secagg, startDaemon, type DaemonProcess } from '../../src/testnet/daemon-process.js'
import { startDaemonSession, submitUpdate, type DaemonSession } from '../support/daemon-session.js'
import type { PrivacyReport } from '../../src/protocol/dp/budget.js'

const PEERS = 3
const DIMENSION = 16
const SESSION = 'private'
const PRIVACY = { mechanism: 'discrete-gaussian', l2Clip: 1, modulusBits: 20, epsilon: 2, delta: 1e-5, rounds: 2 } as const
// how the daemon writes the budget in its messages (String(1e-5))
const BUDGET = /privacy budget \(epsilon 2, delta 0\.00001\)/

let net: DaemonSession
let sessionId: string

function update (peer: number, round: number): Float32Array {
  // L2 norm above l2Clip for some, so clipping happens too
  return Float32Array.from({ length: DIMENSION }, (_, j) => ((peer * 5 + round * 3 + j) % 7 - 3) / 8)
}

async function post (daemon: DaemonProcess, values: Float32Array): Promise<Response> {
  return daemon.api(`/v1/sessions/${SESSION}/updates?weight=1`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(values.buffer as ArrayBuffer) })
}

async function expectError (response: Response, status: number, code: string, message: RegExp): Promise<string> {
  const body = await response.json() as { statusCode: number, code: string, message: string }
  expect({ status: response.status, code: body.code }, body.message).toEqual({ status, code })
  expect(body.statusCode).toBe(status)
  expect(body.message).toMatch(message)
  return body.message
}

/** Waits for an update to be aggregated; returns its round. */
async function aggregated (daemon: DaemonProcess, id: string): Promise<number> {
  for (let tries = 0; tries < 12; tries++) {
    const status = await (await daemon.api(`/v1/updates/${id}?wait=10`)).json() as { state: string, round?: number, error?: string }
    if (status.state === 'aggregated') return status.round!
    if (status.state === 'failed') throw new Error(`update ${id} failed: ${status.error}\n${daemon.logs()}`)
  }
  throw new Error(`update ${id} was not aggregated in time:\n${daemon.logs()}`)
}

async function privacy (daemon: DaemonProcess): Promise<PrivacyReport> {
  const response = await daemon.api(`/v1/sessions/${SESSION}/privacy`)
  expect(response.status).toBe(200)
  return await response.json() as PrivacyReport
}

async function metrics (daemon: DaemonProcess): Promise<string> {
  return (await fetch(`${daemon.info.metrics!}`)).text()
}

/** What every daemon must report once both rounds are spent, each round with all three survivors. */
function expectSpent (report: PrivacyReport): void {
  expect(report).toMatchObject({ mechanism: 'discrete-gaussian', budget: { epsilon: 2, delta: 1e-5 }, plannedRounds: 2, roundsLeft: 0 })
  expect(report.rounds.map(({ round, survivors }) => ({ round, survivors }))).toEqual([{ round: 1, survivors: PEERS }, { round: 2, survivors: PEERS }])
  for (const round of report.rounds) {
    expect(round.epsilon).toBeGreaterThan(0)
    expect(round.epsilon).toBeLessThan(PRIVACY.epsilon)
    // every survivor is honest here, as the calibration planned: the realised spend is the charged one
    expect(round.realisedEpsilon).toBeCloseTo(round.epsilon, 9)
  }
  // two rounds cost more than one (composition), and together stay within the budget
  expect(report.epsilonSpent).toBeGreaterThan(report.rounds[0].epsilon)
  expect(report.epsilonSpent).toBeLessThanOrEqual(PRIVACY.epsilon)
  expect(report.realisedEpsilon).toBeLessThanOrEqual(PRIVACY.epsilon)
  expect(report.noise).toMatchObject({ honestPeers: PEERS, l2Clip: 1, modulusBits: 20 })
  expect(report.noise.peerStd).toBeGreaterThan(0)
}

beforeAll(async () => {
  net = await startDaemonSession(SESSION, PEERS, {
    dimension: DIMENSION,
    minParticipants: 3,
    encoding: { clip: 1, bits: 16, maxParticipants: PEERS, maxWeight: 1, privacy: PRIVACY },
    graph: { shape: 'complete', dropoutRate: 0, corruptRate: 0, threatModel: 'malicious' },
    phaseTimeouts: { 'advertise-keys': 5000, 'share-keys': 5000, 'masked-input': 5000, 'consistency-check': 5000, unmask: 5000 },
    announceTimeout: 5000,
    maxAttempts: 3
  })
  sessionId = openSession(net.config).idHex
}, 120_000)

afterAll(async () => { await net?.close() })

describe('a DP session of three secagg daemons, its budget planned over two rounds', () => {
  let spent: PrivacyReport[]

  it('starts with the whole budget, calibrated for three honest peers', async () => {
    for (const daemon of net.daemons) {
      const report = await privacy(daemon)
      expect(report).toMatchObject({ budget: { epsilon: 2, delta: 1e-5 }, plannedRounds: 2, rounds: [], epsilonSpent: 0, realisedEpsilon: 0, roundsLeft: 2 })
      expect(report.noise.honestPeers).toBe(PEERS)
    }
  })

  it('takes as many updates as the budget has rounds for, refusing one more while they still wait (409 privacy-budget)', async () => {
    const [d0, d1, d2] = net.daemons
    // daemon 0 queues both its rounds' updates at once: a third would need a round the budget lacks
    const first = await submitUpdate(d0, SESSION, update(0, 1))
    const second = await submitUpdate(d0, SESSION, update(0, 2))
    await expectError(await post(d0, update(0, 3)), 409, 'privacy-budget', new RegExp(`${BUDGET.source} has room for 2 more rounds of this node's inputs, and 2 updates already wait for them`))
    // the refused update was never stored
    expect((await readdir(join(d0.dataDir, 'updates'))).filter(f => f.endsWith('.f32'))).toHaveLength(2)
    const ids = [first, await submitUpdate(d1, SESSION, update(1, 1)), await submitUpdate(d2, SESSION, update(2, 1))]
    const round1 = await Promise.all(ids.map(async (id, i) => aggregated(net.daemons[i], id)))
    expect(round1).toEqual([1, 1, 1])

    // one round spent, one left: it shows, with round 1's survivors
    const after1 = await privacy(d1)
    expect(after1).toMatchObject({ roundsLeft: 1, rounds: [{ round: 1, survivors: PEERS }] })
    expect(after1.epsilonSpent).toBeGreaterThan(0)
    expect(after1.epsilonSpent).toBeLessThan(PRIVACY.epsilon)

    // daemon 1 over HTTP: the one update in flight takes the last round, so a second is refused
    const httpSecond = await submitUpdate(d1, SESSION, update(1, 2))
    await expectError(await post(d1, update(1, 3)), 409, 'privacy-budget', new RegExp(`${BUDGET.source} has room for 1 more rounds`))
    // daemon 2 with `secagg submit`, waiting for its round's mean
    const file = join(net.root, 'u2.f32')
    await writeFile(file, new Uint8Array(update(2, 2).buffer))
    const [r0, r1, viaCli] = await Promise.all([
      aggregated(d0, second),
      aggregated(d1, httpSecond),
      secagg(['submit', '--data-dir', d2.dataDir, '--session', SESSION, '--file', file, '--weight', '1', '--wait', '120', '--json'])
    ])
    expect(viaCli.code, viaCli.stderr).toBe(0)
    expect([r0, r1, (JSON.parse(viaCli.stdout) as { round: number }).round]).toEqual([2, 2, 2])
  }, 170_000)

  it('reports both rounds spent with their survivors, epsilon within the budget and no round left, on every daemon', async () => {
    spent = await Promise.all(net.daemons.map(privacy))
    for (const report of spent) expectSpent(report)
    // the same calibration on every member: the same spend
    for (const report of spent) expect(report.epsilonSpent).toBe(spent[0].epsilonSpent)
    // the session listing carries the summary
    const { sessions } = await (await net.daemons[0].api('/v1/sessions')).json() as { sessions: Array<{ name: string, privacy?: unknown }> }
    expect(sessions).toMatchObject([{ name: SESSION, privacy: { epsilon: 2, delta: 1e-5, epsilonSpent: spent[0].epsilonSpent, roundsLeft: 0 } }])
  })

  it('refuses a third update on every daemon with 409 privacy-budget naming the budget, over HTTP and from secagg submit', async () => {
    for (const daemon of net.daemons) {
      const message = await expectError(await post(daemon, update(0, 3)), 409, 'privacy-budget', new RegExp(`session ${SESSION}'s ${BUDGET.source} has room for 0 more rounds`))
      expect(message).toContain(`epsilon ${spent[0].epsilonSpent.toFixed(3)} is spent over 2 rounds`)
      expect(await readdir(join(daemon.dataDir, 'updates'))).toEqual([])
    }
    const file = join(net.root, 'u3.f32')
    await writeFile(file, new Uint8Array(update(2, 3).buffer))
    const run = await secagg(['submit', '--data-dir', net.daemons[2].dataDir, '--session', SESSION, '--file', file])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(new RegExp(`^secagg: the daemon answered 409: session ${SESSION}'s ${BUDGET.source} has room for 0 more rounds`))
  })

  it('prints the privacy line in secagg status', async () => {
    const run = await secagg(['status', '--data-dir', net.daemons[1].dataDir])
    expect(run.code, run.stderr).toBe(0)
    const line = run.stdout.split('\n').find(l => l.startsWith(`  ${SESSION}  `))
    expect(line).toBeDefined()
    expect(line).toContain(`privacy: epsilon ${spent[1].epsilonSpent.toFixed(3)} of 2 spent (delta 0.00001), room for 0 more rounds`)
  })

  it('exports the epsilon spent and no rounds left in Prometheus metrics', async () => {
    for (const daemon of net.daemons) {
      const text = await metrics(daemon)
      expect(text).toMatch(new RegExp(`^secagg_privacy_rounds_left\\{session="${sessionId}"\\} 0$`, 'm'))
      const epsilon = text.match(new RegExp(`^secagg_privacy_epsilon_spent\\{session="${sessionId}"\\} (\\S+)$`, 'm'))
      expect(epsilon).not.toBeNull()
      expect(Number(epsilon![1])).toBeCloseTo(spent[0].epsilonSpent, 9)
    }
  })

  it('never forgets what it spent: killed with SIGKILL and restarted on its data directory, it reports both rounds and still refuses', async () => {
    const victim = 1
    const before = spent[victim]
    // the ledger on disk, as the daemon wrote it before its inputs went out and when their results came
    const record = JSON.parse(await readFile(join(net.daemons[victim].dataDir, 'results', `${sessionId}.json`), 'utf8'))
    expect(record.privacy).toEqual({ spent: [{ round: 1, survivors: PEERS }, { round: 2, survivors: PEERS }] })
    net.daemons[victim].child.kill('SIGKILL')
    await net.daemons[victim].exited
    net.daemons[victim] = await startDaemon(join(net.root, `d${victim}`), ['--session', net.sessionFile, '--bootstrap', net.daemons[0].info.addresses[0]])
    const daemon = net.daemons[victim]
    expect(daemon.info.peerId).toBe(net.peerIds[victim])
    const after = await privacy(daemon)
    expectSpent(after)
    expect(after).toEqual(before)
    await expectError(await post(daemon, update(victim, 3)), 409, 'privacy-budget', new RegExp(`${BUDGET.source} has room for 0 more rounds`))
    expect(await readdir(join(daemon.dataDir, 'updates'))).toEqual([])
    expect(await metrics(daemon)).toMatch(new RegExp(`^secagg_privacy_rounds_left\\{session="${sessionId}"\\} 0$`, 'm'))
    const status = await secagg(['status', '--data-dir', daemon.dataDir])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toContain('room for 0 more rounds')
  }, 60_000)
})
