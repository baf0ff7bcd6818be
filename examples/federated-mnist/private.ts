/**
 * Federated averaging with user-level differential privacy, three ways in one run, from the same peers,
 * data, dropouts and local training:
 *
 * - **distributed DP**: each peer clips its update in L2, adds its share of discrete Gaussian noise and
 *   the sum goes through secure aggregation (private-aggregation.ts): no one, the aggregator included,
 *   sees an update or a sum without the noise of at least the honest peers;
 * - **central DP**: a trusted server clips the same updates, averages them exactly and adds continuous
 *   Gaussian noise for the same (epsilon, delta) over the same rounds: the baseline distributed DP is
 *   measured against, which no party of a real deployment could be trusted to run;
 * - **non-private**: the plain mean of the same updates, unclipped and noiseless.
 *
 * A peer's update is the change local training made to the round's model, with weight 1 (a DP session
 * releases weights without noise, so it takes a plain mean); the new model is the old one plus the mean.
 */
import { centralNoiseStd, deterministicRandom, nodeCryptoSuite, type PrivacyReport } from 'libp2p-secagg'
import { centralSum } from 'libp2p-secagg/testing'
import { splitData, type SplitOptions } from './data.js'
import { PARAMETERS, accuracy, roundUpdates, type TrainingOptions } from './model.js'
import { privateAggregator, type Transport } from './private-aggregation.js'
import { calibrationOf, type SessionPlan } from './private-session.js'
import { median, move, norm } from './vectors.js'

export interface PrivateOptions extends SessionPlan {
  transport: Transport
  /** Local training each round, at each peer. */
  training: Omit<TrainingOptions, 'seed'>
  split: Omit<SplitOptions, 'peers' | 'seed'>
}

/**
 * 100 peers in process, 30 rounds at epsilon 3, delta 1e-5. The noise grows with the clip, the signal
 * only while updates are longer than it: at 0.3, below nearly every update's norm (0.5 to 1.3), every
 * update is scaled to the clip and brings its full share of signal. (At this budget, one run each:
 * clip 1 and one local epoch reached about 54%, clip 0.3 and one epoch 68%, clip 0.15, 0.3 and 0.6
 * with five epochs 71%, 75% and 75%.) Five local epochs make each update go further for its norm;
 * ten did no better.
 */
export const DEFAULT_PRIVATE: PrivateOptions = {
  peers: 100,
  rounds: 30,
  seed: 'dp-fedavg',
  dropsPerRound: 2,
  transport: 'in-process',
  training: { epochs: 5, batchSize: 20, learningRate: 0.1 },
  split: { testPerClass: 200, concentration: 0.8 },
  privacy: { epsilon: 3, delta: 1e-5, l2Clip: 0.3, modulusBits: 16 }
}

/** Real nodes on one host: fewer of them, so fewer honest peers share the noise and each adds more. */
export const LIBP2P_PEERS = 12

/** The most distributed and central DP's final accuracy may differ: the goal of the example's DP mode. */
export const DP_PARITY = 0.01

export interface PrivateRound {
  round: number
  /** Test accuracy in [0, 1] after the round, of each way of training. */
  distributed: number
  central: number
  nonPrivate: number
  survivors: number
  dropped: number[]
  failed: number[]
  /** Survivors whose update (from the distributed-DP model) was scaled down to the clip. */
  clipped: number
  /** The median L2 norm of those updates before clipping: what the clip is set against. */
  medianNorm: number
  /** Milliseconds the distributed-DP aggregation took. */
  aggregationMs: number
}

export interface PrivateRun {
  rounds: PrivateRound[]
  /** The own account of what it spent of a peer in every round, where the peers keep one (libp2p). */
  spent?: PrivacyReport
}

/**
 * Several runs' rounds, round by round: the mean of their accuracies and timings, the rest from the
 * first run (runs that differ only in their noise seed share their dropouts).
 */
export function meanRounds (runs: PrivateRound[][]): PrivateRound[] {
  const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length
  return runs[0].map((first, i) => {
    const of = (pick: (r: PrivateRound) => number): number => mean(runs.map(run => pick(run[i])))
    return { ...first, distributed: of(r => r.distributed), central: of(r => r.central), nonPrivate: of(r => r.nonPrivate), medianNorm: of(r => r.medianNorm), aggregationMs: of(r => r.aggregationMs) }
  })
}

/** Trains the three ways for `options.rounds` rounds; `onRound` hears each round as it ends. */
export async function trainPrivately (options: PrivateOptions, onRound: (round: PrivateRound) => void = () => {}): Promise<PrivateRun> {
  const { seed, privacy } = options
  // fails here, before any training, if the session cannot be calibrated or survive its dropouts
  calibrationOf(options)
  const data = splitData({ ...options.split, peers: options.peers, seed })
  const centralStd = centralNoiseStd(privacy.l2Clip, privacy.epsilon, privacy.delta, options.rounds)
  const centralNoise = deterministicRandom(`${options.noiseSeed ?? seed}/central-noise`)
  const models = { distributed: new Float32Array(PARAMETERS), central: new Float32Array(PARAMETERS), nonPrivate: new Float32Array(PARAMETERS) }
  const aggregator = await privateAggregator(options.transport, options)
  const rounds: PrivateRound[] = []
  try {
    for (let round = 1; round <= options.rounds; round++) {
      // Each peer trains from each model with the same seed: the three runs differ only by what
      // reaches the model.
      const local = (model: Float32Array): Float32Array[] => roundUpdates(model, data.peers, options.training, seed, round)
      const updates = { distributed: local(models.distributed), central: local(models.central), nonPrivate: local(models.nonPrivate) }

      const aggregate = await aggregator.aggregate(updates.distributed, round)
      const { survivors } = aggregate
      move(models.distributed, aggregate.mean)
      // the same survivors: clipped, summed exactly and noised once by a trusted server; and in the clear
      const central = await centralSum(survivors.map(i => updates.central[i]), privacy.l2Clip, centralStd, nodeCryptoSuite.prg, centralNoise(32))
      move(models.central, central, 1 / survivors.length)
      for (const i of survivors) move(models.nonPrivate, updates.nonPrivate[i], 1 / survivors.length)

      const norms = survivors.map(i => norm(updates.distributed[i]))
      const record: PrivateRound = {
        round,
        distributed: accuracy(models.distributed, data.test),
        central: accuracy(models.central, data.test),
        nonPrivate: accuracy(models.nonPrivate, data.test),
        survivors: survivors.length,
        dropped: aggregate.dropped,
        failed: aggregate.failed,
        clipped: norms.filter(n => n > privacy.l2Clip).length,
        medianNorm: median(norms),
        aggregationMs: aggregate.ms
      }
      rounds.push(record)
      onRound(record)
    }
    const spent = aggregator.privacy()
    return spent === undefined ? { rounds } : { rounds, spent }
  } finally {
    await aggregator.close()
  }
}
