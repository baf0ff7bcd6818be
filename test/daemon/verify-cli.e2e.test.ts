/**
 * `secagg verify --transcript FILE --session-file SESSION.json`, offline as an outsider runs it: the
 * built CLI on a transcript from a simulated session's round. Exit 0 for a verified sum, 3 for a sum its
 * aggregator's own key re-signed (forged), 2 for a transcript that proves nothing (unverifiable) and for
 * missing or malformed files and arguments, each named.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT_BAD_INPUT, EXIT_FORGED } from '../../src/cli/cli-error.js'
import { defineSession } from '../../src/node/session-config.js'
import { SignatureDomain } from '../../src/protocol/crypto/identity.js'
import { RoundResult, RoundTranscript, Signed } from '../../src/protocol/pb/messages.js'
import { signed } from '../../src/protocol/round/wire.js'
import { secagg } from '../../src/testnet/daemon-process.js'
import { startSimulation, updateFor } from '../support/session-fixtures.js'
import type { AggregateResult } from '../../src/protocol/session/actions.js'
import type { SessionSimulation } from '../../src/simulation/session-simulation.js'

const PEERS = 4

let root: string
let sim: SessionSimulation
let genuine: AggregateResult
let sessionFile: string
let transcriptFile: string

const verify = async (transcript: string, session: string, ...args: string[]): ReturnType<typeof secagg> => secagg(['verify', '--transcript', transcript, '--session-file', session, ...args])

async function file (name: string, content: string | Uint8Array): Promise<string> {
  const path = join(root, name)
  await writeFile(path, content)
  return path
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'secagg-verify-'))
  sim = await startSimulation(PEERS, 'verify-cli')
  sim.members.forEach((_, i) => sim.submit(i, updateFor(i, 1)))
  await sim.runUntilSettled([...sim.members.keys()])
  genuine = [...sim.members[0].settled.values()][0]
  // the session file as `secagg session create` writes it
  sessionFile = await file('verify.session.json', JSON.stringify(sim.session.config, null, 2))
  transcriptFile = await file('round-1.transcript', genuine.transcript)
})

afterAll(async () => { await rm(root, { recursive: true, force: true }) })

describe('secagg verify offline', () => {
  it('exits 0 for a verified round, one line per fact, or the same JSON as the API', async () => {
    const [run, json] = await Promise.all([verify(transcriptFile, sessionFile), verify(transcriptFile, sessionFile, '--json')])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'round       1',
      `attempt     ${genuine.attempt}`,
      `aggregator  ${genuine.aggregator}`,
      `survivors   ${genuine.survivors.length}`,
      'verdict     verified'
    ])
    expect(run.stderr).toBe('')
    expect(json.code, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual({
      round: 1,
      attempt: genuine.attempt,
      aggregator: genuine.aggregator,
      verdict: 'verified',
      survivors: genuine.survivors.length,
      transcriptBytes: genuine.transcript.length,
      auditMs: expect.any(Number)
    })
  })

  it('exits 3 for a sum the aggregator re-signed with its own key, naming the aggregator and what is wrong', async () => {
    const decoded = RoundTranscript.decode(genuine.transcript)
    const result = RoundResult.decode(Signed.decode(decoded.result).body)
    const sum = result.sum.slice()
    sum[0] ^= 1
    const aggregator = sim.members.find(m => m.peer.identity.id === genuine.aggregator)!
    const resigned = await signed(RoundResult, { ...result, sum }, aggregator.peer.privateKey, SignatureDomain.result)
    const forged = await file('forged.transcript', RoundTranscript.encode({ ...decoded, result: resigned.bytes as Uint8Array<ArrayBuffer> }))
    const [run, json] = await Promise.all([verify(forged, sessionFile), verify(forged, sessionFile, '--json')])
    expect(run.code).toBe(EXIT_FORGED)
    expect(run.stdout).toContain(`aggregator  ${genuine.aggregator}`)
    expect(run.stdout).toContain('verdict     forged')
    expect(run.stdout).toMatch(/reason {6}the sum does not match the survivors' commitments/)
    expect(run.stderr).toContain(`the sum its aggregator ${genuine.aggregator} signed is not the survivors' inputs`)
    expect(json.code).toBe(EXIT_FORGED)
    expect(JSON.parse(json.stdout)).toMatchObject({ round: 1, aggregator: genuine.aggregator, verdict: 'forged', reason: expect.stringMatching(/does not match/) })
  })

  it('exits 2 for a transcript that proves nothing: cut short, garbage, or checked against another session', async () => {
    const other = await file('other.session.json', JSON.stringify(defineSession({ ...sim.session.config, name: 'another' })))
    const [truncated, garbage, elsewhere] = await Promise.all([
      verify(await file('short.transcript', genuine.transcript.subarray(0, 1000)), sessionFile),
      verify(await file('garbage.transcript', new TextEncoder().encode('not a transcript at all')), sessionFile),
      verify(transcriptFile, other)
    ])
    expect(truncated.code).toBe(EXIT_BAD_INPUT)
    expect(truncated.stdout).toMatch(/^verdict {5}unverifiable\nreason {6}malformed transcript/)
    expect(truncated.stderr).toContain('secagg: the transcript proves nothing either way: malformed transcript')
    expect(garbage.code).toBe(EXIT_BAD_INPUT)
    expect(garbage.stdout).toContain('verdict     unverifiable')
    expect(elsewhere.code).toBe(EXIT_BAD_INPUT)
    expect(elsewhere.stdout).toContain('reason      the result is for another session')
  })

  it('exits 2 naming a missing, empty or malformed file', async () => {
    const [missing, empty, noSession, notJson, badField] = await Promise.all([
      verify(join(root, 'absent.transcript'), sessionFile),
      verify(await file('empty.transcript', ''), sessionFile),
      verify(transcriptFile, join(root, 'absent.session.json')),
      verify(transcriptFile, await file('not-json.session.json', 'name: x')),
      verify(transcriptFile, await file('bad.session.json', JSON.stringify({ ...sim.session.config, dimension: -4 })))
    ])
    expect(missing.code).toBe(EXIT_BAD_INPUT)
    expect(missing.stderr).toBe(`secagg: cannot read transcript file ${join(root, 'absent.transcript')}: no such file\n`)
    expect(empty.code).toBe(EXIT_BAD_INPUT)
    expect(empty.stderr).toContain('is empty')
    expect(noSession.code).toBe(EXIT_BAD_INPUT)
    expect(noSession.stderr).toContain(`cannot read session file ${join(root, 'absent.session.json')}: no such file`)
    expect(notJson.code).toBe(EXIT_BAD_INPUT)
    expect(notJson.stderr).toMatch(/not-json\.session\.json is not JSON/)
    expect(badField.code).toBe(EXIT_BAD_INPUT)
    expect(badField.stderr).toMatch(/bad\.session\.json: session config field "dimension" must be an integer/)
    // nothing printed as if it had been checked
    for (const run of [missing, empty, noSession, notJson, badField]) expect(run.stdout).toBe('')
  })

  it('exits 2 for arguments that mix the offline check with asking the daemon, or leave out what it needs', async () => {
    const cases: Array<[string[], string]> = [
      [['verify'], 'give --session NAME to ask the running daemon, or --transcript FILE with --session-file SESSION.json'],
      [['verify', '--transcript', 'x'], '--transcript needs --session-file SESSION.json'],
      [['verify', '--session-file', 'x'], '--session-file goes with --transcript'],
      [['verify', '--transcript', 'x', '--session-file', 'y', '--session', 's'], '--session asks the daemon; --transcript checks a file offline'],
      [['verify', '--transcript', 'x', '--session-file', 'y', '--out', 'z'], '--out asks the daemon'],
      [['verify', '--session', 's', '--round', 'first'], "--round must be a positive integer or 'latest', got 'first'"]
    ]
    const runs = await Promise.all(cases.map(async ([args]) => secagg(args)))
    runs.forEach((run, i) => {
      expect(run.code, cases[i][0].join(' ')).toBe(EXIT_BAD_INPUT)
      expect(run.stderr).toContain(cases[i][1])
    })
  })

  it('takes its files from SECAGG_VERIFY_ variables, and no other command\'s', async () => {
    const [own, others] = await Promise.all([
      secagg(['verify'], { SECAGG_VERIFY_TRANSCRIPT: transcriptFile, SECAGG_VERIFY_SESSION_FILE: sessionFile }),
      secagg(['verify', '--transcript', transcriptFile], { SECAGG_NODE_SESSION: sessionFile, SECAGG_SESSION_FILE: sessionFile })
    ])
    expect(own.code, own.stderr).toBe(0)
    expect(own.stdout).toContain('verdict     verified')
    expect(others.code).toBe(EXIT_BAD_INPUT)
    expect(others.stderr).toContain('--transcript needs --session-file')
  })

  it('explains itself with --help: both ways, examples and exit codes', async () => {
    const run = await secagg(['verify', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Examples:')
    expect(run.stdout).toContain('--session-file')
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('Exit codes: 0 verified; 3 forged')
  })
})
