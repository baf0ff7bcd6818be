/**
 * The federated example's attack mode as its user runs it: the built `example:mnist` command (what
 * `npm run example:mnist --` runs once built; `npm run test:e2e` builds first) as a process of its own.
 * A short attacked run prints every round and the final table, writes the chart and exits 0 when robust
 * secure aggregation keeps its accuracy; inadmissible settings are refused with the library's reason
 * and exit code 2 before any training.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runToEnd } from '../../src/testnet/daemon-process.js'

const EXAMPLE = fileURLToPath(new URL('../../dist/examples/federated-mnist/main.js', import.meta.url))

let root: string
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'mnist-robust-')) })
afterAll(async () => { await rm(root, { recursive: true, force: true }) })

describe('npm run example:mnist -- --byzantine', () => {
  it('trains under a scaling attack, prints the final accuracies and writes the chart', async () => {
    const chart = join(root, 'robust.html')
    // the fast tier's run (test/examples/federated-mnist-robust.test.ts), through the command line
    const run = await runToEnd(process.execPath, [EXAMPLE, '--byzantine', '0.1', '--attack', 'scaling', '--peers', '30', '--group-size', '3',
      '--rounds', '8', '--epochs', '2', '--seed', 'byzantine-ci', '--chart', chart])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('30 peers, 3 Byzantine (f = 0.1, chosen at random')
    expect(run.stdout.match(/^ {4}\d {2}/gm)).toHaveLength(8)
    const final = run.stdout.match(/^round 8 +([\d.]+)% +([\d.]+)% +([\d.]+)% +([\d.]+)% +([\d.]+)$/m)
    expect(final).not.toBeNull()
    const [clean, plain, robust, reference, ratio] = final!.slice(1).map(Number)
    expect(ratio).toBeCloseTo(robust / clean, 2)
    expect(ratio).toBeGreaterThanOrEqual(0.95)
    expect(plain).toBeLessThan(clean - 20)
    expect(reference).toBeGreaterThan(plain)
    const page = await readFile(chart, 'utf8')
    expect(page.match(/<polyline/g)).toHaveLength(4)
    expect(page.match(/<tr>/g)).toHaveLength(9)
  }, 120_000)

  it.each([
    [['--byzantine', '0.2', '--attack', 'sign-flip'], 'robust aggregation cannot work at a Byzantine rate of 0.2'],
    [['--byzantine', '0.05', '--attack', 'sign-flip', '--group-size', '2'], 'group size must be an integer of at least 3'],
    [['--byzantine', '0.05', '--attack', 'ipm', '--epsilon', '3'], 'robust groups do not combine with DP yet']
  ])('refuses %j with exit code 2 before any training', async (args, message) => {
    const run = await runToEnd(process.execPath, [EXAMPLE, ...args, '--chart', join(root, 'refused.html')])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('--byzantine 0.05 --attack sign-flip|scaling|alie|ipm|label-flip')
    expect(run.stdout).toBe('')
  })
})
