/**
 * The package as a new user meets it, outside this repository: `npm pack` (its prepack builds dist/),
 * the tarball installed into an empty directory with `npm install`, then the installed `secagg` run
 * there: --version, keygen, a session and a round of three daemons, one fed by the Python client the
 * package ships, each result the exact mean. The
 * install is also counted: a default install has no WebRTC tree, and asking for WebRTC without it
 * gets an error that says what to install.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runToEnd, startDaemon, waitReady, type CliRun, type DaemonProcess } from '../../src/testnet/daemon-process.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
// The goal for `npm install libp2p-secagg` without WebRTC (about 990 before WebRTC was optional)
const MAX_PACKAGES = 350

let root: string
let app: string
let version: string
const daemons: DaemonProcess[] = []

/** Runs a command with this process's Node.js (22 or newer) first on PATH, as a user's shell would have it. */
async function run (command: string, args: string[], cwd: string): Promise<CliRun> {
  const path = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`
  const done = await runToEnd('sh', ['-c', `cd "${cwd}" && exec "$0" "$@"`, command, ...args], { PATH: path, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' })
  if (done.code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${done.code}: ${done.stderr}`)
  return done
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'secagg-pack-'))
  version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string }).version
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', root], REPO)
  const tarball = join(root, packed.stdout.trim().split('\n').at(-1)!)
  app = join(root, 'app')
  await run('mkdir', [app], root)
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  await run('npm', ['install', tarball], app)
}, 300_000)

afterAll(async () => {
  for (const daemon of daemons) daemon.child.kill('SIGKILL')
  await rm(root, { recursive: true, force: true })
})

describe('the packed package, installed into an empty directory', () => {
  it(`installs under ${MAX_PACKAGES} packages, without WebRTC's tree`, async () => {
    const lock = JSON.parse(await readFile(join(app, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> }
    const installed = Object.keys(lock.packages).filter(path => path !== '')
    console.log(`npm install of the tarball: ${installed.length} packages`)
    expect(installed.length).toBeLessThan(MAX_PACKAGES)
    expect(installed.filter(path => /node_modules\/(@libp2p\/webrtc|react-native|node-datachannel|metro)$/.test(path))).toEqual([])
  })

  it('runs npx secagg --version and secagg keygen', async () => {
    expect((await run('npx', ['secagg', '--version'], app)).stdout.trim()).toBe(version)
    const key = await run('npx', ['secagg', 'keygen', '--data-dir', join(app, 'k')], app)
    expect(key.stdout.trim()).toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]+$/)
  })

  it('loads each entry point by its subpath', async () => {
    const script = `for (const entry of ['', '/core', '/node', '/daemon', '/testing']) { const m = await import('libp2p-secagg' + entry); console.log(entry || '/', Object.keys(m).length) }`
    const listed = await run(process.execPath, ['--input-type=module', '-e', script], app)
    expect(listed.stdout.trim().split('\n').map(line => line.split(' ')[0])).toEqual(['/', '/core', '/node', '/daemon', '/testing'])
  })

  it('runs a round of three daemons from there, each result the exact mean', async () => {
    const cli = join(app, 'node_modules', 'libp2p-secagg', 'dist', 'src', 'cli', 'index.js')
    const ids = await Promise.all([0, 1, 2].map(async i => (await run('npx', ['secagg', 'keygen', '--data-dir', join(app, `node${i}`)], app)).stdout.trim()))
    await run('npx', ['secagg', 'session', 'create', '--name', 'demo', '--dimension', '4', '--min-participants', '3', '--max-participants', '3', '--max-weight', '1000', '--members', ...ids, '--out', join(app, 'demo.session.json')], app)
    const session = join(app, 'demo.session.json')
    daemons.push(await startDaemon(join(app, 'node0'), ['--session', session], { cli }))
    const first = daemons[0].info.addresses[0]
    daemons.push(...await Promise.all([1, 2].map(async i => startDaemon(join(app, `node${i}`), ['--session', session, '--bootstrap', first], { cli }))))
    for (const daemon of daemons) expect(await waitReady(daemon)).toBe(true)
    // on the fixed-point grid (16 bits, clip 1): the mean is exact
    const inputs = [0, 1, 2].map(i => Float32Array.from([0.125 * (i + 1), -0.25, 0.5, 0.0625 * i]))
    // the first trainer uses the Python client the package ships, the others `secagg submit`
    const python = join(app, 'node_modules', 'libp2p-secagg', 'clients', 'python')
    const results = await Promise.all(daemons.map(async (daemon, i) => {
      const file = join(app, `u${i}.f32`)
      await writeFile(file, new Uint8Array(inputs[i].buffer))
      if (i === 0) {
        const submitted = await runToEnd('python3', ['-m', 'secagg_client', '--data-dir', daemon.dataDir, '--session', 'demo', '--file', file, '--timeout', '120', '--print-mean'], { PYTHONPATH: python })
        expect({ code: submitted.code, stderr: submitted.stderr }).toEqual({ code: 0, stderr: '' })
        return JSON.parse(submitted.stdout) as { round: number, survivors: number, mean: number[] }
      }
      const submitted = await run(process.execPath, [cli, 'submit', '--data-dir', daemon.dataDir, '--session', 'demo', '--file', file, '--wait', '120', '--json'], app)
      return JSON.parse(submitted.stdout) as { round: number, survivors: string[] | number, mean: number[] }
    }))
    const mean = [0, 1, 2, 3].map(j => inputs.reduce((sum, input) => sum + input[j], 0) / 3)
    for (const result of results) {
      expect(result.round).toBe(1)
      expect(typeof result.survivors === 'number' ? result.survivors : result.survivors.length).toBe(3)
      // the Python client reads the mean as float32, the JSON of `secagg submit` as float64
      result.mean.forEach((v, j) => { expect(v).toBeCloseTo(mean[j], 6) })
    }
  }, 180_000)

  it('names the package to install when a WebRTC address is asked for without it', async () => {
    const cli = join(app, 'node_modules', 'libp2p-secagg', 'dist', 'src', 'cli', 'index.js')
    const refused = await runToEnd(process.execPath, [cli, 'node', '--data-dir', join(app, 'rtc'), '--no-mdns', '--no-metrics', '--api-port', '0', '--listen', '/ip4/127.0.0.1/udp/0/webrtc-direct'])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain('npm install @libp2p/webrtc')
  })
})
