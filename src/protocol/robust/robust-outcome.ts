/**
 * A robust round's outcome from its groups' outcomes, as its aggregator builds it and as anyone who
 * verifies its transcript rebuilds it (session/robust-result.ts): the same rule over the same group
 * sums, so the same mean. Its survivors are the peers of the groups the rule used; its signed result
 * is a group's, whose beacon proof every group shares (robust/group-params.ts).
 */
import { robustMean } from './combine.js'
import type { ResolvedRobust } from './params.js'
import type { ResolvedParams } from '../round/params.js'
import type { RoundOutcome } from '../round/events.js'

/** What a robust round did with its groups, for its result's readers. */
export interface RobustReport {
  groups: number
  /** Groups whose means the rule combined. */
  used: number[]
  /** Groups whose round did not complete (too many of their peers dropped out). */
  failed: number[]
  /** Groups over their bounds, dropped before the rule, with why. */
  dropped: Array<{ group: number, reason: string }>
  weightless: number[]
}

export type RobustRoundOutcome = RoundOutcome & { robust: RobustReport }

/** Throws TooFewGroupsError (combine.ts) when the rule cannot outvote what the kept groups may hold. */
export function robustOutcome (params: ResolvedParams, robust: ResolvedRobust, groups: ReadonlyArray<RoundOutcome | undefined>, transcript: Uint8Array): RobustRoundOutcome {
  const first = groups.find(g => g !== undefined)
  if (first === undefined) throw new RangeError('no group of the round completed')
  const combined = robustMean(groups.map(g => g === undefined ? undefined : { sum: g.sum, weightSum: g.weightSum, inputs: g.survivors.length }), robust, params.encoding)
  const weightSum = combined.used.reduce((total, g) => total + groups[g]!.weightSum, 0)
  return {
    round: first.round,
    attempt: first.attempt,
    aggregator: first.aggregator,
    participants: groups.flatMap(g => g?.participants ?? []).sort(),
    survivors: combined.used.flatMap(g => groups[g]!.survivors).sort(),
    // a robust round has no one sum mod 2^m: its groups' are in their transcripts
    quantizedSum: new Uint32Array(0),
    sum: combined.mean.map(v => v * weightSum),
    weightSum,
    mean: combined.mean,
    signedResult: first.signedResult,
    transcript,
    robust: {
      groups: groups.length,
      used: combined.used,
      failed: groups.flatMap((g, i) => g === undefined ? [i] : []),
      dropped: combined.dropped,
      weightless: combined.weightless
    }
  }
}
