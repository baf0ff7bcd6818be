/**
 * Federated averaging with Byzantine peers, four ways in one run, from the same data, local training,
 * dropouts and seeds:
 *
 * - **clean**: plain secure averaging with every peer honest, the reference the attacked runs are
 *   measured against;
 * - **plain**: plain secure averaging with the Byzantine peers attacking (secure-mean.ts): the weighted
 *   mean of everything sent, which is all a secure aggregate can be;
 * - **robust**: robust secure aggregation (robust-aggregation.ts): groups cut afresh each round, each
 *   group's sum checked against what honest inputs can sum to, the rule over the group means;
 * - **reference**: plaintext robust aggregation, the same rule over the individual updates, as a server
 *   that sees every update would apply it.
 *
 * A peer's update is the change local training made to the round's model, weighted by its number of
 * examples; a Byzantine peer claims the largest weight any peer has, the most influence it can claim
 * unnoticed. Each round every model moves by its aggregate.
 */
import { deterministicRandom, openSession, type ResolvedRobust } from 'libp2p-secagg'
import { ATTACK, pickByzantine, type AttackName } from './attacks.js'
import { splitData, type SplitOptions } from './data.js'
import { PARAMETERS, accuracy, roundUpdates, type TrainingOptions } from './model.js'
import { plannedDrops } from './nodes.js'
import { plaintextRobust, robustAggregator, type RobustAggregate, type RobustTransport } from './robust-aggregation.js'
import { L2_BOUND, robustParamsOf, robustSession, type RobustPlan } from './robust-session.js'
import { secureMean } from './secure-mean.js'
import { median, move, norm } from './vectors.js'

export interface ByzantineOptions extends RobustPlan {
  rounds: number
  attack: AttackName
  transport: RobustTransport
  /** Local training each round, at each peer. */
  training: Omit<TrainingOptions, 'seed'>
  split: Omit<SplitOptions, 'peers' | 'seed'>
}

/** The flags the command line must give: the fraction of Byzantine peers and their attack. */
type Required = 'byzantineRate' | 'attack'

/**
 * 100 peers in process, 30 rounds of five local epochs (as the DP mode: about where a clean run's
 * accuracy stops climbing, near 87%), the median of groups of 5.
 */
export const DEFAULT_BYZANTINE: Omit<ByzantineOptions, Required> = {
  peers: 100,
  rounds: 30,
  seed: 'byzantine',
  dropsPerRound: 2,
  transport: 'in-process',
  rule: 'median',
  groupSize: 5,
  training: { epochs: 5, batchSize: 20, learningRate: 0.1 },
  split: { testPerClass: 200, concentration: 0.8 }
}

/** Robust secure aggregation's final accuracy under attack must be at least this share of the clean run's. */
export const ROBUST_GOAL = 0.95

/** The robust round's groups: all, summed, holding a Byzantine input, over their bounds, combined by the rule, and corrupted among those. */
export interface ByzantineRound extends Pick<RobustAggregate, 'groups' | 'summed' | 'corrupted' | 'overBounds' | 'used' | 'corruptedUsed'> {
  round: number
  /** Test accuracy in [0, 1] after the round, of each way of training. */
  clean: number
  plain: number
  robust: number
  reference: number
  survivors: number
  /** Why the robust round could not be combined (its model then stays put), when it could not. */
  error?: string
  /** Honest survivors' updates (to the robust model) longer than the L2 bound, which they clip to. */
  clipped: number
  honest: number
  /** The median L2 norm of those updates: what the bound is set against. */
  medianNorm: number
  /** Milliseconds the robust aggregation took. */
  robustMs: number
}

export interface ByzantineRun {
  robust: ResolvedRobust
  /** The Byzantine peers, by index. */
  byzantine: number[]
  rounds: ByzantineRound[]
}

/** The Byzantine peers of a run: a seeded pick, since the data is dealt by index (each peer's main classes follow it). */
export function byzantinePeersOf (options: ByzantineOptions, robust = robustParamsOf(options)): number[] {
  return pickByzantine(options.peers, robust.byzantinePeers, `${options.seed}/byzantine`)
}

