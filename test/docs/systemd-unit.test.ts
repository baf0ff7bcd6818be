/**
 * examples/systemd/secagg-node.service, checked without systemd where it can be: that it runs the bin a
 * packed install has (not a clone's node_modules/.bin/node, not dist/ by path), gives the daemon the
 * data directory systemd makes for it, outlasts the daemon's graceful stop, keeps the hardening that
 * would break Node.js out, and that its start-up gate (ExecStartPost) ends when it should. Where
 * `systemd-analyze` is installed, it verifies the unit too. docs/operations.md states the numbers the
 * unit and the protocol use, and links only to files that exist.
 */
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT_BAD_INPUT } from '../../src/cli/cli-error.js'
import { nodeOptions } from '../../src/cli/cmds/node/options.js'
import { RUNTIME_FILE } from '../../src/daemon/data-dir.js'
import { DEFAULT_DAEMON_OPTIONS } from '../../src/daemon/options.js'
import { CLOCK_SKEW_MS } from '../../src/protocol/round/participant/announce.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const UNIT_PATH = join(REPO, 'examples/systemd/secagg-node.service')
const unitText = readFileSync(UNIT_PATH, 'utf8')
const operations = readFileSync(join(REPO, 'docs/operations.md'), 'utf8')
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> }

/** Where `npm install --prefix /opt/secagg libp2p-secagg` puts the bin: the path the docs give. */
const PREFIX = '/opt/secagg'
const PACKED_BIN = `${PREFIX}/node_modules/.bin/secagg`
/** What the daemon does after the shutdown timeout: abandon the round, stop libp2p, close the datastore and metrics. */
const STOP_MARGIN_MS = 10_000

type Unit = Record<string, Array<[key: string, value: string]>>

/** systemd's unit syntax, as far as this file uses it: sections, `#`/`;` comments, repeated keys, `\` continuations. */
function parseUnit (text: string): Unit {
  const unit: Unit = {}
  let section: string | undefined
  const lines = text.replace(/\\\n/g, ' ').split('\n')
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[(.+)\]$/.exec(line)
    if (header !== null) {
      section = header[1]
      unit[section] ??= []
      continue
    }
    const eq = line.indexOf('=')
    if (section === undefined || eq < 0) throw new Error(`not a unit file line: ${line}`)
    unit[section].push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()])
  }
  return unit
}

/** A command line split into words as systemd does it: double and single quotes, backslash escapes. */
function splitWords (line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"') word += line[++i]
      else word += c
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (c === '"' || c === "'") {
      quote = c
      word ??= ''
    } else if (c === '\\') {
      word = (word ?? '') + line[++i]
    } else {
      word = (word ?? '') + c
    }
  }
  if (quote !== undefined) throw new Error(`unclosed quote in: ${line}`)
  if (word !== undefined) words.push(word)
  return words
}

const unit = parseUnit(unitText)
const all = (section: string, key: string): string[] => (unit[section] ?? []).filter(([k]) => k === key).map(([, v]) => v)
const one = (section: string, key: string): string | undefined => all(section, key).at(-1)
const environment = new Map(all('Service', 'Environment').flatMap(value => splitWords(value)).map(assignment => {
  const eq = assignment.indexOf('=')
  return [assignment.slice(0, eq), assignment.slice(eq + 1)] as const
}))
const execStart = splitWords(one('Service', 'ExecStart') ?? '')
const flagOf = (flag: string): string | undefined => {
  const at = execStart.indexOf(`--${flag}`)
  return at < 0 ? undefined : execStart[at + 1]
}
const configPath = flagOf('config')
const nodeConfig = JSON.parse(readFileSync(join(REPO, 'examples/systemd', 'node.json'), 'utf8')) as Record<string, unknown>

/** systemd's time span ("45", "45s", "1min 30s") in milliseconds. */
function timeSpanMs (span: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }
  let total = 0
  for (const part of span.trim().split(/\s+/)) {
    const match = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part)
    if (match === null || (match[2] !== '' && units[match[2]] === undefined)) throw new Error(`not a time span: ${span}`)
    total += Number(match[1]) * (match[2] === '' ? 1000 : units[match[2]])
  }
  return total
}

