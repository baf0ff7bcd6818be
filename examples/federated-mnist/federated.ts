/**
 * Federated averaging (FedAvg) of a softmax-regression model on non-IID MNIST, three ways in one run:
 *
 * - **secure**: every peer is a libp2p node (TCP on loopback) in one closed secure-aggregation session,
 *   and the new model is the old one plus `aggregate()`'s weighted mean of the peers' updates;
 * - **plaintext**: the same peers, data, dropouts and survivors, averaging the same kind of updates in
 *   the clear (the reference secure aggregation must match: quantization is the only difference);
 * - **central**: one model trained on everyone's data pooled, as if privacy did not matter.
 *
 * A peer's update is the change local training made to the round's model, weighted by its number of
 * examples. In some rounds some peers drop out in the middle of the protocol: their updates are in
 * neither average, and the round completes without them. Every round's sum is audited from its
 * transcript, as anyone holding the session file could: a wrong sum stops the run.
 */
import { auditTranscript, defineSession, nodeCryptoSuite, openSession, type Phase, type SessionConfig } from 'libp2p-secagg'
import { splitData, type SplitOptions } from './data.js'
import { PARAMETERS, accuracy, roundUpdates, train, type TrainingOptions } from './model.js'
import { allHoldResult, LOOPBACK_TIMEOUTS, plannedDrops, secureRound, startPeers, stopPeers, survivorsOf } from './nodes.js'

export interface FederatedOptions {
  peers: number
  rounds: number
  seed: string
  /** Local training each round, at each peer. */
  training: Omit<TrainingOptions, 'seed'>
  split: Omit<SplitOptions, 'peers' | 'seed'>
  /** The session's clip range: an update's coordinates beyond [-clip, clip] are clipped to it. */
  clip: number
  /** Bits per coordinate in the session's fixed-point encoding. */
  bits: number
  /** Peers that drop out of every second round, each in a phase chosen at random. */
  dropsPerRound: number
}

export const DEFAULT_FEDERATED: FederatedOptions = {
  peers: 12,
  rounds: 20,
  seed: 'fedavg',
  training: { epochs: 1, batchSize: 20, learningRate: 0.1 },
  split: { testPerClass: 200, concentration: 0.8 },
  clip: 0.5,
  bits: 16,
  dropsPerRound: 2
}

/** The most secure and plaintext accuracy may differ: quantization is the only difference between them. */
export const PARITY = 0.005

export interface FederatedRound {
  round: number
  /** The attempt that completed the secure round (later than 0 when a dropout was its aggregator). */
  attempt: number
  /** Test accuracy in [0, 1] after the round, of each way of training. */
  secure: number
  plaintext: number
  central: number
  survivors: number
  dropped: Array<{ peer: number, phase: Phase }>
  /** Peers whose round failed though they did not drop out (a machine too busy for the deadlines). */
  failed: number[]
  /** Coordinates clipped over the survivors' updates, as their nodes reported, out of `coordinates`. */
  clipped: number
  coordinates: number
  /** The largest |coordinate| of any survivor's update: what the clip range must cover. */
  largestUpdate: number
  /** Milliseconds the secure aggregation took. */
  secureMs: number
  /** Milliseconds auditing the round's transcript took (the sum verified, or the run stops). */
  auditMs: number
}

/** The session every peer joins: a weighted mean, clipped per coordinate, surviving the planned dropouts. */
function sessionOf (options: FederatedOptions, maxWeight: number, members: string[]): SessionConfig {
  return defineSession({
    name: `federated-mnist/${options.seed}`,
    dimension: PARAMETERS,
    encoding: { clip: options.clip, bits: options.bits, maxParticipants: options.peers, maxWeight },
    // a round must survive its planned dropouts (and any rounding of the rate)
    graph: { shape: 'harary', dropoutRate: (options.dropsPerRound + 0.5) / options.peers, corruptRate: 0.05, threatModel: 'malicious' },
    minParticipants: options.peers - options.dropsPerRound,
    members,
    ...LOOPBACK_TIMEOUTS
  })
}

/** Trains the three ways for `options.rounds` rounds; `onRound` hears each round as it ends. */
export async function trainFederated (options: FederatedOptions, onRound: (round: FederatedRound) => void = () => {}): Promise<FederatedRound[]> {
  const data = splitData({ ...options.split, peers: options.peers, seed: options.seed })
  const weights = data.peers.map(d => d.size)
  const maxWeight = Math.max(...weights)
  const peers = await startPeers(options.peers, members => sessionOf(options, maxWeight, members))
  const { sessions } = peers
  const { params } = openSession(peers.session)
  const models: Record<'secure' | 'plaintext' | 'central', Float32Array> = { secure: new Float32Array(PARAMETERS), plaintext: new Float32Array(PARAMETERS), central: new Float32Array(PARAMETERS) }
  const rounds: FederatedRound[] = []
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const drops = plannedDrops(options, round)
      // Each peer trains from each model with the same seed: the two federated runs differ only by
      // what secure aggregation does to the average.
      const secureUpdates = roundUpdates(models.secure, data.peers, options.training, options.seed, round)
      const plainUpdates = roundUpdates(models.plaintext, data.peers, options.training, options.seed, round)

      const started = performance.now()
      const results = await secureRound(peers, secureUpdates, weights, drops, round)
      const secureMs = performance.now() - started
      const result = results.find(r => r !== undefined)
      if (result === undefined) throw new Error(`round ${round}: no peer got a result`)
      await allHoldResult(sessions, result.round)
      const audited = performance.now()
      const audit = await auditTranscript(result.transcript, params, nodeCryptoSuite)
      if (audit.verdict !== 'verified') throw new Error(`round ${round}: the sum does not verify from its transcript (${audit.verdict}: ${audit.reason})`)
      const auditMs = performance.now() - audited
      result.mean.forEach((v, j) => { models.secure[j] += v })

      const survivors = survivorsOf(peers, result)
      const total = survivors.reduce((sum, i) => sum + weights[i], 0)
      for (const i of survivors) plainUpdates[i].forEach((v, j) => { models.plaintext[j] += v * weights[i] / total })

      models.central = train(models.central, data.pooled, { ...options.training, seed: `${options.seed}/central/round-${round}` })

      const record: FederatedRound = {
        round,
        attempt: result.attempt,
        secure: accuracy(models.secure, data.test),
        plaintext: accuracy(models.plaintext, data.test),
        central: accuracy(models.central, data.test),
        survivors: survivors.length,
        dropped: drops,
        failed: results.flatMap((r, i) => r === undefined && !drops.some(d => d.peer === i) ? [i] : []),
        clipped: survivors.reduce((sum, i) => sum + (results[i]?.clipped ?? 0), 0),
        coordinates: survivors.length * PARAMETERS,
        largestUpdate: Math.max(...survivors.map(i => secureUpdates[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0))),
        secureMs,
        auditMs
      }
      rounds.push(record)
      onRound(record)
    }
    return rounds
  } finally {
    await stopPeers(peers)
  }
}
