/**
 * `secagg testnet` (and `npm start`): runs the local testnet, printing a line as each round enters a
 * phase, a table row per round and PASS or FAIL; with --json, one JSON object per round instead.
 */
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { access, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { PHASES, type Phase } from '../../../protocol/round/phases.js'
import { detectedText, renderReport } from '../../../testnet/report.js'
import { Testnet, type RoundReport, type TestnetTransport } from '../../../testnet/testnet.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'

export interface TestnetArgs {
  peers: number
  rounds: number
  dim: number
  drop: string
  killAggregator?: string
  /** One of TRANSPORTS: yargs checks it. */
  transport: TestnetTransport
  seed?: string
  json: boolean
  keep: boolean
  report?: string
}

function phase (value: string, flag: string): Phase {
  if (!(PHASES as readonly string[]).includes(value)) throw new CliError(`${flag}: '${value}' is not a phase (${PHASES.join(', ')})`, EXIT_BAD_INPUT)
  return value as Phase
}

function count (value: number, flag: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new CliError(`${flag} must be an integer from ${min} to ${max}, got ${value}`, EXIT_BAD_INPUT)
  return value
}

export async function testnetHandler (args: TestnetArgs): Promise<void> {
  const peers = count(args.peers, '--peers', 3, 200)
  const [dropCount, dropPhase] = args.drop.split(':')
  const drop = { count: count(Number(dropCount), '--drop', 0, peers - 3), ...(dropPhase !== undefined ? { phase: phase(dropPhase, '--drop') } : {}) }
  const killAggregator = args.killAggregator === undefined || args.killAggregator === 'none' ? undefined : phase(args.killAggregator, '--kill-aggregator')
  const transport = args.transport
  const seed = args.seed ?? randomBytes(8).toString('hex')
  const say = (line: string): void => { if (!args.json) process.stdout.write(`${line}\n`) }
  const rounds = count(args.rounds, '--rounds', 1, 1000)
  // the report is written after the whole run: a directory it cannot go to is said now, not then
  if (args.report !== undefined) {
    const directory = dirname(resolve(args.report))
    await access(directory, constants.W_OK).catch((err: NodeJS.ErrnoException) => { throw new CliError(`--report: cannot write to ${directory} (${err.code ?? err.message})`, EXIT_BAD_INPUT) })
  }
  const testnet = new Testnet({
    peers,
    transport,
    rounds,
    dimension: count(args.dim, '--dim', 1, 10_000_000),
    drop,
    ...(killAggregator !== undefined ? { killAggregator } : {}),
    seed
  }, {
    peer: (i, peerId, api) => { say(`  peer-${i}  ${peerId}  ${api}`) },
    phase: (round, attempt, p, aggregator) => { say(`  round ${round} attempt ${attempt}: ${p} (aggregator ${aggregator})`) },
    killed: (round, name, p) => { say(`  round ${round}: killed ${name} in ${p}`) },
    round: (report) => {
      if (args.json) process.stdout.write(JSON.stringify(report) + '\n')
      else say(table([report]))
    }
  })
  let interrupted = false
  const onSignal = (): void => {
    if (interrupted) process.exit(1)
    interrupted = true
    say('\nstopping the peers...')
    void testnet.stop().then(() => process.exit(130))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const faults = `${drop.count} peer(s) killed per round${drop.phase !== undefined ? ` in ${drop.phase}` : ' at a random phase'}${killAggregator !== undefined ? `; the aggregator killed in ${killAggregator} in round ${rounds > 1 ? 2 : 1}` : ''}`
  const startedAt = new Date()
  say(`libp2p-secagg testnet: ${peers} secagg node processes on loopback over ${transport}, ${rounds} rounds at d = ${args.dim.toLocaleString('en')}, seed ${seed}`)
  say(`faults: ${faults}`)
  let reports: RoundReport[] = []
  try {
    await testnet.start()
    reports = await testnet.run()
  } finally {
    if (args.keep) {
      say('\nthe peers keep running (--keep); their APIs, each with the token in its data directory:')
      for (const peer of testnet.running()) say(`  ${peer.info.api}  (data dir ${peer.dataDir})`)
    } else {
      await testnet.stop()
    }
  }
  const failed = reports.filter(r => r.problems.length > 0)
  const passed = failed.length === 0 && reports.length === rounds
  if (args.report !== undefined) {
    await writeFile(args.report, renderReport({ peers, rounds, dimension: args.dim, seed, transport, faults, startedAt, passed }, reports))
    say(`\nreport: ${args.report}`)
  }
  if (!args.json) {
    say('')
    say(table(reports))
    for (const r of reports) if (r.detected.length > 0) say(`round ${r.round} dropouts: ${detectedText(r.detected)}`)
    for (const r of failed) for (const problem of r.problems) say(`round ${r.round}: ${problem}`)
    say(passed
      ? `\nPASS: ${reports.length} rounds, every result the exact sum of its survivors' inputs and verified from its transcript, every aggregator the one the round before elected (${new Set(reports.map(r => r.aggregator)).size} different)`
      : `\nFAIL: ${rounds - reports.length + failed.length} of ${rounds} rounds went wrong or did not run`)
  }
  if (!passed) process.exitCode = 1
  if (args.keep) await new Promise(() => {})
}

/** Rows of round reports under a header. */
export function table (reports: RoundReport[]): string {
  const header = ['round', 'attempt', 'aggregator', 'partic.', 'surv.', 'dropped', 'excl.', 'exact', 'verified', 'max |err|', 'ms', 'before', ...PHASES.slice(1).map(p => p.replace('consistency-check', 'consistency')), 'delivery', 'KB sent', 'KB recv', 'counted']
  const rows = reports.map(r => [
    r.round, r.attempt, r.aggregator, r.participants, r.survivors, r.dropped.join(' ') || '-', r.excluded.length, r.exact ? 'yes' : 'NO', r.verified ? 'yes' : 'NO', r.maxAbsError.toExponential(1), Math.round(r.ms), r.beforeMs,
    ...PHASES.slice(1).map(p => r.phaseMs[p] ?? '-'), r.deliveryMs, Math.round(r.bytes.sent / 1024), Math.round(r.bytes.received / 1024), `${r.bytes.peers} peers`
  ].map(String))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  return [line(header), ...rows.map(line)].join('\n')
}
