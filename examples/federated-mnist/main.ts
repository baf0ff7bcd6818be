/**
 * `npm run example:mnist -- [--peers 12] [--rounds 20] [--clip 0.5] [--drops 2] [--seed fedavg] [--chart file.html]`
 *
 * Trains federated MNIST three ways (secure aggregation over libp2p, plaintext averaging, central),
 * prints each round's accuracies and clipping, writes the chart, and exits 1 if secure and plaintext
 * accuracy ever differ by more than half a percentage point.
 */
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { renderChart } from './chart.js'
import { DEFAULT_FEDERATED, PARITY, trainFederated, type FederatedOptions } from './federated.js'

function integer (value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} must be an integer from ${min} to ${max}, got '${value}'`)
  return n
}

function positive (value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} must be a positive number, got '${value}'`)
  return n
}

function options (): { federated: FederatedOptions, chart: string } {
  const { values } = parseArgs({
    options: {
      peers: { type: 'string' },
      rounds: { type: 'string' },
      clip: { type: 'string' },
      drops: { type: 'string' },
      seed: { type: 'string' },
      chart: { type: 'string' }
    }
  })
  const peers = integer(values.peers, 'peers', DEFAULT_FEDERATED.peers, 4, 50)
  return {
    federated: {
      ...DEFAULT_FEDERATED,
      peers,
      rounds: integer(values.rounds, 'rounds', DEFAULT_FEDERATED.rounds, 1, 200),
      clip: positive(values.clip, 'clip', DEFAULT_FEDERATED.clip),
      dropsPerRound: integer(values.drops, 'drops', DEFAULT_FEDERATED.dropsPerRound, 0, Math.floor(peers / 4)),
      seed: values.seed ?? DEFAULT_FEDERATED.seed
    },
    chart: values.chart ?? 'federated-mnist.html'
  }
}

let run: ReturnType<typeof options>
try {
  run = options()
} catch (err: any) {
  process.stderr.write(`${err.message}\n`)
  process.exit(2)
}
const { federated, chart } = run
const pct = (v: number): string => `${(100 * v).toFixed(2)}%`.padStart(7)
process.stdout.write(`${federated.peers} peers, ${federated.rounds} rounds, clip ±${federated.clip}, ${federated.dropsPerRound} dropping out of every second round\n`)
process.stdout.write('round  secure  plaintext  central  survivors  clipped  audited\n')
const rounds = await trainFederated(federated, (r) => {
  const drops = [...r.dropped.map(d => `peer ${d.peer} left in ${d.phase}`), ...r.failed.map(peer => `peer ${peer}'s round failed`)].join(', ')
  process.stdout.write(`${String(r.round).padStart(5)}  ${pct(r.secure)}  ${pct(r.plaintext)}    ${pct(r.central)}  ${String(r.survivors).padStart(9)}  ${String(r.clipped).padStart(7)}  ${`${Math.round(r.auditMs)} ms`.padStart(7)}${drops === '' ? '' : `  (${drops})`}\n`)
})
await writeFile(chart, renderChart(federated, rounds))
const worst = Math.max(...rounds.map(r => Math.abs(r.secure - r.plaintext)))
process.stdout.write(`chart: ${chart}\nlargest secure-plaintext difference: ${(100 * worst).toFixed(2)} percentage points (at most ${100 * PARITY})\n`)
process.exit(worst <= PARITY ? 0 : 1)
