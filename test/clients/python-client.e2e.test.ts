/**
 * The Python client (clients/python) against real `secagg node` daemons: three Python trainers, each
 * beside its own daemon, aggregate numpy arrays and torch state_dicts and get back the exact plaintext
 * mean in their own shapes; a submit whose answer is lost on the way is retried with its
 * Idempotency-Key and queued once; the client's unit tests pass; and the PyTorch FedAvg example trains
 * a CNN on MNIST across three daemons.
 *
 * Python is Debian's /usr/bin/python3, which has numpy and torch from apt (.ci/run installs them);
 * cases that need a module it lacks are skipped, saying so.
 */
import { existsSync } from 'node:fs'
import { cp, readFile, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseNpy, toNpy } from '../../src/daemon/npy.js'
import { requestAlone, runToEnd, waitReady, type CliRun } from '../../src/testnet/daemon-process.js'
import { startDaemonSession, type DaemonSession } from '../support/daemon-session.js'
import type { SessionConfig } from '../../src/node/session-config.js'

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
const CLIENT = fileURLToPath(new URL('../../clients/python', import.meta.url))
const TRAINER = fileURLToPath(new URL('./python_trainer.py', import.meta.url))
const FEDAVG = fileURLToPath(new URL('../../examples/python/fedavg_torch.py', import.meta.url))

/** Runs Python with this checkout's client package importable, as `pip install ./clients/python` would make it. */
async function python (args: string[]): Promise<CliRun> {
  return runToEnd(PYTHON, args, { PYTHONPATH: CLIENT })
}

async function importable (module: string): Promise<boolean> {
  const run = await python(['-c', `import ${module}`])
  if (run.code !== 0) console.warn(`${PYTHON} cannot import ${module}, so the cases that need it are skipped: ${run.stderr.trim().split('\n').at(-1)}`)
  return run.code === 0
}

const hasNumpy = await importable('numpy')
const hasTorch = hasNumpy && await importable('torch')

// Small and quick: every phase waits 5 s at most for a peer, as in the other daemon tests.
const QUICK: Partial<SessionConfig> = {
  minParticipants: 3,
  graph: { shape: 'complete', dropoutRate: 0, corruptRate: 0, threatModel: 'malicious' },
  phaseTimeouts: { 'advertise-keys': 5000, 'share-keys': 5000, 'masked-input': 5000, 'consistency-check': 5000, unmask: 5000 },
  announceTimeout: 5000,
  maxAttempts: 3
}

async function startSession (name: string, dimension: number, encoding: SessionConfig['encoding']): Promise<DaemonSession> {
  const net = await startDaemonSession(name, 3, { ...QUICK, dimension, encoding })
  for (const daemon of net.daemons) expect(await waitReady(daemon)).toBe(true)
  return net
}

/** A trainer's JSON line, as test/clients/python_trainer.py prints it. */
interface TrainerReport {
  input: number[]
  mean: number[]
  structure: { type: string, shape?: number[], dtype?: string, entries?: Record<string, { shape: number[], dtype: string }>, passedThrough?: number }
  round: number
  update: string
  survivors: number
  participants: number
  weightSum: number
  clipped: number
}

function parsed (run: CliRun, who: string): TrainerReport {
  if (run.code !== 0) throw new Error(`${who} exited with ${run.code}:\n${run.stderr}`)
  return JSON.parse(run.stdout) as TrainerReport
}

const CLIP = 1
// A step of the fixed-point grid at clip 1 and 16 bits, times 4 (see python_trainer.py)
const GRID = 4 / 2 ** 15
// Weights out of the session's maxWeight of 4: 1 of 4 still keeps the trainers' grid values whole.
const WEIGHTS = [4, 2, 1]

/**
 * The weighted mean of the clipped inputs as float32. The inputs are on the fixed-point grid, so the
 * daemons' sum is exact and their mean, sum / weightSum in float64, is this very number.
 */
function plaintextMean (inputs: number[][]): number[] {
  const total = WEIGHTS.reduce((a, b) => a + b, 0)
  return inputs[0].map((_, i) => Math.fround(inputs.reduce((sum, input, p) => sum + WEIGHTS[p] * Math.max(-CLIP, Math.min(CLIP, input[i])), 0) / total))
}

interface CutPost { key: string | undefined, status: number, id: string }

/**
 * A proxy to a daemon's API that forwards everything, but cuts the connection instead of passing on
 * the daemon's answer to the first submit, as a network drop right after the daemon took it would.
 */
