/**
 * The `secagg` command as an operator meets it: help with examples everywhere, flags from the
 * environment and from a config file, and bad input answered with a message naming it and exit code 2.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSessionConfig } from '../../src/node/session-config.js'
import { secagg } from '../../src/testnet/daemon-process.js'

let root: string

beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'secagg-cli-')) })
afterAll(async () => { await rm(root, { recursive: true, force: true }) })

describe('secagg', () => {
  it.each([
    ['node', '--api-port'], ['keygen', '--force'], ['session create', '--min-participants'], ['status', '--data-dir'], ['submit', '--weight'], ['result', '--round']
  ])('explains "%s" with --help and examples', async (command, option) => {
    const run = await secagg([...command.split(' '), '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Examples:')
    expect(run.stdout).toContain(option)
  })

  it.each([
    [['--peers', '2'], '--peers must be an integer from 3 to 200, got 2'],
    [['--peers', '5', '--drop', '3'], '--drop must be an integer from 0 to 2, got 3'],
    [['--drop', '1:nowhere'], "--drop: 'nowhere' is not a phase"],
    [['--kill-aggregator', 'lunch'], "--kill-aggregator: 'lunch' is not a phase"],
    [['--rounds', '0'], '--rounds must be an integer from 1 to 1000, got 0'],
    [['--dim', '1.5'], '--dim must be an integer'],
    [['--transport', 'pigeon'], 'Invalid values'],
    [['--report', '/nonexistent/report.html'], '--report: cannot write to /nonexistent (ENOENT)']
  ])('testnet %j is refused before any peer starts: %s', async (args, message) => {
    const run = await secagg(['testnet', ...args])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stdout).not.toContain('peer-0')
  })

  it('names a missing command and exits 2', async () => {
    const run = await secagg([])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('name a command')
  })

  it('keygen writes a 0600 key, prints its PeerId, and will not replace it without --force', async () => {
    const dataDir = join(root, 'keygen')
    const first = await secagg(['keygen', '--data-dir', dataDir])
    expect(first.code).toBe(0)
    expect(first.stdout.trim()).toMatch(/^12D3KooW\w+$/)
    expect((await stat(join(dataDir, 'peer.key'))).mode & 0o777).toBe(0o600)
    const again = await secagg(['keygen', '--data-dir', dataDir])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/peer\.key already exists \(use --force/)
    const forced = await secagg(['keygen', '--data-dir', dataDir, '--force'])
    expect(forced.code).toBe(0)
    expect(forced.stdout).not.toBe(first.stdout)
  })

  it('session create writes a file every member can load, and names a bad parameter', async () => {
    const out = join(root, 'made.session.json')
    const made = await secagg(['session', 'create', '--name', 'made', '--dimension', '100', '--min-participants', '4', '--max-participants', '20', '--out', out])
    expect(made.code).toBe(0)
    expect(made.stdout.trim()).toMatch(/^[0-9a-f]{64}$/)
    expect(parseSessionConfig(JSON.parse(await readFile(out, 'utf8')))).toMatchObject({ name: 'made', dimension: 100, minParticipants: 4 })
    const bad = await secagg(['session', 'create', '--name', 'bad', '--dimension', '100', '--bits', '40', '--out', join(root, 'bad.json')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('encoding.bits')
  })

  it('node refuses a key file others can read, naming the fix', async () => {
    const dataDir = join(root, 'open-key')
    expect((await secagg(['keygen', '--data-dir', dataDir])).code).toBe(0)
    await chmod(join(dataDir, 'peer.key'), 0o644)
    const run = await secagg(['node', '--data-dir', dataDir, '--no-mdns', '--no-metrics', '--api-port', '0', '--listen', '/ip4/127.0.0.1/tcp/0'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`chmod 600 ${join(dataDir, 'peer.key')}`)
  })

  it('node names a missing or malformed session file', async () => {
    const missing = await secagg(['node', '--data-dir', join(root, 'n1'), '--session', join(root, 'nope.json'), '--no-mdns', '--no-metrics', '--api-port', '0'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/cannot read session file .*nope\.json: no such file/)
    const malformed = join(root, 'malformed.json')
    await writeFile(malformed, '{"name": "x", "dimension": -4}')
    const run = await secagg(['node', '--data-dir', join(root, 'n2'), '--session', malformed, '--no-mdns', '--no-metrics', '--api-port', '0'])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/session file .*malformed\.json: .*"encoding" is missing|session file .*malformed\.json: .*field/)
    const notJson = join(root, 'not-json.json')
    await writeFile(notJson, 'name: x')
    const run2 = await secagg(['node', '--data-dir', join(root, 'n3'), '--session', notJson, '--no-mdns', '--no-metrics', '--api-port', '0'])
    expect(run2.code).toBe(2)
    expect(run2.stderr).toMatch(/not-json\.json is not JSON/)
  })

  it('takes every flag from a SECAGG_ variable and from a config file, and checks them as flags', async () => {
    const fromEnv = await secagg(['node', '--data-dir', join(root, 'env')], { SECAGG_API_PORT: '70000' })
    expect(fromEnv.code).toBe(2)
    expect(fromEnv.stderr).toContain('--api-port must be a port number (0 to 65535), got 70000')
    const config = join(root, 'node.json')
    await writeFile(config, JSON.stringify({ 'data-dir': join(root, 'cfg'), 'max-queued-updates': 0 }))
    const fromFile = await secagg(['node', '--config', config])
    expect(fromFile.code).toBe(2)
    expect(fromFile.stderr).toContain('--max-queued-updates must be an integer of at least 1, got 0')
    const badChoice = await secagg(['node', '--data-dir', join(root, 'env')], { SECAGG_LOG_FORMAT: 'xml' })
    expect(badChoice.code).toBe(2)
    expect(badChoice.stderr).toMatch(/log-format.*xml/)
  })

  it('status, submit and result say when no daemon runs there', async () => {
    const dataDir = join(root, 'idle')
    for (const args of [['status'], ['result', '--session', 'x'], ['submit', '--session', 'x', '--file', join(root, 'made.session.json')]]) {
      const run = await secagg([...args, '--data-dir', dataDir])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain(`no daemon is running with data directory ${dataDir}`)
    }
    const unreadable = await secagg(['submit', '--session', 'x', '--file', join(root, 'absent.f32'), '--data-dir', dataDir])
    expect(unreadable.code).toBe(2)
    expect(unreadable.stderr).toContain('absent.f32: no such file')
  })
})
