/**
 * A robust session's settings, and whether they can work: the rule must outvote the groups the
 * Byzantine peers corrupt, except with the stated probability, and every group must stay large enough
 * that its sum reveals no single input. Settings that cannot are refused with the reason.
 */
import { groupSizes } from './groups.js'
import { corruptedGroupsDistribution, logChoose, tailAbove } from './admissibility.js'

export const ROBUST_RULES = ['median', 'trimmed-mean', 'centred-clipping'] as const
export type RobustRule = typeof ROBUST_RULES[number]

/** The corrupted fraction Karimireddy, He and Jaggi prove centred clipping for (δ_max = 0.1). */
export const CENTRED_CLIPPING_BREAKDOWN = 0.1

/**
 * The smallest group: a sum of two inputs tells each of its two peers the other's, and the round core
 * refuses rounds of fewer than three for the same reason.
 */
export const MIN_GROUP_SIZE = 3

export const DEFAULT_FAILURE_PROBABILITY = 1e-6

export interface RobustParams {
  /** s: the fewest peers in a group. A group's sum is revealed, so it never sums fewer inputs than this. */
  groupSize: number
  rule: RobustRule
  /** f: the fraction of the session's members that may be Byzantine (send any vector they like). */
  byzantineRate: number
  /** The most a round's rule may fail with (more corrupted groups than it outvotes). Default 1e-6. */
  failureProbability?: number
  /** Trimmed mean: the least fraction of the groups trimmed from each end; never fewer than may be corrupted. */
  trim?: number
  /** An honest update's L2 bound: honest peers clip to it, and a group mean beyond it is dropped. */
  l2Bound?: number
}

export interface ResolvedRobust extends RobustParams {
  failureProbability: number
  /** n: the members the groups are cut from. */
  members: number
  sizes: number[]
  /** B = ⌊f·n⌋. */
  byzantinePeers: number
  /** c*: more groups than this are corrupted with probability at most failureProbability. */
  corruptedBound: number
  /** Pr[more than c* corrupted groups]. */
  failure: number
  /** 1 - (1 - f)^s: the chance a group of s is corrupted, for the record. */
  groupCorruption: number
  /** The fewest groups a round's rule may combine: with fewer, c* corrupted ones could outvote the rest. */
  minGroups: number
  /**
   * The privacy cost, per round: the probability that an honest member's group of s holds only
   * Byzantine members besides it, C(B, s-1)/C(n-1, s-1). Every reader of the result sees each group's
   * sum, so such members (if they also pool what they know) learn that member's input from it.
   */
  isolation: number
}

/** Settings under which the rule cannot outvote the corrupted groups, or a group could reveal an input. */
export class InadmissibleRobustnessError extends Error {
  static override name = 'InadmissibleRobustnessError'
  override name = InadmissibleRobustnessError.name
}

/** How many corrupted group means `rule` outvotes among `groups`. */
export function tolerated (rule: RobustRule, groups: number, trimCount: number): number {
  if (rule === 'median') return Math.ceil(groups / 2) - 1
  if (rule === 'trimmed-mean') return 2 * trimCount < groups ? trimCount : -1
  return Math.floor(CENTRED_CLIPPING_BREAKDOWN * groups + 1e-9)
}

/** The trimmed mean's count from each end among `groups`: at least c*, at least trim·groups. */
export function trimCount (robust: Pick<ResolvedRobust, 'corruptedBound' | 'trim'>, groups: number): number {
  return Math.max(robust.corruptedBound, Math.floor((robust.trim ?? 0) * groups + 1e-9))
}

const INPUT_VALIDATION = 'validating each input (a zero-knowledge proof of its norm, as ACORN, RoFL or PINE do) is what would tolerate more, and is not built yet'

