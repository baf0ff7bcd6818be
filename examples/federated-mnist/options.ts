/**
 * The example's command line. Without --epsilon or --byzantine it trains the plain way (federated.ts);
 * with --epsilon, with differential privacy (private.ts); with --byzantine, under attack (robust.ts).
 * Flags of another mode are refused rather than ignored.
 */
import { parseArgs } from 'node:util'
import { ROBUST_RULES } from 'libp2p-secagg'
import { ATTACKS } from './attacks.js'
import { DEFAULT_FEDERATED, type FederatedOptions } from './federated.js'
import type { TrainingOptions } from './model.js'
import { DEFAULT_PRIVATE, LIBP2P_PEERS, type PrivateOptions } from './private.js'
import { TRANSPORTS } from './private-aggregation.js'
import { calibrationOf } from './private-session.js'
import { DEFAULT_BYZANTINE, type ByzantineOptions } from './robust.js'
import { ROBUST_TRANSPORTS } from './robust-aggregation.js'
import { robustParamsOf } from './robust-session.js'

/** Runs with different noise whose means the in-process DP mode compares. */
export const DP_RUNS = 5

export type Run =
  | { mode: 'plain', federated: FederatedOptions, chart: string }
  | { mode: 'private', private: PrivateOptions, runs: number, chart: string }
  | { mode: 'robust', byzantine: ByzantineOptions, chart: string }

export const USAGE = `npm run example:mnist -- [--peers 12] [--rounds 20] [--clip 0.5] [--drops 2] [--epochs 1] [--lr 0.1] [--seed fedavg] [--chart file.html]
npm run example:mnist -- --epsilon 3 [--delta 1e-5] [--transport in-process|round-core|libp2p] [--peers 100] [--rounds 30] [--l2-clip 0.3] [--bits 16] [--drops 2] [--epochs 5] [--lr 0.1] [--seed dp-fedavg] [--runs 5] [--chart file.html]
npm run example:mnist -- --byzantine 0.05 --attack ${ATTACKS.join('|')} [--rule ${ROBUST_RULES.join('|')}] [--group-size 5] [--transport in-process|round-core] [--peers 100] [--rounds 30] [--drops 2] [--epochs 5] [--lr 0.1] [--seed byzantine] [--chart file.html]`

/** Flags that only some modes read, and what they apply with. */
const MODE_FLAGS: Array<{ flags: string[], modes: Array<Run['mode']>, applies: string }> = [
  { flags: ['clip'], modes: ['plain'], applies: 'without --epsilon or --byzantine' },
  { flags: ['delta', 'l2-clip', 'bits', 'runs'], modes: ['private'], applies: 'with --epsilon' },
  { flags: ['attack', 'rule', 'group-size'], modes: ['robust'], applies: 'with --byzantine' },
  { flags: ['transport'], modes: ['private', 'robust'], applies: 'with --epsilon or --byzantine' }
]

