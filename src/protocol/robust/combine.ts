/**
 * A robust round's result from its group sums: each group's sum checked against what honest inputs can
 * sum to (bounds.ts), the rest's means combined by the session's rule. Every peer holding the group sums
 * computes the same result. A round whose groups are too few for the rule to outvote the corrupted
 * groups it may hold is refused: an aggregator that drops honest groups cannot tip the vote.
 */
import { boundProblem, type GroupSum } from './bounds.js'
import { centredClipping, coordinateMedian, trimmedMean } from './rules.js'
import { tolerated, trimCount, type ResolvedRobust } from './params.js'
import type { Encoding } from '../encoding/params.js'

export interface RobustOutcome {
  /** The rule's combination of the kept groups' means. */
  mean: Float64Array
  /** Indices (into the groups given) of the groups whose means went into the rule. */
  used: number[]
  /** Groups over their bounds, dropped before the rule, with why. */
  dropped: Array<{ group: number, reason: string }>
  /** Groups of weight 0 (honest peers may all weigh nothing): no mean, left out, not counted corrupted. */
  weightless: number[]
  /** Corrupted groups the rule outvoted at most, among those used. */
  outvoted: number
}

/** Too few groups are left for the rule to outvote as many corrupted ones as the round may hold. */
export class TooFewGroupsError extends Error {
  static override name = 'TooFewGroupsError'
  override name = TooFewGroupsError.name
}

/** Combines the summed groups (undefined: a group that was not summed). Throws TooFewGroupsError. */
export function robustMean (groups: ReadonlyArray<GroupSum | undefined>, robust: ResolvedRobust, encoding: Encoding): RobustOutcome {
  if (encoding.privacy !== undefined) throw new RangeError('robust groups do not combine with a DP encoding yet')
  const used: number[] = []
  const dropped: RobustOutcome['dropped'] = []
  const weightless: number[] = []
  groups.forEach((group, g) => {
    if (group === undefined) return
    if (group.weightSum === 0) {
      weightless.push(g)
      return
    }
    const problem = boundProblem(group, encoding, robust.l2Bound)
    if (problem === undefined) used.push(g)
    else dropped.push({ group: g, reason: problem })
  })
  // a group beyond the bounds held a Byzantine peer: one fewer corrupted group may be among the rest
  // (a weightless one may be honest, so it counts for nothing)
  const corrupted = Math.max(0, robust.corruptedBound - dropped.length)
  const trim = trimCount({ ...robust, corruptedBound: corrupted }, used.length)
  const outvoted = tolerated(robust.rule, used.length, trim)
  if (used.length === 0 || outvoted < corrupted) {
    throw new TooFewGroupsError(`${used.length} groups are left (${dropped.length} over their bounds), too few for the ${robust.rule} to outvote the ${corrupted} that may be corrupted`)
  }
  const means = used.map(g => {
    const { sum, weightSum } = groups[g]!
    const groupMean = new Float64Array(sum.length)
    for (let j = 0; j < sum.length; j++) groupMean[j] = sum[j] / weightSum
    return groupMean
  })
  const mean = robust.rule === 'median'
    ? coordinateMedian(means)
    : robust.rule === 'trimmed-mean' ? trimmedMean(means, trim) : centredClipping(means)
  return { mean, used, dropped, weightless, outvoted }
}
