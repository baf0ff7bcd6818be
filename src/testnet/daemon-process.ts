/**
 * Real `secagg` processes, for the local testnet and the daemon's end-to-end tests: the built CLI
 * (dist/, which `npm start` and `npm test` build first) run by this process's Node, output kept.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RuntimeInfo } from '../daemon/data-dir.js'

// From src/testnet (under vitest) or dist/src/testnet (built), the built CLI
const BUILT = import.meta.url.includes('/dist/src/') ? '../cli/index.js' : '../../dist/src/cli/index.js'
export const CLI = fileURLToPath(new URL(BUILT, import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a program to its end, collecting what it printed. */
export async function runToEnd (command: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>(resolve => child.once('close', resolve))
  return { code, stdout, stderr }
}

/** Runs a `secagg` command to its end. */
export async function secagg (args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runToEnd(process.execPath, [CLI, ...args], env)
}

export interface DaemonProcess {
  child: ChildProcess
  dataDir: string
  info: RuntimeInfo
  token: string
  /** Everything it logged so far (JSON lines). */
  logs: () => string
  /** Resolves with the exit code. */
  exited: Promise<number | null>
  /** An authenticated request to its API. */
  api: (path: string, init?: RequestInit) => Promise<Response>
}

/**
 * How long a request to a daemon's API may take: long polls ask for a few seconds at most, so a daemon
 * that takes this long is stuck, and the testnet reports it instead of waiting with it.
 */
const API_TIMEOUT = 60_000

/**
 * Starts `secagg node` on loopback with free ports (TCP unless args give --listen), and waits until its
 * API is up. Aborting `signal` gives the start up and kills the process, so that a launcher stopping
 * while a daemon starts leaves nothing running.
 */
export async function startDaemon (dataDir: string, args: string[], options: { signal?: AbortSignal } = {}): Promise<DaemonProcess> {
  options.signal?.throwIfAborted()
  const listen = args.includes('--listen') ? [] : ['--listen', '/ip4/127.0.0.1/tcp/0']
  const child = spawn(process.execPath, [CLI, 'node', '--data-dir', dataDir, ...listen, '--no-mdns',
    '--api-port', '0', '--metrics-port', '0', '--log-format', 'json', '--log-level', 'debug', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>(resolve => child.once('exit', resolve))
  const abandon = (): void => { child.kill('SIGKILL') }
  options.signal?.addEventListener('abort', abandon, { once: true })
  try {
    const info = await runtimeInfoOf(child, dataDir, () => output, options.signal)
    const token = (await readFile(join(dataDir, 'api-token'), 'utf8')).trim()
    const request = async (path: string, init: RequestInit): Promise<Response> => fetch(`${info.api}${path}`, { signal: AbortSignal.timeout(API_TIMEOUT), ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } })
      .catch((err: Error & { cause?: Error }) => { throw new Error(`${init.method ?? 'GET'} ${path} at secagg node ${child.pid}: ${err.cause?.message ?? err.message}`, { cause: err }) })
    const api = async (path: string, init: RequestInit = {}): Promise<Response> => request(path, init).catch(async (err: Error) => {
      // A request may meet a kept-alive connection the daemon is just closing, more often the busier
      // the machine: one that changes nothing is safe to send again, to a daemon still running.
      if ((init.method ?? 'GET') !== 'GET' || child.exitCode !== null || child.signalCode !== null) throw err
      await new Promise(resolve => setTimeout(resolve, 200))
      return request(path, init)
    })
    return { child, dataDir, info, token, logs: () => output, exited, api }
  } catch (err) {
    // a daemon that did not come up, or whose start was given up, is not left running
    child.kill('SIGKILL')
    throw err
  } finally {
    options.signal?.removeEventListener('abort', abandon)
  }
}

/** The runtime note the daemon writes to its data directory once its API is up. */
async function runtimeInfoOf (child: ChildProcess, dataDir: string, output: () => string, signal?: AbortSignal): Promise<RuntimeInfo> {
  const deadline = Date.now() + 30_000
  for (;;) {
    signal?.throwIfAborted()
    if (child.exitCode !== null) throw new Error(`secagg node exited with ${child.exitCode}: ${output()}`)
    if (Date.now() > deadline) throw new Error(`secagg node did not start within 30 s: ${output()}`)
    const found = await readFile(join(dataDir, 'daemon.json'), 'utf8').then(text => JSON.parse(text) as RuntimeInfo, () => undefined)
    if (found !== undefined && found.pid === child.pid) return found
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