describe('examples/systemd/secagg-node.service', () => {
  it('has the three sections and starts at boot', () => {
    expect(Object.keys(unit)).toEqual(['Unit', 'Service', 'Install'])
    expect(one('Install', 'WantedBy')).toBe('multi-user.target')
    expect(all('Unit', 'After').join(' ')).toContain('network-online.target')
  })

  it("runs the packed install's secagg bin, which package.json names", () => {
    expect(execStart[0]).toBe(PACKED_BIN)
    expect(execStart[1]).toBe('node')
    // node_modules/.bin/<name> is npm's link to package.json's bin.<name>
    const name = PACKED_BIN.split('/').at(-1)!
    expect(PACKED_BIN.endsWith(`/node_modules/.bin/${name}`)).toBe(true)
    expect(pkg.bin[name]).toBe('./dist/src/cli/index.js')
    // The bin's source starts `#!/usr/bin/env node`: the unit's PATH decides which Node.js runs it.
    const source = pkg.bin[name].replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')
    expect(readFileSync(join(REPO, source), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
    const path = environment.get('PATH')
    expect(path?.split(':')).toEqual(expect.arrayContaining(['/usr/local/bin', '/usr/bin']))
  })

  it("uses neither a clone's Node.js nor the package's files by path", () => {
    expect(unitText).not.toContain('node_modules/.bin/node')
    expect(unitText).not.toMatch(/\bdist\//)
    expect(unitText).not.toContain('node_modules/libp2p-secagg/dist')
  })

  it('tells the daemon the data directory systemd makes for it, with the same mode', () => {
    const state = one('Service', 'StateDirectory')
    expect(state).toBe('secagg')
    expect(environment.get('SECAGG_NODE_DATA_DIR')).toBe(`/var/lib/${state}`)
    // nothing else may move it: a flag beats the environment, the config file loses to it anyway
    expect(flagOf('data-dir')).toBeUndefined()
    expect(nodeConfig).not.toHaveProperty('data-dir')
    // the daemon makes its directory 0700; systemd's default would be 0755
    expect(one('Service', 'StateDirectoryMode')).toBe('0700')
    expect(one('Service', 'DynamicUser') ?? 'no').toMatch(/^(no|false|0)$/)
    expect(one('Service', 'User')).toBe('secagg')
  })

  it('reads node.json from its configuration directory, and node.json holds only `secagg node` flags', () => {
    const config = one('Service', 'ConfigurationDirectory')
    expect(config).toBe('secagg')
    expect(configPath).toBe(`/etc/${config}/node.json`)
    const flags = new Set(Object.keys(nodeOptions))
    expect(Object.keys(nodeConfig).filter(key => !flags.has(key))).toEqual([])
    for (const session of nodeConfig.session as string[]) expect(session.startsWith(`/etc/${config}/`)).toBe(true)
    expect(environment.get('SECAGG_NODE_LOG_FORMAT')).toBe('json')
  })

  it("gives the daemon's graceful stop time to finish before SIGKILL", () => {
    const shutdownTimeout = Number(environment.get('SECAGG_NODE_SHUTDOWN_TIMEOUT') ?? DEFAULT_DAEMON_OPTIONS.shutdownTimeout)
    expect(Number.isInteger(shutdownTimeout)).toBe(true)
    // one place for it, beside TimeoutStopSec: the file could not override the variable anyway
    expect(nodeConfig).not.toHaveProperty('shutdown-timeout')
    expect(flagOf('shutdown-timeout')).toBeUndefined()
    const timeoutStop = timeSpanMs(one('Service', 'TimeoutStopSec') ?? '90')
    expect(timeoutStop).toBeGreaterThanOrEqual(shutdownTimeout + STOP_MARGIN_MS)
    // one SIGTERM, to the daemon: a second signal would make it exit at once
    expect(one('Service', 'KillSignal') ?? 'SIGTERM').toBe('SIGTERM')
    expect(one('Service', 'KillMode')).toBe('mixed')
  })

  it('restarts on failure, but not on bad input, which a restart cannot fix', () => {
    expect(one('Service', 'Restart')).toBe('on-failure')
    expect(all('Service', 'RestartPreventExitStatus').join(' ').split(/\s+/)).toContain(String(EXIT_BAD_INPUT))
  })

  it('is hardened without what Node.js and libp2p cannot run under', () => {
    for (const [key, value] of [['NoNewPrivileges', 'true'], ['ProtectSystem', 'strict'], ['ProtectHome', 'true'], ['PrivateTmp', 'true'], ['UMask', '0077'], ['SystemCallFilter', '@system-service'], ['SystemCallErrorNumber', 'EPERM']]) {
      expect(one('Service', key), key).toBe(value)
    }
    expect(one('Service', 'CapabilityBoundingSet')).toBe('')
    // V8's JIT executes the code it writes
    expect(one('Service', 'MemoryDenyWriteExecute') ?? 'no').toMatch(/^(no|false|0)$/)
    // libp2p needs the network, and the interface list (netlink) for its listen addresses
    expect(one('Service', 'PrivateNetwork') ?? 'no').toMatch(/^(no|false|0)$/)
    expect(one('Service', 'IPAddressDeny')).toBeUndefined()
    expect(one('Service', 'RestrictAddressFamilies')?.split(/\s+/)).toEqual(expect.arrayContaining(['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX']))
    // readiness is the ExecStartPost gate and /readyz: nothing in the package sends sd_notify
    expect(one('Service', 'Type')).toBe('exec')
  })
})

describe("the unit's start-up gate (ExecStartPost)", () => {
  const post = splitWords(one('Service', 'ExecStartPost') ?? '')
  const script = post[post.indexOf('-e') + 1]
  const dirs: string[] = []

  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  /** Runs the gate as systemd would, for a daemon of this PID; resolves to its exit code, or 'waiting' after `ms`. */
  async function gate (dataDir: string, mainPid: number, ms: number, whileWaiting?: () => Promise<void>): Promise<number | 'waiting'> {
    const child = spawn(process.execPath, ['-e', script], { env: { SECAGG_NODE_DATA_DIR: dataDir, MAINPID: String(mainPid) }, stdio: 'ignore' })
    const exited = new Promise<number>(resolve => child.once('exit', code => { resolve(code ?? -1) }))
    await whileWaiting?.()
    const timer = new Promise<'waiting'>(resolve => setTimeout(() => { resolve('waiting') }, ms))
    const outcome = await Promise.race([exited, timer])
    if (outcome === 'waiting') {
      child.kill('SIGKILL')
      await exited
    }
    return outcome
  }

  async function dataDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'secagg-gate-'))
    dirs.push(dir)
    return dir
  }

  it('runs node through the PATH, reading the data directory from the environment', () => {
    expect(post.slice(0, 3)).toEqual(['/usr/bin/env', 'node', '-e'])
    expect(script).toContain('process.env.SECAGG_NODE_DATA_DIR')
    expect(script).toContain(`'${RUNTIME_FILE}'`)
    expect(script).toContain('process.env.MAINPID')
  })

  it('ends with 0 once the daemon wrote its runtime file with its PID', async () => {
    const dir = await dataDir()
    const code = await gate(dir, process.pid, 10_000, async () => {
      await new Promise(resolve => setTimeout(resolve, 400))
      await writeFile(join(dir, RUNTIME_FILE), JSON.stringify({ pid: process.pid, peerId: 'x', api: 'http://127.0.0.1:1', addresses: [] }))
    })
    expect(code).toBe(0)
  })

  it("keeps waiting while the runtime file is another process's (a daemon that crashed)", async () => {
    const dir = await dataDir()
    await writeFile(join(dir, RUNTIME_FILE), JSON.stringify({ pid: process.pid + 1_000_000, peerId: 'x', api: 'http://127.0.0.1:1', addresses: [] }))
    expect(await gate(dir, process.pid, 1500)).toBe('waiting')
  })

  it('ends with 1 when the daemon is gone, so that `systemctl start` fails at once', async () => {
    const dir = await dataDir()
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await new Promise(resolve => dead.once('exit', resolve))
    expect(await gate(dir, dead.pid!, 10_000)).toBe(1)
  })
})

