/**
 * Who aggregates: the members of a session ranked by a hash of the round's beacon and their PeerId;
 * attempt a of a round is run by the peer ranked a (mod the number of members). A round's beacon is
 * the output of the previous round's aggregator's verifiable random function (ECVRF, RFC 9381) on that
 * round's session, number, attempt and beacon: unique for its key, so the aggregator cannot grind it
 * by varying its result (it can only withhold the result, which hands the round to the next-ranked
 * peer), and unknown to everyone else until the result is out.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, frame, u32be, u64be } from './crypto/bytes.js'
import { vrfProofToHash } from './crypto/ecvrf.js'
import { RoundResult, Signed } from './pb/messages.js'
import type { Identity } from './crypto/identity.js'

const RANK_LABEL = 'libp2p-secagg/1/aggregator-rank'
const BEACON_LABEL = 'libp2p-secagg/1/beacon'
const VRF_INPUT_LABEL = 'libp2p-secagg/1/beacon-vrf-input'

/** The beacon of a session's first round: fixed by the session id alone. */
export function genesisBeacon (sessionId: Uint8Array): Uint8Array {
  return sha256(frame([BEACON_LABEL, sessionId]))
}

/** What a round's aggregator evaluates its VRF on: the round's session, number, attempt and beacon. */
export function beaconInput (sessionId: Uint8Array, round: number, attempt: number, beacon: Uint8Array): Uint8Array {
  return frame([VRF_INPUT_LABEL, sessionId, u64be(round), u32be(attempt), beacon])
}

/** The next round's beacon from the VRF output (beta, never the proof bytes, which are not unique). */
export function beaconFromVrf (sessionId: Uint8Array, output: Uint8Array): Uint8Array {
  return sha256(frame([BEACON_LABEL, sessionId, output]))
}

/**
 * The beacon of the round after the one whose signed result is given, read from its VRF proof. The
 * proof is not checked here: use it on a result already verified (verifyResult, or the round core).
 */
export function nextBeacon (sessionId: Uint8Array, signedResult: Uint8Array): Uint8Array {
  return beaconFromVrf(sessionId, vrfProofToHash(RoundResult.decode(Signed.decode(signedResult).body).beaconProof))
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
