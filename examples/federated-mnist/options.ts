/**
 * The example's command line. Without --epsilon it trains the plain way (federated.ts); with it, with
 * differential privacy (private.ts). Flags of the other mode are refused rather than ignored.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_FEDERATED, type FederatedOptions } from './federated.js'
import { DEFAULT_PRIVATE, LIBP2P_PEERS, type PrivateOptions } from './private.js'

/** Runs with different noise whose means the in-process DP mode compares. */
export const DP_RUNS = 5
import { TRANSPORTS, type Transport } from './private-aggregation.js'
import { calibrationOf } from './private-session.js'

export type Run =
  | { mode: 'plain', federated: FederatedOptions, chart: string }
  | { mode: 'private', private: PrivateOptions, runs: number, chart: string }

export const USAGE = `npm run example:mnist -- [--peers 12] [--rounds 20] [--clip 0.5] [--drops 2] [--epochs 1] [--lr 0.1] [--seed fedavg] [--chart file.html]
npm run example:mnist -- --epsilon 3 [--delta 1e-5] [--transport in-process|round-core|libp2p] [--peers 100] [--rounds 30] [--l2-clip 0.3] [--bits 16] [--drops 2] [--epochs 5] [--lr 0.1] [--seed dp-fedavg] [--runs 5] [--chart file.html]`

const PLAIN_ONLY = ['clip'] as const
const PRIVATE_ONLY = ['delta', 'l2-clip', 'bits', 'transport', 'runs'] as const

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

function transport (value: string | undefined): Transport {
  if (value === undefined) return DEFAULT_PRIVATE.transport
  if (!(TRANSPORTS as readonly string[]).includes(value)) throw new Error(`--transport must be one of ${TRANSPORTS.join(', ')}, got '${value}'`)
  return value as Transport
}

/** The run the arguments ask for; throws with a message for the user on a bad flag. */
export function parseOptions (args: string[]): Run {
  const { values } = parseArgs({
    args,
    options: {
      peers: { type: 'string' },
      rounds: { type: 'string' },
      clip: { type: 'string' },
      drops: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string' },
      chart: { type: 'string' },
      epsilon: { type: 'string' },
      delta: { type: 'string' },
      'l2-clip': { type: 'string' },
      bits: { type: 'string' },
      transport: { type: 'string' },
      runs: { type: 'string' }
    }
  })
  const isPrivate = values.epsilon !== undefined
  for (const flag of isPrivate ? PLAIN_ONLY : PRIVATE_ONLY) {
    if (values[flag] !== undefined) throw new Error(`--${flag} applies ${isPrivate ? 'without' : 'with'} --epsilon`)
  }
  if (!isPrivate) {
    const peers = integer(values.peers, 'peers', DEFAULT_FEDERATED.peers, 4, 50)
    return {
      mode: 'plain',
      federated: {
        ...DEFAULT_FEDERATED,
        peers,
        rounds: integer(values.rounds, 'rounds', DEFAULT_FEDERATED.rounds, 1, 200),
        clip: positive(values.clip, 'clip', DEFAULT_FEDERATED.clip),
        dropsPerRound: integer(values.drops, 'drops', DEFAULT_FEDERATED.dropsPerRound, 0, Math.floor(peers / 4)),
        training: {
          ...DEFAULT_FEDERATED.training,
          epochs: integer(values.epochs, 'epochs', DEFAULT_FEDERATED.training.epochs, 1, 50),
          learningRate: positive(values.lr, 'lr', DEFAULT_FEDERATED.training.learningRate)
        },
        seed: values.seed ?? DEFAULT_FEDERATED.seed
      },
      chart: values.chart ?? 'federated-mnist.html'
    }
  }
  const via = transport(values.transport)
  // real nodes on one host: a few dozen at most; in process, as many as a session may have
  const peers = via === 'libp2p'
    ? integer(values.peers, 'peers', LIBP2P_PEERS, 4, 50)
    : integer(values.peers, 'peers', DEFAULT_PRIVATE.peers, 4, 1000)
  const { privacy, training } = DEFAULT_PRIVATE
  const options: PrivateOptions = {
    ...DEFAULT_PRIVATE,
    transport: via,
    peers,
    rounds: integer(values.rounds, 'rounds', DEFAULT_PRIVATE.rounds, 1, 200),
    dropsPerRound: integer(values.drops, 'drops', DEFAULT_PRIVATE.dropsPerRound, 0, Math.floor(peers / 4)),
    training: {
      ...training,
      epochs: integer(values.epochs, 'epochs', training.epochs, 1, 50),
      learningRate: positive(values.lr, 'lr', training.learningRate)
    },
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
