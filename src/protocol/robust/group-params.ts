/**
 * The parameters of one group's secure-aggregation instance in a robust round. Each group runs the
 * round core unchanged, as a round of its own:
 *
 * - its session id hashes the session's with the group's index, so that nothing signed in one group's
 *   instance (an advertisement, a survivor set, a share) is valid in another's;
 * - the complete graph over the group, with the majority threshold the parameter finder gives a round
 *   of that size with no corrupt peer planned (a group of 5: 3 of 4 neighbours; of 3: 2 of 2);
 * - every group sum keeps at least s inputs: a group of m tolerates m - s dropouts and aborts below s;
 * - the modulus holds a sum of the largest group, not of the session: log2(n/s) bits fewer per word;
 * - the masked vectors commit under the session's matrix, one for every group, so their aggregator
 *   checks every group's uploads with one form (UploadCheck.shared) instead of computing one per group;
 * - the beacon proof is the aggregator's VRF over the session's round: every group's result proves the
 *   same next beacon (ProtocolParams.parentSessionId).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { frame, u32be } from '../crypto/bytes.js'
import { resolveParams, type ResolvedParams } from '../round/params.js'
import type { ResolvedRobust } from './params.js'

const GROUP_SESSION_LABEL = 'libp2p-secagg/1/robust-group-session'

/** The session id of group `group`'s instance. */
export function groupSessionId (sessionId: Uint8Array, group: number): Uint8Array {
  return sha256(frame([GROUP_SESSION_LABEL, sessionId, u32be(group)]))
}

/** The round parameters of group `group` (of `size` peers) in a robust session. */
export function groupParams (params: ResolvedParams, robust: ResolvedRobust, group: number, size: number): ResolvedParams {
  const { encoding } = params
  if (encoding.privacy !== undefined) throw new RangeError('robust groups do not combine with a DP encoding yet')
  const largest = Math.max(...robust.sizes)
  return resolveParams({
    ...params,
    sessionId: groupSessionId(params.sessionId, group),
    parentSessionId: params.sessionId,
    encoding: { clip: encoding.clip, bits: encoding.bits, maxParticipants: largest, maxWeight: encoding.maxWeight },
    // (m - s)/m of a group of m may drop: the finder allows ⌊rate·m⌋, so a hair more than the ratio
    graph: { shape: 'complete', dropoutRate: (size - robust.groupSize) / size + 1e-9, corruptRate: 0, threatModel: 'malicious' },
    minParticipants: robust.groupSize
  })
}