/** Trains the four ways for `options.rounds` rounds; `onRound` hears each round as it ends. */
export async function trainUnderAttack (options: ByzantineOptions, onRound: (round: ByzantineRound) => void = () => {}): Promise<ByzantineRun> {
  const { seed, training } = options
  // refuses inadmissible settings before any training
  const robust = robustParamsOf(options)
  const byzantineList = byzantinePeersOf(options, robust)
  const byzantine = new Set(byzantineList)
  const honestPeers = [...Array(options.peers).keys()].filter(i => !byzantine.has(i))
  const attack = ATTACK[options.attack]
  const data = splitData({ ...options.split, peers: options.peers, seed })
  const weights = data.peers.map(d => d.size)
  const maxWeight = Math.max(...weights)
  const claimed = weights.map((w, i) => byzantine.has(i) ? maxWeight : w)
  const trainsOn = data.peers.map((d, i) => byzantine.has(i) ? attack.trainsOn(d) : d)
  const { params } = openSession(robustSession(options, maxWeight))
  const aggregator = await robustAggregator(options.transport, { params, robust, byzantine, seed })
  // seeded rounding, so that a run replays; real peers draw it from their system's randomness
  const rounding = { clean: deterministicRandom(`${seed}/clean-rounding`), plain: deterministicRandom(`${seed}/plain-rounding`) }
  const models = { clean: new Float32Array(PARAMETERS), plain: new Float32Array(PARAMETERS), robust: new Float32Array(PARAMETERS), reference: new Float32Array(PARAMETERS) }
  const rounds: ByzantineRound[] = []
  for (let round = 1; round <= options.rounds; round++) {
    const drops = plannedDrops(options, round)
    const dropped = new Set(drops.map(d => d.peer))
    const survivors = [...Array(options.peers).keys()].filter(i => !dropped.has(i))
    const honest = honestPeers.filter(i => !dropped.has(i))
    // Each peer trains from each model with the same seed: the runs differ only by the attack and
    // what reaches each model.
    const clean = roundUpdates(models.clean, data.peers, training, seed, round)
    move(models.clean, secureMean({ updates: clean, weights, encoding: params.encoding, random: rounding.clean, dropped }))

    /** What every peer sends from `model`: honest peers their updates, Byzantine ones the attack's. */
    const sent = (model: Float32Array): Float32Array[] => {
      const updates = roundUpdates(model, trainsOn, training, seed, round)
      const crafted = attack.craft(byzantineList.map(i => updates[i]), honest.map(i => updates[i]), options.peers)
      byzantineList.forEach((i, k) => { updates[i] = crafted[k] })
      return updates
    }
    move(models.plain, secureMean({ updates: sent(models.plain), weights: claimed, encoding: params.encoding, random: rounding.plain, dropped, byzantine }))
    const toRobust = sent(models.robust)
    const aggregate = await aggregator.aggregate(toRobust, claimed, round, drops)
    if (aggregate.mean !== undefined) move(models.robust, aggregate.mean)
    const toReference = sent(models.reference)
    move(models.reference, plaintextRobust(survivors.map(i => toReference[i]), robust))

    const norms = honest.map(i => norm(toRobust[i]))
    const record: ByzantineRound = {
      round,
      clean: accuracy(models.clean, data.test),
      plain: accuracy(models.plain, data.test),
      robust: accuracy(models.robust, data.test),
      reference: accuracy(models.reference, data.test),
      survivors: survivors.length,
      groups: aggregate.groups,
      summed: aggregate.summed,
      corrupted: aggregate.corrupted,
      overBounds: aggregate.overBounds,
      used: aggregate.used,
      corruptedUsed: aggregate.corruptedUsed,
      ...(aggregate.error !== undefined ? { error: aggregate.error } : {}),
      clipped: norms.filter(n => n > L2_BOUND).length,
      honest: norms.length,
      medianNorm: median(norms),
      robustMs: aggregate.ms
    }
    rounds.push(record)
    onRound(record)
  }
  return { robust, byzantine: byzantineList, rounds }
}
