/**
 * One robust round in one process: the peers cut into groups by the round's beacon, each group its own
 * round-core instance (groupParams), all run by one aggregator (a member of at most one of them), and
 * the group sums combined by the session's rule (robustMean). Honest peers clip their updates in L2
 * first; `byzantine` peers skip that, but still go through the honest encoder, which clips each
 * coordinate: a weaker liar than robustSum's, which clips nothing. A group that aborts (too many of it
 * dropped) is left out, and the rule combines the rest.
 */
import { partitionGroups } from '../protocol/robust/groups.js'
import { groupParams } from '../protocol/robust/group-params.js'
import { clipL2, type GroupSum } from '../protocol/robust/bounds.js'
import { robustMean, type RobustOutcome } from '../protocol/robust/combine.js'
import { simulateRound, type DropPoint, type SimulationReport } from './simulation.js'
import { UploadCheck } from '../protocol/verification/upload-check.js'
import type { ResolvedRobust } from '../protocol/robust/params.js'
import type { ResolvedParams } from '../protocol/round/params.js'
import type { CryptoSuite } from '../protocol/crypto/suite.js'
import type { SimulatedPeer } from './peers.js'

export interface RobustRoundInput {
  /** The session's parameters. */
  params: ResolvedParams
  robust: ResolvedRobust
  peers: SimulatedPeer[]
  updates: Float32Array[]
  weights?: number[]
  /** Index of the peer that aggregates every group. */
  aggregator: number
  round?: number
  beacon?: Uint8Array
  crypto: CryptoSuite
  seed?: string
  drops?: Map<number, DropPoint>
  /** Peers (by index) that do not clip their updates in L2. */
  byzantine?: ReadonlySet<number>
}

export interface RobustRoundReport {
  /** Each group's peers, by index. */
  groups: number[][]
  /** Each group's round, as simulateRound reports it. */
  rounds: SimulationReport[]
  /** Each group's sum, where its round completed. */
  sums: Array<GroupSum | undefined>
  outcome?: RobustOutcome
  /** Why the rule could not combine the groups, when it could not. */
  error?: string
  /** Bytes each peer sent, over its group's round. */
  bytesSent: number[]
  /** Milliseconds the aggregator spent on messages, over every group. */
  aggregatorMs: number
  /** Milliseconds the bounds check and the rule took (every peer checking the result pays them too). */
  ruleMs: number
}

export async function simulateRobustRound (input: RobustRoundInput): Promise<RobustRoundReport> {
  const { params, robust, peers, crypto } = input
  const round = input.round ?? 1
  const beacon = input.beacon ?? new Uint8Array(32)
  const seed = input.seed ?? 'robust-round'
  const indexed = peers.map((peer, i) => ({ bytes: peer.identity.bytes, i }))
  const groups = partitionGroups(params.sessionId, round, beacon, indexed, robust.groupSize).map(group => group.map(m => m.i))
  const updates = input.updates.map((update, i) => robust.l2Bound === undefined || input.byzantine?.has(i) === true ? update : clipL2(update, robust.l2Bound))
  // One group after another: the same messages as interleaved, and each group's time measured alone.
  const rounds: SimulationReport[] = []
  const uploadCheck = UploadCheck.shared()
  for (const [g, members] of groups.entries()) {
    const inGroup = members.indexOf(input.aggregator)
    rounds.push(await simulateRound({
      params: groupParams(params, robust, g, members.length),
      peers: members.map(i => peers[i]),
      updates: members.map(i => updates[i]),
      ...(input.weights !== undefined ? { weights: members.map(i => input.weights![i]) } : {}),
      aggregator: inGroup,
      uploadCheck,
      ...(inGroup < 0 ? { aggregatorPeer: peers[input.aggregator] } : {}),
      round,
      beacon,
      crypto,
      seed: `${seed}/group-${g}`,
      drops: new Map(members.flatMap((i, local) => {
        const point = input.drops?.get(i)
        return point === undefined ? [] : [[local, point] as const]
      }))
    }))
  }
  const sums = rounds.map(report => {
    const outcome = report.aggregator.outcome
    return outcome === undefined ? undefined : { sum: outcome.sum, weightSum: outcome.weightSum, inputs: outcome.survivors.length }
  })
  const bytesSent = new Array<number>(peers.length).fill(0)
  groups.forEach((members, g) => members.forEach((i, local) => { bytesSent[i] = rounds[g].bytesSent[local] }))
  const aggregatorMs = rounds.reduce((total, report) => total + Object.values(report.aggregatorMs).reduce((a, b) => a + b, 0), 0)
  const report: RobustRoundReport = { groups, rounds, sums, bytesSent, aggregatorMs, ruleMs: 0 }
  const started = performance.now()
  try {
    report.outcome = robustMean(sums, robust, params.encoding)
  } catch (err: any) {
    report.error = err.message
  }
  report.ruleMs = performance.now() - started
  return report
}
