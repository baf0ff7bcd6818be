/**
 * The `secagg` command as an operator meets it: help with examples everywhere, flags from the
 * environment (each variable for its own command only) and from a config file, sessions that say who
 * may take part, and bad input answered with a message naming it and exit code 2.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIdentity } from '../../src/daemon/data-dir.js'
import { openSession, parseSessionConfig } from '../../src/node/session-config.js'
import { simulatedPeers } from '../../src/simulation/peers.js'
import { CLI, runToEnd, secagg, type CliRun } from '../../src/testnet/daemon-process.js'

let root: string
/** Three PeerIds for closed sessions. */
let members: string[]

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'secagg-cli-'))
  members = (await simulatedPeers(3, 'cli')).map(peer => peer.identity.id)
})
afterAll(async () => { await rm(root, { recursive: true, force: true }) })

async function exists (path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false)
}

describe('secagg', () => {
  it.each([
    ['node', '--api-port'], ['keygen', '--force'], ['session create', '--min-participants'], ['status', '--data-dir'], ['submit', '--weight'], ['result', '--round'], ['verify', '--session-file']
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

  it('says its version with --version, as package.json has it', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    const run = await secagg(['--version'])
    expect({ code: run.code, stdout: run.stdout.trim() }).toEqual({ code: 0, stdout: pkg.version })
  })

  it('refuses a second node on a data directory at once, when both start together, naming the first', async () => {
    const dataDir = join(root, 'shared')
    expect((await secagg(['keygen', '--data-dir', dataDir])).code).toBe(0)
    const args = ['node', '--data-dir', dataDir, '--no-mdns', '--no-metrics', '--api-port', '0', '--listen', '/ip4/127.0.0.1/tcp/0']
    const children = [0, 1].map(() => spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }))
    const stderr = children.map(child => {
      let text = ''
      child.stderr.on('data', (chunk: Buffer) => { text += chunk.toString() })
      return () => text
    })
    // the one refused exits, with exit code 2, well before the other has even started its network
    const first = await Promise.race(children.map(async (child, i) => new Promise<number>(resolve => child.once('exit', () => { resolve(i) }))))
    const loser = children[first]
    const winner = children[1 - first]
    expect(loser.exitCode).toBe(2)
    expect(stderr[first]()).toContain(`another daemon (pid ${winner.pid}) is running with data directory ${dataDir}`)
    expect(winner.exitCode).toBeNull()
    winner.kill('SIGTERM')
    await new Promise(resolve => winner.once('exit', resolve))
    // and gave it back: the lock is gone, a new node starts
    expect(await exists(join(dataDir, 'daemon.lock'))).toBe(false)
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
    const made = await secagg(['session', 'create', '--name', 'made', '--dimension', '100', '--min-participants', '4', '--max-participants', '20', '--members', ...members, '--out', out])
    expect(made.code).toBe(0)
    expect(made.stdout.trim()).toMatch(/^[0-9a-f]{64}$/)
    expect(made.stderr).not.toContain('open session')
    expect(parseSessionConfig(JSON.parse(await readFile(out, 'utf8')))).toMatchObject({ name: 'made', dimension: 100, minParticipants: 4, members })
    const bad = await secagg(['session', 'create', '--name', 'bad', '--dimension', '100', '--bits', '40', '--members', ...members, '--out', join(root, 'bad.json')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('encoding.bits')
  })

  it('session create --byzantine-rate writes a robust session, and refuses a rate no group size holds', async () => {
    const twelve = (await simulatedPeers(12, 'cli-robust')).map(peer => peer.identity.id)
    const out = join(root, 'robust.session.json')
    const common = ['session', 'create', '--dimension', '100', '--min-participants', '10', '--max-participants', '12', '--members', ...twelve, '--group-size', '3']
    const made = await secagg([...common, '--name', 'robust', '--byzantine-rate', '0.1', '--l2-bound', '1', '--out', out])
    expect(made.code, made.stderr).toBe(0)
    expect(parseSessionConfig(JSON.parse(await readFile(out, 'utf8'))).robust).toEqual({ groupSize: 3, rule: 'median', byzantineRate: 0.1, l2Bound: 1 })
    const refused = await secagg([...common, '--name', 'too-many', '--byzantine-rate', '0.2', '--out', join(root, 'too-many.json')])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('no group size keeps both privacy and robustness')
    const stray = await secagg([...common, '--name', 'stray', '--l2-bound', '1', '--out', join(root, 'stray.json')])
    expect(stray.code).toBe(2)
    expect(stray.stderr).toContain('--l2-bound applies with --byzantine-rate')
  })

  it('session create --epsilon writes a DP session, and asks for the rest of its budget rather than guess it', async () => {
    const out = join(root, 'private.session.json')
    const made = await secagg(['session', 'create', '--name', 'private', '--dimension', '100', '--min-participants', '4', '--max-participants', '4', '--members', ...members, '--epsilon', '3', '--dp-rounds', '30', '--l2-clip', '0.5', '--out', out])
    expect(made.code).toBe(0)
    expect(parseSessionConfig(JSON.parse(await readFile(out, 'utf8'))).encoding.privacy).toEqual({ mechanism: 'discrete-gaussian', epsilon: 3, delta: 1e-5, rounds: 30, l2Clip: 0.5, modulusBits: 18 })
    const unfinished = await secagg(['session', 'create', '--name', 'unfinished', '--dimension', '100', '--members', ...members, '--epsilon', '3', '--out', join(root, 'unfinished.json')])
    expect(unfinished.code).toBe(2)
    expect(unfinished.stderr).toContain('--epsilon needs --dp-rounds')
    const bad = await secagg(['session', 'create', '--name', 'bad', '--dimension', '100', '--min-participants', '4', '--max-participants', '4', '--members', ...members, '--epsilon', '3', '--dp-rounds', '30', '--l2-clip', '1', '--modulus-bits', '40', '--out', join(root, 'bad-dp.json')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('encoding.privacy.modulusBits')
  })

  it('session create will not choose who may take part: without --members or --open it exits 2 naming both, and writes nothing', async () => {
    const out = join(root, 'unsaid.session.json')
    const unsaid = await secagg(['session', 'create', '--name', 'unsaid', '--dimension', '10', '--min-participants', '3', '--out', out])
    expect(unsaid.code).toBe(2)
    expect(unsaid.stderr).toMatch(/--members <PeerId\.\.\.>.*--open/)
    const both = await secagg(['session', 'create', '--name', 'unsaid', '--dimension', '10', '--min-participants', '3', '--members', ...members, '--open', '--out', out])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('give --members or --open, not both')
    expect(await exists(out)).toBe(false)
  })

  it('session create --open writes an open session and says plainly, there and in --help, what it does not protect against', async () => {
    const out = join(root, 'trial.session.json')
    const open = await secagg(['session', 'create', '--name', 'trial', '--dimension', '10', '--min-participants', '3', '--max-participants', '10', '--open', '--out', out])
    expect(open.code).toBe(0)
    expect(parseSessionConfig(JSON.parse(await readFile(out, 'utf8'))).members).toBe('open')
    const help = await secagg(['session', 'create', '--help'])
    for (const text of [open.stderr, help.stdout.replace(/\s+/g, ' ')]) {
      expect(text).toContain('anyone with the session file may join, under as many identities as it likes')
      expect(text).toContain('surround one honest peer with identities of its own and learn that peer\'s update')
      expect(text).toContain('only among peers you trust, or for testing')
    }
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

  it('node refuses to start on a damaged session record, naming the file, rather than forget what it promised', async () => {
    const dataDir = join(root, 'damaged-record')
    const peer = (await secagg(['keygen', '--data-dir', dataDir])).stdout.trim()
    const sessionFile = join(root, 'damaged-record.session.json')
    expect((await secagg(['session', 'create', '--name', 'damaged', '--dimension', '4', '--members', peer, '--out', sessionFile])).code).toBe(0)
    const id = openSession(JSON.parse(await readFile(sessionFile, 'utf8'))).idHex
    await mkdir(join(dataDir, 'results'), { recursive: true })
    await writeFile(join(dataDir, 'results', `${id}.json`), JSON.stringify({ version: 1, round: { round: 1, fingerprint: 'zz' } }))
    const run = await secagg(['node', '--data-dir', dataDir, '--session', sessionFile, '--no-mdns', '--no-metrics', '--api-port', '0', '--listen', '/ip4/127.0.0.1/tcp/0'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${id}.json: session record: round.fingerprint is not a hex string`)
  })

  it('takes every flag from its command\'s SECAGG_ variable and from a config file, and checks them as flags', async () => {
    const fromEnv = await secagg(['node', '--data-dir', join(root, 'env')], { SECAGG_NODE_API_PORT: '70000' })
    expect(fromEnv.code).toBe(2)
    expect(fromEnv.stderr).toContain('--api-port must be a port number (0 to 65535), got 70000')
    const config = join(root, 'node.json')
    await writeFile(config, JSON.stringify({ 'data-dir': join(root, 'cfg'), 'max-queued-updates': 0 }))
    const fromFile = await secagg(['node', '--config', config])
    expect(fromFile.code).toBe(2)
    expect(fromFile.stderr).toContain('--max-queued-updates must be an integer of at least 1, got 0')
    const badChoice = await secagg(['node', '--data-dir', join(root, 'env')], { SECAGG_NODE_LOG_FORMAT: 'xml' })
    expect(badChoice.code).toBe(2)
    expect(badChoice.stderr).toMatch(/log-format.*xml/)
  })

  it('names what is wrong with a --config file it cannot load: missing, not JSON, not an object (exit 2)', async () => {
    const notJson = join(root, 'broken.json')
    const notObject = join(root, 'list.json')
    await writeFile(notJson, '{"api-port": 7341,')
    await writeFile(notObject, '["--api-port", 7341]')
    for (const [file, message] of [
      [join(root, 'absent.json'), `cannot read config file ${join(root, 'absent.json')}: no such file`],
      [notJson, `config file ${notJson} is not valid JSON`],
      [notObject, `config file ${notObject} must hold a JSON object of options`]
    ]) {
      const run = await secagg(['node', '--config', file])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(message)
      expect(run.stderr).not.toContain('    at ')
    }
  })

  it('refuses a Node.js older than 22 at once, naming the version, before loading libp2p', async () => {
    // as Node.js 20 would report itself: the gate reads process.versions.node before any import
    const asNode20 = "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.19.0'})"
    const run = await runToEnd(process.execPath, ['--import', asNode20, CLI, '--version'])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(`secagg: Node.js 22 or newer is needed; this is Node.js 20.19.0 (${process.execPath})\n`)
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

/**
 * Runs `secagg` in `dir`, with `dir` as its HOME (so a default data directory lands there too), and with
 * no SECAGG_ variables but these.
 */
async function secaggIn (dir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SECAGG_')))
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...inherited, HOME: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  return { code, stdout, stderr }
}

/** Every command that takes flags. */
const COMMANDS = ['node', 'keygen', 'session create', 'status', 'submit', 'result', 'verify', 'testnet'] as const

/** The documented rule: `secagg session create --max-weight` is SECAGG_SESSION_CREATE_MAX_WEIGHT. */
function variableOf (command: typeof COMMANDS[number], flag: string): string {
  return `SECAGG_${command} ${flag}`.toUpperCase().replace(/[ -]/g, '_')
}

describe('SECAGG_ variables', () => {
  // A stand-in for a daemon's API, enough for status, submit and result to finish: these tests are
  // about which variable reaches which flag. Each client is pointed at a path of its own under it
  // (http://127.0.0.1:port/<tag>), so every request says which run, and which value, sent it.
  let stub: Server
  let stubUrl: string
  const seen: Array<{ tag: string, path: string, token: string }> = []

  beforeAll(async () => {
    stub = createServer((request, response) => {
      const [, tag, ...rest] = (request.url ?? '').split('/')
      const path = `/${rest.join('/')}`
      seen.push({ tag, path, token: (request.headers.authorization ?? '').replace(/^Bearer /, '') })
      request.resume()
      request.on('end', () => {
        const reply = (status: number, body: unknown): void => {
          response.writeHead(status, { 'content-type': 'application/json' })
          response.end(JSON.stringify(body))
        }
        if (path === '/v1/node') reply(200, { peerId: 'stub', addresses: [], connections: 0, sessions: [] })
        else if (request.method === 'POST' && /^\/v1\/sessions\/[^/]+\/updates/.test(path)) reply(202, { id: 'update-1', state: 'queued' })
        else if (path.startsWith('/v1/updates/')) reply(200, { id: 'update-1', state: 'aggregated', round: 1 })
        else if (/^\/v1\/sessions\/[^/]+\/rounds\//.test(path)) reply(200, { round: 1, attempt: 0, aggregator: 'stub', participants: ['a', 'b', 'c'], survivors: ['a', 'b', 'c'], weightSum: 3, mean: [0.5, -0.25] })
        else reply(404, { message: `no route ${path}` })
      })
    })
    await new Promise<void>(resolve => stub.listen(0, '127.0.0.1', resolve))
    stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`
  })
  afterAll(async () => { await new Promise(resolve => stub.close(resolve)) })

  const saw = (tag: string, test: (request: { path: string, token: string }) => boolean = () => true): boolean => seen.some(request => request.tag === tag && test(request))

  /** A data directory whose daemon.json and api-token lead to the stand-in under `tag`. */
  async function stubDataDir (dir: string, tag: string): Promise<string> {
    const dataDir = join(dir, tag)
    await mkdir(dataDir, { recursive: true })
    await writeFile(join(dataDir, 'daemon.json'), JSON.stringify({ pid: process.pid, peerId: 'stub', api: `${stubUrl}/${tag}`, addresses: [] }))
    await writeFile(join(dataDir, 'api-token'), `token-${tag}-0123456789abcdef`, { mode: 0o600 })
    return dataDir
  }

  /**
   * One command and one flag it shares with another command. `args` are the run's arguments without
   * that flag (`tag` names the run, for the stand-in); `value` makes a value for the flag; `used` says
   * whether the run took that value. `code` is how the run ends when the flag keeps its default.
   */
  interface SharedFlag {
    command: typeof COMMANDS[number]
    flag: string
    code: number
    args: (dir: string, tag: string) => Promise<string[]>
    value: (dir: string, tag: string) => Promise<string>
    used: (value: string, run: CliRun, dir: string) => Promise<boolean>
  }

  const update = async (dir: string): Promise<string> => {
    const file = join(dir, 'update.f32')
    await writeFile(file, new Uint8Array(Float32Array.from([0.5, -0.25]).buffer))
    return file
  }
  const api = (tag: string): string[] => ['--api', `${stubUrl}/${tag}`, '--token', 'token-given-0123456789abcdef']
  const path = async (dir: string, tag: string): Promise<string> => join(dir, `${tag}.out`)
  const written = async (value: string): Promise<boolean> => exists(value)
  const flagOn = async (): Promise<string> => 'true'
  const stubTag = async (_dir: string, tag: string): Promise<string> => tag
  const sessionCreate = ['session', 'create', '--name', 'shared', '--dimension', '4', '--min-participants', '3', '--max-participants', '3']

  const shared: SharedFlag[] = [
    // --out
    { command: 'keygen', flag: 'out', code: 0, args: async () => ['keygen'], value: path, used: written },
    { command: 'session create', flag: 'out', code: 0, args: async () => [...sessionCreate, '--members', ...members], value: path, used: written },
    { command: 'submit', flag: 'out', code: 0, args: async (dir, tag) => ['submit', ...api(tag), '--session', 's', '--file', await update(dir), '--wait', '5'], value: path, used: written },
    { command: 'result', flag: 'out', code: 0, args: async (_dir, tag) => ['result', ...api(tag), '--session', 's'], value: path, used: written },
    // --data-dir
    { command: 'keygen', flag: 'data-dir', code: 0, args: async () => ['keygen'], value: path, used: async value => exists(join(value, 'peer.key')) },
    {
      command: 'node',
      flag: 'data-dir',
      code: 2,
      // stops at the missing session file, once the data directory and its key are made
      args: async dir => ['node', '--session', join(dir, 'missing.session.json'), '--no-mdns', '--no-metrics', '--api-port', '0', '--listen', '/ip4/127.0.0.1/tcp/0'],
      value: path,
      used: async value => exists(join(value, 'peer.key'))
    },
    ...(['status', 'submit', 'result'] as const).map((command): SharedFlag => ({
      command,
      flag: 'data-dir',
      code: 2,
      args: async dir => command === 'status' ? ['status'] : [command, '--session', 's', ...(command === 'submit' ? ['--file', join(dir, 'update.f32')] : [])],
      value: async (dir, tag) => { await update(dir); return stubDataDir(dir, tag) },
      used: async value => saw(basename(value))
    })),
    // --force
    {
      command: 'keygen',
      flag: 'force',
      code: 2,
      args: async dir => { await mkdir(join(dir, 'keyed')); await createIdentity(join(dir, 'keyed', 'peer.key')); return ['keygen', '--data-dir', join(dir, 'keyed')] },
      value: flagOn,
      used: async (_value, run) => run.code === 0
    },
    {
      command: 'session create',
      flag: 'force',
      code: 2,
      args: async dir => { await writeFile(join(dir, 'taken.json'), '{}'); return [...sessionCreate, '--members', ...members, '--out', join(dir, 'taken.json')] },
      value: flagOn,
      used: async (_value, run) => run.code === 0
    },
    // --session
    {
      command: 'node',
      flag: 'session',
      // without a session file to read, it stops at the listen address
      code: 1,
      args: async dir => ['node', '--data-dir', join(dir, 'node'), '--no-mdns', '--no-metrics', '--api-port', '0', '--listen', '/not-an-address'],
      value: async (dir, tag) => join(dir, `${tag}.session.json`),
      used: async (value, run) => run.stderr.includes(`cannot read session file ${value}`)
    },
    ...(['submit', 'result'] as const).map((command): SharedFlag => ({
      command,
      flag: 'session',
      // --session is required: a variable of another command must not stand in for it
      code: 2,
      args: async (dir, tag) => [command, ...api(tag), ...(command === 'submit' ? ['--file', await update(dir)] : [])],
      value: stubTag,
      used: async value => seen.some(request => request.path.startsWith(`/v1/sessions/${value}/`))
    })),
    // --api, --token, --json: the daemon's client options
    ...(['status', 'submit', 'result'] as const).flatMap((command): SharedFlag[] => {
      const rest = async (dir: string): Promise<string[]> => command === 'status' ? [] : ['--session', 's', ...(command === 'submit' ? ['--file', await update(dir)] : [])]
      return [
        { command, flag: 'api', code: 2, args: async dir => [command, '--data-dir', join(dir, 'none'), '--token', 'token-given-0123456789abcdef', ...await rest(dir)], value: async (_dir, tag) => `${stubUrl}/${tag}`, used: async value => saw(value.split('/').at(-1)!) },
        { command, flag: 'token', code: 1, args: async (dir, tag) => [command, '--api', `${stubUrl}/${tag}`, ...await rest(dir)], value: async (_dir, tag) => `token-${tag}`, used: async value => seen.some(request => request.token === value) },
        { command, flag: 'json', code: 0, args: async (dir, tag) => [command, ...api(tag), ...await rest(dir)], value: flagOn, used: async (_value, run) => run.stdout.trimStart().startsWith('{') }
      ]
    }),
    {
      command: 'testnet',
      flag: 'json',
      code: 1,
      args: async () => ['testnet', '--peers', '3', '--rounds', '1', '--dim', '4', '--drop', '0', '--kill-aggregator', 'none'],
      value: flagOn,
      used: async (_value, run) => !run.stdout.includes('libp2p-secagg testnet:')
    },
    // --wait
    { command: 'submit', flag: 'wait', code: 0, args: async (dir, tag) => ['submit', ...api(tag), '--session', 's', '--file', await update(dir)], value: async () => '5', used: async (_value, run) => run.stdout.includes('round 1 (attempt 0)') },
    { command: 'result', flag: 'wait', code: 0, args: async (_dir, tag) => ['result', ...api(tag), '--session', 's'], value: async () => '5', used: async (_value, _run, dir) => saw(basename(dir), request => request.path.endsWith('?wait=5')) }
  ]

  it.concurrent.for(shared.map(c => [`${c.command} --${c.flag}`, c] as const))('secagg %s takes its own variable, never another command\'s nor the unscoped name', async ([, c], { expect }) => {
    // the testnet, given a temporary directory it cannot make, stops right after its header
    const run = async (dir: string, env: Record<string, string>): Promise<CliRun> => secaggIn(dir, await c.args(dir, basename(dir)), { ...env, ...(c.command === 'testnet' ? { TMPDIR: join(dir, 'no-such-dir') } : {}) })
    /** Runs with these variables, each set to a value of its own; those it took. */
    const taken = async (names: string[]): Promise<{ run: CliRun, took: string[] }> => {
      const dir = await mkdtemp(join(root, 'run-'))
      const values = await Promise.all(names.map(async name => c.value(dir, `${basename(dir)}-${name.toLowerCase()}`)))
      const result = await run(dir, Object.fromEntries(names.map((name, i) => [name, values[i]])))
      const took = await Promise.all(values.map(async value => c.used(value, result, dir)))
      return { run: result, took: names.filter((_name, i) => took[i]) }
    }
    const own = variableOf(c.command, c.flag)
    const unscoped = `SECAGG_${c.flag.toUpperCase().replace(/-/g, '_')}`
    const others = COMMANDS.filter(other => other !== c.command).map(other => variableOf(other, c.flag))
    const [fromOwn, fromUnscoped, fromOthers] = await Promise.all([taken([own]), taken([unscoped]), taken(others)])

    for (const { run, took } of [fromUnscoped, fromOthers]) {
      expect(took).toEqual([])
      // the flag at its default, and no variable taken for an unknown flag either
      expect(run.code, run.stderr).toBe(c.code)
    }
    expect(fromOwn.took, fromOwn.run.stderr).toEqual([own])
  })

  it('keygen with SECAGG_OUT set (as for `secagg submit --out mean.npy`) writes the key to its data directory, never there, and warns of the variable by name only', async () => {
    const dir = await mkdtemp(join(root, 'run-'))
    const run = await secaggIn(dir, ['keygen'], { SECAGG_OUT: join(dir, 'mean.npy') })
    expect(run.code).toBe(0)
    expect(await exists(join(dir, 'mean.npy'))).toBe(false)
    expect(await exists(join(dir, '.secagg', 'peer.key'))).toBe(true)
    expect(run.stderr).toContain('ignoring SECAGG_OUT: a variable names its command, such as SECAGG_NODE_DATA_DIR')
    expect(run.stderr).not.toContain('mean.npy')
  })

  it('a variable another command reads is no concern of this one: no warning, no unknown argument', async () => {
    const dir = await mkdtemp(join(root, 'run-'))
    const run = await secaggIn(dir, ['keygen'], { SECAGG_SUBMIT_OUT: join(dir, 'mean.npy'), SECAGG_NODE_API_PORT: '8000', SECAGG_SESSION_CREATE_MEMBERS: members.join(',') })
    expect(run.code).toBe(0)
    expect(run.stderr).not.toMatch(/warning|Unknown argument/)
  })

  it('session create takes --members from SECAGG_SESSION_CREATE_MEMBERS, comma-separated', async () => {
    const dir = await mkdtemp(join(root, 'run-'))
    const run = await secaggIn(dir, [...sessionCreate], { SECAGG_SESSION_CREATE_MEMBERS: members.join(','), SECAGG_SESSION_CREATE_OUT: join(dir, 'env.session.json') })
    expect(run.code, run.stderr).toBe(0)
    expect(parseSessionConfig(JSON.parse(await readFile(join(dir, 'env.session.json'), 'utf8'))).members).toEqual(members)
  })
})
