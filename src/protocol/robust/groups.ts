/**
 * A robust round's groups: the session's members, ranked by a hash of the round's beacon and their peer
 * id, cut into G = ⌊n/s⌋ runs of consecutive ranks whose sizes differ by at most one (each at least s).
 * The beacon is the previous round's aggregator's VRF output (election.ts): no one knows it before that
 * result, and no one can vary it, so no one chooses who shares a group with whom. The cut is over the
 * session's members, not the round's roster: an aggregator that leaves peers out of a roster only makes
 * their groups smaller (a group below s is not summed), it cannot move anyone into another group, which
 * it could if the roster drew the groups (each omission a fresh draw).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, frame, u64be } from '../crypto/bytes.js'

const GROUP_LABEL = 'libp2p-secagg/1/robust-group'

/** The sizes of ⌊n/s⌋ groups over n members, the larger first; none below s. Throws when n < s. */
export function groupSizes (members: number, groupSize: number): number[] {
  const groups = Math.floor(members / groupSize)
  if (groups < 1) throw new RangeError(`${members} members make no group of ${groupSize}`)
  const base = Math.floor(members / groups)
  const larger = members % groups
  return Array.from({ length: groups }, (_, g) => g < larger ? base + 1 : base)
}

/** The members of each group of round `round`, under its beacon; each group in rank order. */
export function partitionGroups<T extends { bytes: Uint8Array }> (sessionId: Uint8Array, round: number, beacon: Uint8Array, members: readonly T[], groupSize: number): T[][] {
  const keyed = members.map(member => ({ member, key: sha256(frame([GROUP_LABEL, sessionId, u64be(round), beacon, member.bytes])) }))
  keyed.sort((a, b) => compareBytes(a.key, b.key) || compareBytes(a.member.bytes, b.member.bytes))
  const groups: T[][] = []
  let at = 0
  for (const size of groupSizes(members.length, groupSize)) {
    groups.push(keyed.slice(at, at + size).map(k => k.member))
    at += size
  }
  return groups
}
