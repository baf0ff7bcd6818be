/**
 * Who aggregates: the members of a session ranked by a hash of the round's beacon and their PeerId.
 * The beacon derives from the previous round's signed result, so no one can know the ranking before
 * that round ends; attempt a of a round is run by the peer ranked a (mod the number of members).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, frame, u64be } from './crypto/bytes.js'
import type { Identity } from './crypto/identity.js'

const RANK_LABEL = 'libp2p-secagg/1/aggregator-rank'
const BEACON_LABEL = 'libp2p-secagg/1/beacon'

/** The beacon of a session's first round: fixed by the session id alone. */
export function genesisBeacon (sessionId: Uint8Array): Uint8Array {
  return sha256(frame([BEACON_LABEL, sessionId]))
}

/** The beacon of the round after the one whose signed result message is given. */
export function nextBeacon (sessionId: Uint8Array, signedResult: Uint8Array): Uint8Array {
  return sha256(frame([BEACON_LABEL, sessionId, signedResult]))
}

/** Members in aggregator order for a round: the first runs attempt 0, the next attempt 1, and so on. */
export function rankAggregators (sessionId: Uint8Array, round: number, beacon: Uint8Array, members: readonly Identity[]): Identity[] {
  const keyed = members.map(member => ({ member, key: sha256(frame([RANK_LABEL, sessionId, u64be(round), beacon, member.bytes])) }))
  keyed.sort((a, b) => compareBytes(a.key, b.key) || compareBytes(a.member.bytes, b.member.bytes))
  return keyed.map(k => k.member)
}

/** The aggregator of a round attempt. */
export function electAggregator (sessionId: Uint8Array, round: number, attempt: number, beacon: Uint8Array, members: readonly Identity[]): Identity {
  if (members.length === 0) throw new RangeError('no members to elect an aggregator from')
  const ranked = rankAggregators(sessionId, round, beacon, members)
  return ranked[attempt % ranked.length]
}