const systemdAnalyze = process.env.PATH?.split(delimiter).map(dir => join(dir, 'systemd-analyze')).find(path => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
})
if (systemdAnalyze === undefined) console.log('systemd-analyze verify skipped: systemd-analyze is not installed on this machine')

describe.skipIf(systemdAnalyze === undefined)('systemd-analyze verify', () => {
  it('finds nothing to say about the unit', async () => {
    // It checks that ExecStart's program exists, and the packed install is not on this machine: a copy
    // of the unit runs a stand-in instead, and everything else is the unit as shipped.
    const dir = await mkdtemp(join(tmpdir(), 'secagg-unit-'))
    try {
      const standIn = join(dir, 'secagg')
      await writeFile(standIn, '#!/bin/sh\n')
      await chmod(standIn, 0o755)
      const copy = join(dir, 'secagg-node.service')
      await writeFile(copy, unitText.replace(`ExecStart=${PACKED_BIN} `, `ExecStart=${standIn} `))
      const child = spawn(systemdAnalyze!, ['verify', copy], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
      const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
      // systemd-analyze exits 0 on unknown keys and bad values too, and only says so
      expect(output.trim()).toBe('')
      expect(code).toBe(0)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('docs/operations.md', () => {
  it("states the unit's stop timeout, the daemon's, and the clock skew the protocol tolerates", () => {
    expect(operations).toContain(`TimeoutStopSec=${one('Service', 'TimeoutStopSec')}`)
    expect(operations).toContain(`${DEFAULT_DAEMON_OPTIONS.shutdownTimeout / 1000} s`)
    expect(operations).toContain(`${CLOCK_SKEW_MS / 1000} s`)
    expect(operations).toContain(PACKED_BIN)
  })

  it('links only to files that exist', () => {
    const links = [...operations.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map(match => match[1]).filter(target => !/^[a-z]+:/.test(target))
    expect(links.length).toBeGreaterThan(0)
    const base = dirname(join(REPO, 'docs/operations.md'))
    expect(links.filter(target => !existsSync(resolve(base, target)))).toEqual([])
  })
})