function integer (value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} must be an integer from ${min} to ${max}, got '${value}'`)
  return n
}

function positive (value: string | undefined, flag: string, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || n >= max) throw new Error(`--${flag} must be a positive number${max < Infinity ? ` below ${max}` : ''}, got '${value}'`)
  return n
}

function oneOf<T extends string> (value: string | undefined, flag: string, options: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback
  if (!(options as readonly string[]).includes(value ?? '')) throw new Error(`--${flag} must be one of ${options.join(', ')}, got '${value ?? ''}'`)
  return value as T
}

type Values = Partial<Record<string, string>>

/** Local training: the mode's defaults, with --epochs and --lr. */
function trainingOf (values: Values, defaults: Omit<TrainingOptions, 'seed'>): Omit<TrainingOptions, 'seed'> {
  return {
    ...defaults,
    epochs: integer(values.epochs, 'epochs', defaults.epochs, 1, 50),
    learningRate: positive(values.lr, 'lr', defaults.learningRate)
  }
}

function plainRun (values: Values): Run {
  const peers = integer(values.peers, 'peers', DEFAULT_FEDERATED.peers, 4, 50)
  return {
    mode: 'plain',
    federated: {
      ...DEFAULT_FEDERATED,
      peers,
      rounds: integer(values.rounds, 'rounds', DEFAULT_FEDERATED.rounds, 1, 200),
      clip: positive(values.clip, 'clip', DEFAULT_FEDERATED.clip),
      dropsPerRound: integer(values.drops, 'drops', DEFAULT_FEDERATED.dropsPerRound, 0, Math.floor(peers / 4)),
      training: trainingOf(values, DEFAULT_FEDERATED.training),
      seed: values.seed ?? DEFAULT_FEDERATED.seed
    },
    chart: values.chart ?? 'federated-mnist.html'
  }
}

function privateRun (values: Values): Run {
  const via = oneOf(values.transport, 'transport', TRANSPORTS, DEFAULT_PRIVATE.transport)
  // real nodes on one host: a few dozen at most; in process, as many as a session may have
  const peers = via === 'libp2p'
    ? integer(values.peers, 'peers', LIBP2P_PEERS, 4, 50)
    : integer(values.peers, 'peers', DEFAULT_PRIVATE.peers, 4, 1000)
  const { privacy } = DEFAULT_PRIVATE
  const options: PrivateOptions = {
    ...DEFAULT_PRIVATE,
    transport: via,
    peers,
    rounds: integer(values.rounds, 'rounds', DEFAULT_PRIVATE.rounds, 1, 200),
    dropsPerRound: integer(values.drops, 'drops', DEFAULT_PRIVATE.dropsPerRound, 0, Math.floor(peers / 4)),
    training: trainingOf(values, DEFAULT_PRIVATE.training),
    privacy: {
      epsilon: positive(values.epsilon, 'epsilon', privacy.epsilon),
      delta: positive(values.delta, 'delta', privacy.delta, 1),
      l2Clip: positive(values['l2-clip'], 'l2-clip', privacy.l2Clip),
      modulusBits: integer(values.bits, 'bits', privacy.modulusBits, 8, 32)
    },
    seed: values.seed ?? DEFAULT_PRIVATE.seed
  }
  // the session these flags make must be one the library accepts (a modulus that holds the noise, ...)
  calibrationOf(options)
  // One in-process run's difference from central DP is mostly the luck of its noise (two central runs
  // differ by a point or two), so the goal is judged on the mean of five; over libp2p, one run.
  const runs = integer(values.runs, 'runs', via === 'libp2p' ? 1 : DP_RUNS, 1, 20)
  return { mode: 'private', private: options, runs, chart: values.chart ?? 'federated-mnist-dp.html' }
}

function robustRun (values: Values): Run {
  const byzantineRate = Number(values.byzantine)
  if (!(byzantineRate >= 0 && byzantineRate < 0.5)) throw new Error(`--byzantine must be a fraction in [0, 0.5), got '${values.byzantine ?? ''}'`)
  if (values.attack === undefined) throw new Error(`--byzantine needs --attack: one of ${ATTACKS.join(', ')}`)
  const peers = integer(values.peers, 'peers', DEFAULT_BYZANTINE.peers, 4, 1000)
  const options: ByzantineOptions = {
    ...DEFAULT_BYZANTINE,
    peers,
    rounds: integer(values.rounds, 'rounds', DEFAULT_BYZANTINE.rounds, 1, 200),
    dropsPerRound: integer(values.drops, 'drops', DEFAULT_BYZANTINE.dropsPerRound, 0, Math.floor(peers / 4)),
    transport: oneOf(values.transport, 'transport', ROBUST_TRANSPORTS, DEFAULT_BYZANTINE.transport),
    byzantineRate,
    attack: oneOf(values.attack, 'attack', ATTACKS),
    rule: oneOf(values.rule, 'rule', ROBUST_RULES, DEFAULT_BYZANTINE.rule),
    // any size the library will judge: it refuses groups too small to hide an input, with the reason
    groupSize: integer(values['group-size'], 'group-size', DEFAULT_BYZANTINE.groupSize, 1, peers),
    training: trainingOf(values, DEFAULT_BYZANTINE.training),
    seed: values.seed ?? DEFAULT_BYZANTINE.seed
  }
  // refused here, before any training, with the library's reason: groups the rule cannot outvote the
  // corrupted ones of, or too small to hide an input
  robustParamsOf(options)
  return { mode: 'robust', byzantine: options, chart: values.chart ?? 'federated-mnist-robust.html' }
}

/** The run the arguments ask for; throws with a message for the user on a bad flag. */
export function parseOptions (args: string[]): Run {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries([
      'peers', 'rounds', 'clip', 'drops', 'epochs', 'lr', 'seed', 'chart', 'epsilon', 'delta', 'l2-clip', 'bits', 'transport', 'runs',
      'byzantine', 'attack', 'rule', 'group-size'
    ].map(flag => [flag, { type: 'string' as const }]))
  })
  if (values.epsilon !== undefined && values.byzantine !== undefined) {
    throw new Error('--byzantine does not combine with --epsilon: robust groups do not combine with DP yet')
  }
  const mode: Run['mode'] = values.epsilon !== undefined ? 'private' : values.byzantine !== undefined ? 'robust' : 'plain'
  for (const { flags, modes, applies } of MODE_FLAGS) {
    const stray = flags.find(flag => values[flag] !== undefined)
    if (!modes.includes(mode) && stray !== undefined) throw new Error(`--${stray} applies ${applies}`)
  }
  const strings = values as Values
  return mode === 'plain' ? plainRun(strings) : mode === 'private' ? privateRun(strings) : robustRun(strings)
}
