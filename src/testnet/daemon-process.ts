/**
 * Real `secagg` processes, for the local testnet and the daemon's end-to-end tests: the built CLI
 * (dist/, which `npm start` and `npm test` build first) run by this process's Node, output kept.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
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
  api: (path: string, init?: ApiInit) => Promise<Response>
}

/** Whether the daemon's process has neither exited nor been killed. */
export function isRunning (peer: DaemonProcess): boolean {
  return peer.child.exitCode === null && peer.child.signalCode === null
}

export interface ApiInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
}

/**
 * How long a request to a daemon's API may take: long polls ask for a few seconds at most, so a daemon
 * that takes this long is stuck, and the testnet reports it instead of waiting with it.
 */
const API_TIMEOUT = 60_000

/**
 * Starts `secagg node` on loopback with free ports (TCP unless args give --listen), and waits until its
 * API is up; `cli` is another build of the command, such as an installed package's. Aborting `signal` gives the start up and kills the process, so that a launcher stopping
 * while a daemon starts leaves nothing running.
 */
export async function startDaemon (dataDir: string, args: string[], options: { signal?: AbortSignal, cli?: string } = {}): Promise<DaemonProcess> {
  options.signal?.throwIfAborted()
  const listen = args.includes('--listen') ? [] : ['--listen', '/ip4/127.0.0.1/tcp/0']
  const child = spawn(process.execPath, [options.cli ?? CLI, 'node', '--data-dir', dataDir, ...listen, '--no-mdns',
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
    const api = async (path: string, init: ApiInit = {}): Promise<Response> => requestAlone(`${info.api}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } })
      .catch((err: Error) => { throw new Error(`${init.method ?? 'GET'} ${path} at secagg node ${child.pid}: ${err.message}`, { cause: err }) })
    return { child, dataDir, info, token, logs: () => output, exited, api }
  } catch (err) {
    // a daemon that did not come up, or whose start was given up, is not left running
    child.kill('SIGKILL')
    throw err
  } finally {
    options.signal?.removeEventListener('abort', abandon)
  }
}

/**
 * Waits until the daemon says it is ready (GET /readyz: listening, sessions joined, a member of each
 * connected), as an operator's probe would; false if it is not within `timeout` ms.
 */
export async function waitReady (peer: DaemonProcess, timeout = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeout
  while (isRunning(peer) && Date.now() < deadline) {
    const status = await requestAlone(`${peer.info.api}/readyz`, {}, 5_000).then(r => r.status, () => 0)
    if (status === 200) return true
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return false
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

/**
 * An HTTP request on a connection of its own, closed after it. With fetch's pool of kept-alive
 * connections, a request can go out on one the daemon is closing that very moment, and fail with
 * "other side closed" before the daemon reads it; the busier the machine, the wider that window (at 50
 * daemons on two cores it failed an update's POST, which cannot simply be sent again). A new connection
 * per request has no such window, and on loopback costs little.
 */
export async function requestAlone (url: string, init: ApiInit, timeout = API_TIMEOUT): Promise<Response> {
  const signal = AbortSignal.timeout(timeout)
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => { reject(signal.aborted ? signal.reason : err) }
    const request = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent: false, signal }, (response) => {
      // read whole under the same deadline: these bodies are small, and a stream cut by the deadline
      // would otherwise come back short instead of failing
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.once('error', fail)
      response.once('end', () => {
        try {
          const headers = new Headers()
          for (const [name, value] of Object.entries(response.headers)) {
            for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one)
          }
          const status = response.statusCode ?? 0
          resolve(new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), { status, headers }))
        } catch (err: any) {
          fail(err)
        }
      })
    })
    request.on('error', fail)
    request.end(init.body)
  })
}

/** Statuses whose responses have no body (fetch's Response refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])