/** Checks the settings for a session of `members`; throws InadmissibleRobustnessError saying why not. */
export function resolveRobust (params: RobustParams, members: number): ResolvedRobust {
  const { groupSize: s, rule, byzantineRate: f } = params
  const failureProbability = params.failureProbability ?? DEFAULT_FAILURE_PROBABILITY
  if (!(ROBUST_RULES as readonly string[]).includes(rule)) throw new InadmissibleRobustnessError(`robust rule must be one of ${ROBUST_RULES.join(', ')}, got ${String(rule)}`)
  if (!Number.isInteger(s) || s < MIN_GROUP_SIZE) throw new InadmissibleRobustnessError(`group size must be an integer of at least ${MIN_GROUP_SIZE} (a sum of two inputs reveals each to the other peer), got ${s}`)
  if (!(f >= 0 && f < 0.5)) throw new InadmissibleRobustnessError(`Byzantine rate must be in [0, 0.5), got ${f}`)
  if (!(failureProbability > 0 && failureProbability < 1)) throw new InadmissibleRobustnessError(`failure probability must be in (0, 1), got ${failureProbability}`)
  if (params.trim !== undefined && !(params.trim >= 0 && params.trim < 0.5)) throw new InadmissibleRobustnessError(`trim must be in [0, 0.5), got ${params.trim}`)
  if (params.l2Bound !== undefined && !(Number.isFinite(params.l2Bound) && params.l2Bound > 0)) throw new InadmissibleRobustnessError(`l2Bound must be a positive number, got ${params.l2Bound}`)
  if (!Number.isInteger(members) || members < 3 * s) throw new InadmissibleRobustnessError(`${members} members make fewer than 3 groups of ${s}: no rule outvotes anything among fewer`)
  const sizes = groupSizes(members, s)
  const byzantinePeers = Math.floor(f * members + 1e-9)
  const distribution = corruptedGroupsDistribution(members, byzantinePeers, sizes)
  let corruptedBound = 0
  while (tailAbove(distribution, corruptedBound) > failureProbability) corruptedBound++
  const resolved: ResolvedRobust = {
    ...params,
    failureProbability,
    members,
    sizes,
    byzantinePeers,
    corruptedBound,
    failure: tailAbove(distribution, corruptedBound),
    groupCorruption: 1 - (1 - f) ** s,
    minGroups: 0,
    isolation: byzantinePeers < s - 1 ? 0 : Math.exp(logChoose(byzantinePeers, s - 1) - logChoose(members - 1, s - 1))
  }
  const groups = sizes.length
  let minGroups = 1
  while (minGroups <= groups && tolerated(rule, minGroups, trimCount(resolved, minGroups)) < corruptedBound) minGroups++
  if (minGroups > groups) throw new InadmissibleRobustnessError(refusal(resolved, groups))
  return { ...resolved, minGroups }
}

function refusal (r: ResolvedRobust, groups: number): string {
  const { rule, byzantineRate: f, groupSize: s } = r
  // (a trimmed mean that would trim half the groups or more outvotes at most what the median does)
  const outvoted = rule === 'trimmed-mean' ? Math.ceil(groups / 2) - 1 : tolerated(rule, groups, 0)
  const chance = tailAbove(corruptedGroupsDistribution(r.members, r.byzantinePeers, r.sizes), outvoted)
  const why = `with ${r.byzantinePeers} Byzantine of ${r.members} members in ${groups} groups of ${s}, a group is corrupted with probability ${r.groupCorruption.toFixed(3)} (1 - (1 - f)^s), and more than the ${outvoted} groups the ${rule} outvotes are corrupted with probability ${chance.toPrecision(2)}, above the ${r.failureProbability} allowed`
  // The median outvotes the most: where it would work, the rule is what fails.
  if (rule !== 'median' && safeResolve({ ...r, rule: 'median' }, r.members) !== undefined) {
    return `the ${rule} cannot work here: ${why}; the median would`
  }
  // Larger groups are corrupted more often and are fewer: if the smallest private group fails, all do.
  const smallest = s === MIN_GROUP_SIZE ? undefined : safeResolve({ ...r, groupSize: MIN_GROUP_SIZE }, r.members)
  if (s === MIN_GROUP_SIZE || smallest === undefined) {
    return `robust aggregation cannot work at a Byzantine rate of ${f}: ${why}; smaller groups would reveal single inputs and larger ones are corrupted more often, so no group size keeps both privacy and robustness here: ${INPUT_VALIDATION}`
  }
  return `robust groups of ${s} are inadmissible: ${why}; groups of ${smallest.groupSize} would work`
}

function safeResolve (params: RobustParams, members: number): ResolvedRobust | undefined {
  try {
    return resolveRobust(params, members)
  } catch {
    return undefined
  }
}
