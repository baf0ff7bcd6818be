/**
 * A robust round's result, two ways of getting it through secure aggregation, and the plaintext
 * reference. Both secure ways cut the peers into groups by the round's beacon, sum each group's
 * weighted updates (honest peers clipped to the L2 bound, Byzantine ones not), drop the groups whose
 * sums are beyond what honest inputs can sum to, and combine the rest's means by the session's rule:
 *
 * - **in-process**: each group's encodings summed mod 2^m and decoded (`robustSum`), which is what the
 *   group's masks leave once they cancel. A Byzantine peer's words are its unclipped update, wrapped.
 *   The default.
 * - **round-core**: every group its own instance of the full round core (`simulateRobustRound`): keys,
 *   masks, Shamir shares and dropout recovery, one aggregator for all groups, rotating per round. Here a
 *   Byzantine peer runs the honest participant code without the L2 clip, so its encoder still clips
 *   each coordinate to the session's range: a weaker liar than in process.
 *
 * Every round's beacon is drawn from a seeded stream, so the groups differ from round to round and a
 * run replays.
 */
import { centredClipping, clipL2, coordinateMedian, deterministicRandom, nodeCryptoSuite, trimmedMean, type GroupSum, type ResolvedParams, type ResolvedRobust, type RobustOutcome } from 'libp2p-secagg'
import { robustSum, simulateRobustRound, simulatedPeers } from 'libp2p-secagg/testing'
import { rotatingAggregator, type Drop } from './nodes.js'

export const ROBUST_TRANSPORTS = ['in-process', 'round-core'] as const
export type RobustTransport = typeof ROBUST_TRANSPORTS[number]

export interface RobustAggregate {
  /** The rule's combination of the kept group means; undefined when the round could not be combined. */
  mean?: Float64Array
  /** Why not, when it could not (too few groups left). */
  error?: string
  /** G: the round's groups. */
  groups: number
  /** Groups summed (a group losing peers below s is not). */
  summed: number
  /** Summed groups with a Byzantine peer's input in the sum. */
  corrupted: number
  /** Groups over their bounds, dropped before the rule. */
  overBounds: number
  /** Groups whose means went into the rule, and how many of them were corrupted: what the rule had to outvote. */
  used: number
  corruptedUsed: number
  ms: number
}

export interface RobustAggregator {
  aggregate: (updates: Float32Array[], weights: number[], round: number, drops: Drop[]) => Promise<RobustAggregate>
}

export interface RobustSetup {
  params: ResolvedParams
  robust: ResolvedRobust
  byzantine: ReadonlySet<number>
  seed: string
}

interface GroupedRound {
  groups: number[][]
  sums: Array<GroupSum | undefined>
  outcome?: RobustOutcome
  error?: string
}

function summary (round: GroupedRound, byzantine: ReadonlySet<number>, dropped: ReadonlySet<number>, started: number): RobustAggregate {
  const { groups, sums, outcome, error } = round
  const corrupted = groups.flatMap((members, g) => sums[g] !== undefined && members.some(i => byzantine.has(i) && !dropped.has(i)) ? [g] : [])
  const used = outcome?.used ?? []
  return {
    ...(outcome !== undefined ? { mean: outcome.mean } : { error }),
    groups: groups.length,
    summed: sums.filter(sum => sum !== undefined).length,
    corrupted: corrupted.length,
    overBounds: outcome?.dropped.length ?? 0,
    used: used.length,
    corruptedUsed: used.filter(g => corrupted.includes(g)).length,
    ms: performance.now() - started
  }
}

export async function robustAggregator (transport: RobustTransport, setup: RobustSetup): Promise<RobustAggregator> {
  const { params, robust, byzantine, seed } = setup
  // the same identities both ways, so that a round's beacon cuts the same groups
  const peers = await simulatedPeers(robust.members, seed)
  const beacons = deterministicRandom(`${seed}/beacons`)
  if (transport === 'round-core') {
    return {
      async aggregate (updates, weights, round, drops) {
        const started = performance.now()
        const report = await simulateRobustRound({
          params,
          robust,
          peers,
          updates,
          weights,
          aggregator: rotatingAggregator(peers.length, round, drops),
          round,
          beacon: beacons(32),
          crypto: nodeCryptoSuite,
          seed: `${seed}/round-${round}`,
          drops: new Map(drops.map(d => [d.peer, d.phase])),
          byzantine
        })
        return summary(report, byzantine, new Set(drops.map(d => d.peer)), started)
      }
    }
  }
  const rounding = deterministicRandom(`${seed}/robust-rounding`)
  const identities = peers.map(peer => peer.identity)
  return {
    async aggregate (updates, weights, round, drops) {
      const started = performance.now()
      const dropped = new Set(drops.map(d => d.peer))
      const sum = robustSum({ params, robust, peers: identities, updates, weights, dropped, byzantine, round, beacon: beacons(32), random: rounding })
      return summary(sum, byzantine, dropped, started)
    }
  }
}

/**
 * Plaintext robust aggregation, the reference: a server that sees every update clips each to the L2
 * bound (it need not trust anyone to) and applies the rule to them, each update its own group; the
 * trimmed mean trims as many from each end as there are Byzantine peers.
 */
export function plaintextRobust (updates: readonly Float32Array[], robust: ResolvedRobust): Float64Array {
  const { l2Bound } = robust
  const points = updates.map(update => Float64Array.from(l2Bound === undefined ? update : clipL2(update, l2Bound)))
  if (robust.rule === 'median') return coordinateMedian(points)
  if (robust.rule === 'trimmed-mean') return trimmedMean(points, robust.byzantinePeers)
  return centredClipping(points)
}
