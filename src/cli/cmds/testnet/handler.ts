/**
 * `secagg testnet` (and `npm start`): runs the local testnet, printing a line as each round enters a
 * phase, a table row per round and PASS or FAIL; with --json, one JSON object per round instead.
 */
import { randomBytes } from 'node:crypto'
import { PHASES, type Phase } from '../../../protocol/round/phases.js'
import { Testnet, type RoundReport } from '../../../testnet/testnet.js'
import { CliError, EXIT_BAD_INPUT } from '../../cli-error.js'

export interface TestnetArgs {
  peers: number
  rounds: number
  dim: number
  drop: string
  killAggregator?: string
  seed?: string
  json: boolean
  keep: boolean
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
  const seed = args.seed ?? randomBytes(8).toString('hex')
  const say = (line: string): void => { if (!args.json) process.stdout.write(`${line}\n`) }
  const testnet = new Testnet({
    peers,
    rounds: count(args.rounds, '--rounds', 1, 1000),
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
  say(`libp2p-secagg testnet: ${peers} secagg node processes on loopback, ${args.rounds} rounds at d = ${args.dim.toLocaleString('en')}, seed ${seed}`)
  say(`faults: ${drop.count} peer(s) killed per round${drop.phase !== undefined ? ` in ${drop.phase}` : ' at a random phase'}${killAggregator !== undefined ? `; the aggregator killed in ${killAggregator} in one round` : ''}`)
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
  if (!args.json) {
    say('')
    say(table(reports))
    for (const r of failed) for (const problem of r.problems) say(`round ${r.round}: ${problem}`)
    say(failed.length === 0 && reports.length === args.rounds
      ? `\nPASS: ${reports.length} rounds, every result the exact sum of its survivors' inputs`
      : `\nFAIL: ${failed.length} of ${args.rounds} rounds went wrong`)
  }
  if (failed.length > 0 || reports.length < args.rounds) process.exitCode = 1
  if (args.keep) await new Promise(() => {})
}

/** Rows of round reports under a header. */
export function table (reports: RoundReport[]): string {
  const header = ['round', 'attempt', 'aggregator', 'partic.', 'surv.', 'dropped', 'exact', 'max |err|', 'ms', ...PHASES.slice(1).map(p => p.replace('consistency-check', 'consistency')), 'KB sent', 'KB recv']
  const rows = reports.map(r => [
    r.round, r.attempt, r.aggregator, r.participants, r.survivors, r.dropped.join(' ') || '-', r.exact ? 'yes' : 'NO', r.maxAbsError.toExponential(1), Math.round(r.ms),
    ...PHASES.slice(1).map(p => r.phaseMs[p] ?? '-'), Math.round(r.bytes.sent / 1024), Math.round(r.bytes.received / 1024)
  ].map(String))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ')
  return [line(header), ...rows.map(line)].join('\n')
}