async function cuttingProxy (target: string): Promise<{ url: string, posts: CutPost[], close: () => Promise<void> }> {
  const posts: CutPost[] = []
  const server = createServer((request, reply) => {
    void forward(target, request).then(async (response) => {
      const body = Buffer.from(await response.arrayBuffer())
      if (request.method === 'POST') {
        posts.push({ key: request.headers['idempotency-key'] as string | undefined, status: response.status, id: JSON.parse(body.toString()).id })
        if (posts.length === 1) {
          request.socket.destroy()
          return
        }
      }
      reply.writeHead(response.status, Object.fromEntries(response.headers))
      reply.end(body)
    }, (err: Error) => { reply.writeHead(502).end(err.message) })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, posts, close: async () => new Promise(resolve => { server.closeAllConnections(); server.close(() => { resolve() }) }) }
}

async function forward (target: string, request: IncomingMessage): Promise<Response> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers[name] = value
  // long polls ask for up to 300 s
  return requestAlone(`${target}${request.url}`, { method: request.method, headers, body: Buffer.concat(chunks) }, 330_000)
}

describe('the Python client with three secagg daemons', () => {
  let net: DaemonSession

  beforeAll(async () => { net = await startSession('py', 45, { clip: CLIP, bits: 16, maxParticipants: 3, maxWeight: 4 }) }, 90_000)
  afterAll(async () => { await net?.close() })

  async function trainers (kind: 'numpy' | 'state_dict', apiOfFirst?: string): Promise<TrainerReport[]> {
    const runs = await Promise.all(net.daemons.map(async (daemon, peer) => python([TRAINER, '--data-dir', daemon.dataDir, '--session', 'py', '--kind', kind,
      '--peer', String(peer), '--weight', String(WEIGHTS[peer]), ...(peer === 0 && apiOfFirst !== undefined ? ['--api', apiOfFirst] : [])])))
    return runs.map((run, peer) => parsed(run, `python trainer ${peer} (${kind})`))
  }

  async function nextRound (): Promise<number> {
    return (await (await net.daemons[0].api('/v1/sessions/py')).json() as { nextRound: number }).nextRound
  }

  function expectTheRound (reports: TrainerReport[], round: number): void {
    const expected = plaintextMean(reports.map(r => r.input))
    reports.forEach((report, peer) => {
      expect(report.mean).toEqual(expected)
      expect(report).toMatchObject({ round, survivors: 3, participants: 3, weightSum: 7 })
      expect(report.clipped).toBe(report.input.filter(v => Math.abs(v) > CLIP).length)
      expect(report.clipped, `trainer ${peer} has values beyond the clip`).toBeGreaterThan(0)
    })
  }

  it('pass the client\'s own unit tests', async () => {
    const started = Date.now()
    const run = await python(['-m', 'unittest', 'discover', '-s', `${CLIENT}/tests`, '-v'])
    const ran = /^Ran (\d+) tests? in/m.exec(run.stderr)
    const skipped = /skipped=(\d+)/.exec(run.stderr)?.[1] ?? '0'
    console.info(`python unittest (${PYTHON}): ${ran?.[1]} tests, ${skipped} skipped, ${Date.now() - started} ms`)
    expect(run.code, run.stderr).toBe(0)
    expect(Number(ran?.[1])).toBeGreaterThan(50)
  }, 60_000)

  it.skipIf(!hasNumpy)('aggregate numpy arrays to the exact plaintext mean, in each array\'s shape and dtype, one submit retried through a cut connection and queued once', async () => {
    const proxy = await cuttingProxy(net.daemons[0].info.api)
    try {
      const round = await nextRound()
      const reports = await trainers('numpy', proxy.url)
      expectTheRound(reports, round)
      expect(reports.map(r => r.structure)).toEqual([
        { type: 'ndarray', shape: [3, 3, 5], dtype: 'float64' },
        { type: 'ndarray', shape: [3, 3, 5], dtype: 'float32' },
        { type: 'ndarray', shape: [3, 3, 5], dtype: 'float32' }
      ])
      // the first answer was cut, the retry with the same key got the same update back
      expect(proxy.posts.map(p => p.status)).toEqual([202, 200])
      expect(proxy.posts[0].key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(proxy.posts[1]).toEqual({ ...proxy.posts[0], status: 200 })
      expect(reports[0].update).toBe(proxy.posts[0].id)
    } finally {
      await proxy.close()
    }
    // one update went into the round, and no copy waits for the next
    const session = await (await net.daemons[0].api('/v1/sessions/py')).json() as { queued: number, current?: unknown }
    expect(session).toMatchObject({ queued: 0 })
    expect(session.current).toBeUndefined()
  }, 120_000)

  it('install offline with pip, and aggregate .npy and raw float32 files from the shell with python3 -m secagg_client', async (context) => {
    // a copy, so that the build's files land outside the checkout
    const source = join(net.root, 'client-source')
    const venv = join(net.root, 'venv')
    await cp(CLIENT, source, { recursive: true, filter: path => !path.includes('__pycache__') })
    // the system's pip, setuptools and wheel serve the venv: nothing is fetched
    const made = await runToEnd(PYTHON, ['-m', 'venv', '--system-site-packages', '--without-pip', venv])
    const installed = made.code === 0 ? await runToEnd(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--no-index', '--no-build-isolation', '--quiet', source]) : made
    if (installed.code !== 0) {
      console.warn(`cannot install the client offline (it takes python3-venv, python3-pip, python3-setuptools and python3-wheel), so this case is skipped: ${installed.stderr.trim()}`)
      context.skip()
    }
    const inputs = [0, 1, 2].map(peer => Float32Array.from({ length: 45 }, (_, i) => ((i * 2713 + peer * 1999) % 24577 - 12288) * GRID))
    const files = await Promise.all(inputs.map(async (input, peer) => {
      const [file, bytes] = peer === 1 ? [`u${peer}.f32`, new Uint8Array(input.buffer)] : [`u${peer}.npy`, toNpy(input)]
      await writeFile(join(net.root, file), bytes)
      return join(net.root, file)
    }))
    const outs = files.map(file => file.replace(/u(\d)\./, 'mean$1.'))
    const round = await nextRound()
    const runs = await Promise.all(net.daemons.map(async (daemon, peer) => runToEnd(join(venv, 'bin', 'python'), ['-m', 'secagg_client', '--data-dir', daemon.dataDir,
      '--session', 'py', '--file', files[peer], '--weight', String(WEIGHTS[peer]), '--out', outs[peer]])))
    const expected = plaintextMean(inputs.map(input => Array.from(input)))
    for (const [peer, run] of runs.entries()) {
      expect(run.code, run.stderr).toBe(0)
      const summary = JSON.parse(run.stdout) as TrainerReport
      expect(summary).toMatchObject({ round, survivors: 3, participants: 3, weightSum: 7, clipped: inputs[peer].filter(v => Math.abs(v) > CLIP).length })
      const mean = await readFile(outs[peer])
      expect(Array.from(peer === 1 ? new Float32Array(mean.buffer, mean.byteOffset, mean.length / 4) : parseNpy(mean))).toEqual(expected)
    }
  }, 120_000)

  it.skipIf(!hasTorch)('aggregate torch state_dicts to the exact plaintext mean, giving back state_dicts of each tensor\'s shape and dtype, the integer buffer untouched', async () => {
    const round = await nextRound()
    const reports = await trainers('state_dict')
    expectTheRound(reports, round)
    reports.forEach((report, peer) => {
      expect(report.structure.type).toBe('OrderedDict')
      expect(report.structure.passedThrough).toBe(100 + peer)
      expect(report.structure.entries).toEqual({
        'conv.weight': { shape: [2, 1, 2, 2], dtype: 'float32' },
        'conv.bias': { shape: [2], dtype: 'float32' },
        'bn.weight': { shape: [2], dtype: 'float32' },
        'bn.bias': { shape: [2], dtype: 'float32' },
        'bn.running_mean': { shape: [2], dtype: 'float32' },
        'bn.running_var': { shape: [2], dtype: 'float32' },
        'fc.weight': { shape: [3, 8], dtype: 'float64' },
        'fc.bias': { shape: [3], dtype: 'float32' },
        'bn.num_batches_tracked': { shape: [], dtype: 'int64' }
      })
    })
  }, 120_000)
})

describe.skipIf(!hasTorch)('the PyTorch FedAvg example', () => {
  const ROUNDS = 3
  const PER_PEER = 300
  let net: DaemonSession

  beforeAll(async () => {
    const dimension = await python([FEDAVG, '--print-dimension'])
    expect(dimension.code, dimension.stderr).toBe(0)
    // the weights of a small CNN stay well within 4; 24 bits keep the mean close to float32
    net = await startSession('fedavg', Number(dimension.stdout), { clip: 4, bits: 24, maxParticipants: 3, maxWeight: PER_PEER })
  }, 90_000)
  afterAll(async () => { await net?.close() })

  it('trains a CNN on MNIST across three daemons: every trainer tests the same averaged model each round, and it learns', async () => {
    const runs = await Promise.all(net.daemons.map(async (daemon, peer) => python([FEDAVG, '--data-dir', daemon.dataDir, '--session', 'fedavg',
      '--peer', String(peer), '--peers', '3', '--rounds', String(ROUNDS), '--train-per-peer', String(PER_PEER), '--test-size', '500', '--json'])))
    const rounds = runs.map((run, peer) => {
      expect(run.code, `trainer ${peer}:\n${run.stderr}`).toBe(0)
      return run.stdout.trim().split('\n').map(line => JSON.parse(line) as { round: number, accuracy: number, survivors: number, weightSum: number, clipped: number })
    })
    console.info(`FedAvg test accuracy by round: ${rounds[0].map(r => r.accuracy.toFixed(3)).join(', ')}`)
    for (const mine of rounds) {
      expect(mine.map(r => r.round)).toEqual([1, 2, 3])
      for (const round of mine) expect(round).toMatchObject({ survivors: 3, weightSum: 3 * PER_PEER, clipped: 0 })
      // the same mean everywhere, so the same model and the same accuracy on the same test digits
      expect(mine.map(r => r.accuracy)).toEqual(rounds[0].map(r => r.accuracy))
    }
    expect(rounds[0].at(-1)!.accuracy).toBeGreaterThan(0.7)
  }, 180_000)
})
