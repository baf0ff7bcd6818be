/**
 * Auditing a round from outside: three real `secagg node` processes run a round, then each daemon's
 * GET /v1/sessions/{session}/rounds/{round}/verification says whether its sum is the survivors' inputs,
 * or hands over the transcript, which `secagg verify` checks offline with nothing but the session file.
 * A transcript whose sum the aggregator's own key re-signed is shown forged, one cut short unverifiable,
 * each with its own exit code.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadOrCreateIdentity } from '../../src/daemon/data-dir.js'
import { EXIT_BAD_INPUT, EXIT_FORGED } from '../../src/cli/cli-error.js'
import { openSession } from '../../src/node/session-config.js'
import { SignatureDomain } from '../../src/protocol/crypto/identity.js'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'
import { RoundResult, RoundTranscript, Signed } from '../../src/protocol/pb/messages.js'
import { signed } from '../../src/protocol/round/wire.js'
import { auditTranscript } from '../../src/protocol/verification/audit.js'
import { secagg, type CliRun, type DaemonProcess } from '../../src/testnet/daemon-process.js'
import { startDaemonSession, submitUpdate, type DaemonSession } from '../support/daemon-session.js'
import { verificationOf, type RoundVerification } from '../../src/daemon/http-api.js'

const PEERS = 3
const DIMENSION = 16
const SESSION = 'audited'

let net: DaemonSession

async function expectError (response: Response, status: number, code: string, message: RegExp): Promise<void> {
  const body = await response.json() as { statusCode: number, code: string, message: string }
  expect({ status: response.status, code: body.code }).toEqual({ status, code })
  expect(body.statusCode).toBe(status)
  expect(body.message).toMatch(message)
}

async function verification (daemon: DaemonProcess, round: number | string): Promise<RoundVerification> {
  const response = await daemon.api(`/v1/sessions/${SESSION}/rounds/${round}/verification`)
  expect(response.status).toBe(200)
  return await response.json() as RoundVerification
}

async function transcriptOf (daemon: DaemonProcess, round: number | string): Promise<{ bytes: Uint8Array, response: Response }> {
  const response = await daemon.api(`/v1/sessions/${SESSION}/rounds/${round}/verification`, { headers: { accept: 'application/octet-stream' } })
  expect(response.status).toBe(200)
  return { bytes: new Uint8Array(await response.arrayBuffer()), response }
}

beforeAll(async () => {
  net = await startDaemonSession(SESSION, PEERS, {
    dimension: DIMENSION,
    minParticipants: 3,
    encoding: { clip: 1, bits: 16, maxParticipants: PEERS, maxWeight: 1 },
    graph: { shape: 'complete', dropoutRate: 0, corruptRate: 0, threatModel: 'malicious' },
    phaseTimeouts: { 'advertise-keys': 5000, 'share-keys': 5000, 'masked-input': 5000, 'consistency-check': 5000, unmask: 5000 },
    announceTimeout: 5000,
    maxAttempts: 3
  })
  const ids = await Promise.all(net.daemons.map(async (daemon, i) => submitUpdate(daemon, SESSION, Float32Array.from({ length: DIMENSION }, (_, j) => ((i * 5 + j) % 7 - 3) / 8))))
  await Promise.all(net.daemons.map(async (daemon, i) => {
    for (let tries = 0; tries < 10; tries++) {
      const status = await (await daemon.api(`/v1/updates/${ids[i]}?wait=10`)).json() as { state: string, error?: string }
      if (status.state === 'aggregated') return
      if (status.state === 'failed') throw new Error(`daemon ${i}'s update failed: ${status.error}`)
    }
    throw new Error(`daemon ${i}'s update was not aggregated in time:\n${daemon.logs()}`)
  }))
}, 120_000)

afterAll(async () => { await net?.close() })

describe('GET /v1/sessions/{session}/rounds/{round}/verification', () => {
  it('audits a round each daemon holds: verified, with its round, attempt, aggregator and survivors', async () => {
    const reports = await Promise.all(net.daemons.map(async daemon => verification(daemon, 1)))
    for (const report of reports) {
      expect(report).toMatchObject({ round: 1, attempt: 0, verdict: 'verified', survivors: PEERS })
      expect(report.reason).toBeUndefined()
      expect(net.peerIds).toContain(report.aggregator)
      expect(report.transcriptBytes).toBeGreaterThan(PEERS * 13_312)
      expect(typeof report.auditMs).toBe('number')
      // one round, one transcript, on every member
      expect(report).toMatchObject({ aggregator: reports[0].aggregator, transcriptBytes: reports[0].transcriptBytes })
    }
    // latest is round 1; asked again, the daemon answers from the audit it already ran
    expect(await verification(net.daemons[0], 'latest')).toEqual(reports[0])
  })

  it('hands over the transcript as application/octet-stream, which audits verified with only the session\'s parameters', async () => {
    const { bytes, response } = await transcriptOf(net.daemons[1], 'latest')
    expect(response.headers.get('content-type')).toBe('application/octet-stream')
    expect(response.headers.get('x-secagg-round')).toBe('1')
    expect(bytes.length).toBe((await verification(net.daemons[1], 1)).transcriptBytes)
    const verdict = await auditTranscript(bytes, openSession(net.config).params, nodeCryptoSuite)
    expect(verdict).toMatchObject({ verdict: 'verified', round: 1, attempt: 0 })
    expect(verdict.verdict === 'verified' && [...verdict.survivors].sort()).toEqual([...net.peerIds].sort())
  })

  it('names an unknown round, a bad round and an unknown session in the API\'s error shape, and long-polls a round to come', async () => {
    const daemon = net.daemons[0]
    await expectError(await daemon.api(`/v1/sessions/${SESSION}/rounds/99/verification`), 404, 'no-result', /round 99 of session audited has no result yet/)
    await expectError(await daemon.api(`/v1/sessions/${SESSION}/rounds/zero/verification`), 400, 'bad-round', /positive integer or 'latest', got 'zero'/)
    await expectError(await daemon.api(`/v1/sessions/${SESSION}/rounds/0/verification`), 400, 'bad-round', /got '0'/)
    await expectError(await daemon.api(`/v1/sessions/${SESSION}/rounds/1/verification?wait=301`), 400, 'bad-request', /wait/)
    await expectError(await daemon.api('/v1/sessions/nope/rounds/1/verification', { headers: { accept: 'application/octet-stream' } }), 404, 'unknown-session', /has not joined a session 'nope'/)
    const started = Date.now()
    await expectError(await daemon.api(`/v1/sessions/${SESSION}/rounds/2/verification?wait=0.4`), 404, 'no-result', /round 2 of session audited has no result yet/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
  })
})

describe('secagg verify', () => {
  const cli = async (daemon: DaemonProcess, args: string[]): Promise<CliRun> => secagg(['verify', '--data-dir', daemon.dataDir, ...args])

  it('asks the running daemon, prints one line per fact, or the API\'s JSON, and exits 0 when verified', async () => {
    const daemon = net.daemons[2]
    const expected = await verification(daemon, 1)
    const run = await cli(daemon, ['--session', SESSION])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'round       1',
      'attempt     0',
      `aggregator  ${expected.aggregator}`,
      `survivors   ${PEERS}`,
      'verdict     verified'
    ])
    const json = await cli(daemon, ['--session', SESSION, '--round', '1', '--json'])
    expect(json.code, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(expected)
  })

  it('saves the transcript with --out; checked offline against the session file, it verifies', async () => {
    const daemon = net.daemons[0]
    const out = join(net.root, 'round-1.transcript')
    const run = await cli(daemon, ['--session', SESSION, '--round', 'latest', '--out', out])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(`saved the transcript to ${out}`)
    expect(new Uint8Array(await readFile(out))).toEqual((await transcriptOf(daemon, 1)).bytes)
    const offline = await secagg(['verify', '--transcript', out, '--session-file', net.sessionFile])
    expect(offline.code, offline.stderr).toBe(0)
    expect(offline.stdout).toMatch(/^round {7}1\n/)
    expect(offline.stdout).toContain('verdict     verified')
  })

  it('exits 3 offline for a sum the aggregator re-signed (forged), 2 for a transcript cut short (unverifiable)', async () => {
    const { bytes } = await transcriptOf(net.daemons[0], 1)
    const { aggregator } = await verification(net.daemons[0], 1)
    // the aggregator's own key, from its data directory: only it can sign a result in its name
    const key = await loadOrCreateIdentity(join(net.root, `d${net.peerIds.indexOf(aggregator!)}`))
    const decoded = RoundTranscript.decode(bytes)
    const result = RoundResult.decode(Signed.decode(decoded.result).body)
    const sum = result.sum.slice()
    sum[0] ^= 1
    const resigned = await signed(RoundResult, { ...result, sum }, key, SignatureDomain.result)
    const forgedFile = join(net.root, 'forged.transcript')
    await writeFile(forgedFile, RoundTranscript.encode({ ...decoded, result: resigned.bytes as Uint8Array<ArrayBuffer> }))
    const forged = await secagg(['verify', '--transcript', forgedFile, '--session-file', net.sessionFile])
    expect(forged.code).toBe(EXIT_FORGED)
    expect(forged.stdout).toContain('verdict     forged')
    expect(forged.stdout).toMatch(/reason {6}the sum does not match the survivors' commitments/)
    expect(forged.stderr).toContain(`secagg: round 1 (attempt 0): the transcript shows that the sum its aggregator ${aggregator} signed is not the survivors' inputs`)

    const truncatedFile = join(net.root, 'truncated.transcript')
    await writeFile(truncatedFile, bytes.subarray(0, bytes.length - 100))
    const truncated = await secagg(['verify', '--transcript', truncatedFile, '--session-file', net.sessionFile, '--json'])
    expect(truncated.code).toBe(EXIT_BAD_INPUT)
    expect(JSON.parse(truncated.stdout)).toMatchObject({ verdict: 'unverifiable', reason: expect.stringMatching(/malformed transcript/), transcriptBytes: bytes.length - 100 })
    expect(truncated.stderr).toContain('the transcript proves nothing either way: malformed transcript')
  })

  it('says the daemon has no such round, exit 1', async () => {
    const run = await cli(net.daemons[1], ['--session', SESSION, '--round', '99'])
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('the daemon answered 404: round 99 of session audited has no result yet')
  })
})

describe('a verdict as the API reports it', () => {
  const known = { round: 4, attempt: 1, aggregator: 'peer-a', survivors: 5 }

  it('names the round from the verdict when it has one, from what the daemon holds otherwise', () => {
    expect(verificationOf({ verdict: 'verified', round: 4, attempt: 1, aggregator: 'peer-a', survivors: ['x', 'y', 'z'] }, 100, 12.345, known))
      .toEqual({ round: 4, attempt: 1, aggregator: 'peer-a', verdict: 'verified', survivors: 3, transcriptBytes: 100, auditMs: 12.3 })
    expect(verificationOf({ verdict: 'forged', round: 4, attempt: 1, aggregator: 'peer-a', reason: 'wrong sum' }, 100, 1, known))
      .toEqual({ round: 4, attempt: 1, aggregator: 'peer-a', verdict: 'forged', reason: 'wrong sum', survivors: 5, transcriptBytes: 100, auditMs: 1 })
    expect(verificationOf({ verdict: 'unverifiable', reason: 'malformed transcript' }, 100, 1, known))
      .toEqual({ round: 4, attempt: 1, aggregator: 'peer-a', verdict: 'unverifiable', reason: 'malformed transcript', survivors: 5, transcriptBytes: 100, auditMs: 1 })
    // offline, a transcript too broken to name its round
    expect(verificationOf({ verdict: 'unverifiable', reason: 'malformed transcript' }, 7, 0.5))
      .toEqual({ verdict: 'unverifiable', reason: 'malformed transcript', transcriptBytes: 7, auditMs: 0.5 })
  })
})
