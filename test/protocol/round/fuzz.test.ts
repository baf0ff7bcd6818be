/**
 * Malformed input: property-based fuzzing (fast-check) of every wire message type, against the
 * participant and aggregator state machines.
 *
 * One valid round among six simulated peers is recorded once. Each case replays a fresh machine,
 * with the simulator's exact configuration, to the point where a message type is due, and hands it a
 * fuzzed message in place of the valid one: arbitrary bytes, or a structure-aware mutation of the
 * real message (fields decoded and changed, repeated entries dropped, duplicated, shuffled or taken
 * from other recipients' messages, peer ids swapped for members, outsiders or other key types,
 * Signed envelopes with the body changed and then signed again by its honest owner, by someone else
 * or in another domain, or the signature damaged), sometimes with wire-level damage on top.
 *
 * An independent oracle, written from the protocol's rules (docs/security.md, and the abort reasons of
 * src/protocol/round/errors.ts), says whether
 * the fuzzed message is still valid. For every case:
 *  - handle() resolves: nothing throws or rejects out of the state machine;
 *  - 'internal-error' (an unexpected exception inside the machine) never appears;
 *  - a participant (whose only sender is the aggregator) aborts with a reason the message type
 *    allows, or proceeds, and it proceeds only if the message is still valid (exactly as the valid
 *    round did when the message means the same);
 *  - the aggregator excludes the sender with a reason the type allows (or aborts with a typed
 *    reason), or accepts the message only if it is still valid; and then the honest peers'
 *    remaining messages of the phase still complete it: one bad peer never stalls the aggregator.
 *
 * The roster (n = 6, dropout rate 0.2) has a sparse neighbour graph (k = 4 of 5 others, t = 3) that
 * tolerates one excluded peer in every phase, so "the phase still completes" is always checkable.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { vrfPublicKeyOf, vrfVerify } from '../../../src/protocol/crypto/ecvrf.js'
import { beaconInput } from '../../../src/protocol/election.js'
import fc from 'fast-check'
import { identityFromBytes, SignatureDomain, verify, type Identity } from '../../../src/protocol/crypto/identity.js'
import { compareBytes, constantTimeEqual, toHex } from '../../../src/protocol/crypto/bytes.js'
import { MAX_SHARES } from '../../../src/protocol/crypto/shamir.js'
import { packedLength, unpackInto } from '../../../src/protocol/encoding/bit-pack.js'
import { edwardsFromU } from '../../../src/protocol/crypto/ed25519-group.js'
import { leafHash, merkleRoot, verifyMerklePath } from '../../../src/protocol/crypto/merkle.js'
import { shareCommitments, shareProofContext } from '../../../src/protocol/round/masks.js'
import { proveSharedSecret } from '../../../src/protocol/crypto/shared-secret-proof.js'
import { deterministicRandom } from '../../../src/protocol/crypto/random.js'
import { refOf } from '../../../src/protocol/round/wire.js'
import { checkCommitments, holdersOf, sealedShare } from '../../../src/protocol/round/dealing.js'
import { advertisementDigest, RosterView } from '../../../src/protocol/round/roster.js'
import { TIMED_PHASES } from '../../../src/protocol/round/phases.js'
import { TRANSCRIPT_LIMITS } from '../../../src/protocol/verification/audit.js'
import { carryBits } from '../../../src/protocol/round/aggregator/integer-sum.js'
import {
  Announcement, ConsistencyProof, ConsistencySignature, DealerCommitments, EncryptedShare, InputCommitment, KeyAdvertisement, MaskedInputChunk,
  NeighbourKeys, RoundResult, RoundTranscript, Roster, ShareCheck, ShareDelivery, ShareKeys, ShareKind, Signed, SurvivorSet, UnmaskShares, type RoundRef
} from '../../../src/protocol/pb/messages.js'
import {
  aggregatorAfter, createMutator, dealerCheats, deliverToParticipant, encryptionKeyOf, encryptionSecretOf, newParticipant, participantAfter, peerIndexOf,
  planArb, recordFixture, redealt, runLiveRound, SMALL_ORDER_POINTS, START_TIME, wireDamageArb,
  type Fixture, type Mutator, type WireOp
} from '../../support/fuzz-harness.js'
import type { AbortReason } from '../../../src/protocol/round/errors.js'
import type { MessageType, Outbound, RoundEvent, Step } from '../../../src/protocol/round/events.js'
import type { Participant } from '../../../src/protocol/round/participant/participant.js'
import type { Delivery } from '../../../src/simulation/simulation.js'

// ---------------------------------------------------------------------------------------------------
// Budget: cases per message type (arbitrary bytes + structure-aware), at least 10,000 in all
// ---------------------------------------------------------------------------------------------------

const PARTICIPANT_TYPES = ['announcement', 'roster', 'neighbour-keys', 'share-delivery', 'survivor-set', 'consistency-proof', 'result'] as const
const AGGREGATOR_TYPES = ['key-advertisement', 'share-keys', 'share-check', 'masked-input', 'consistency-signature', 'unmask-shares'] as const
type ParticipantType = typeof PARTICIPANT_TYPES[number]
type AggregatorType = typeof AGGREGATOR_TYPES[number]

const RUNS: Record<MessageType, { arbitrary: number, structured: number }> = {
  announcement: { arbitrary: 300, structured: 700 },
  roster: { arbitrary: 300, structured: 700 },
  'neighbour-keys': { arbitrary: 300, structured: 700 },
  // Each case of these replays a participant up to a late phase first (about 20 ms), or audits a
  // result: 600 apiece keeps the fast tier under five minutes on 2 cores.
  'share-delivery': { arbitrary: 200, structured: 400 },
  'survivor-set': { arbitrary: 200, structured: 400 },
  'consistency-proof': { arbitrary: 200, structured: 400 },
  result: { arbitrary: 200, structured: 400 },
  'key-advertisement': { arbitrary: 300, structured: 700 },
  'share-keys': { arbitrary: 300, structured: 700 },
  'share-check': { arbitrary: 300, structured: 700 },
  'masked-input': { arbitrary: 300, structured: 700 },
  'consistency-signature': { arbitrary: 300, structured: 700 },
  'unmask-shares': { arbitrary: 200, structured: 400 }
}
/**
 * fast-check's options for a property of `numRuns` cases. A failure prints its seed and path: with
 * FUZZ_SEED and FUZZ_PATH set to them, the failing test (picked with -t) replays that case first.
 */
function runs (numRuns: number): { numRuns: number, seed?: number, path?: string } {
  const seed = process.env.FUZZ_SEED
  return seed === undefined ? { numRuns } : { numRuns, seed: Number(seed), ...(process.env.FUZZ_PATH !== undefined ? { path: process.env.FUZZ_PATH } : {}) }
}

/** Cases of the other properties: messages of the wrong type, survivor sets before the masked input, whole rounds. */
const WRONG_TYPE_RUNS = { participant: 250, aggregator: 250 }
const EARLY_SURVIVOR_SET_RUNS = 150
const LIVE_ROUND_RUNS = 120

// ---------------------------------------------------------------------------------------------------
// What each message type may end in
// ---------------------------------------------------------------------------------------------------

/** Every reason errors.ts defines except 'internal-error', which means a bug. */
const TYPED_REASONS: AbortReason[] = [
  'too-few-participants', 'too-many-participants', 'too-many-dropouts', 'too-few-neighbours', 'invalid-announcement',
  'invalid-roster', 'invalid-shares', 'invalid-commitment', 'invalid-survivor-set', 'invalid-consistency-proof', 'conflicting-request',
  'invalid-result', 'forged-result', 'reconstruction-failed', 'timeout', 'invalid-input', 'excluded'
]

/** The reasons a participant may give for aborting on a bad message of each type. */
const PARTICIPANT_REASONS: Record<ParticipantType, AbortReason[]> = {
  announcement: ['invalid-announcement'],
  roster: ['invalid-roster', 'too-few-participants', 'too-many-participants', 'excluded'],
  'neighbour-keys': ['invalid-roster'],
  'share-delivery': ['invalid-shares', 'too-few-neighbours'],
  'survivor-set': ['invalid-survivor-set', 'excluded', 'too-many-dropouts', 'too-few-neighbours'],
  'consistency-proof': ['invalid-consistency-proof', 'conflicting-request'],
  result: ['invalid-result', 'forged-result']
}

/** The reasons the aggregator may give for excluding the sender of a bad message of each type. */
const AGGREGATOR_REASONS: Record<AggregatorType, AbortReason[]> = {
  'key-advertisement': ['invalid-roster'],
  'share-keys': ['invalid-shares'],
  'share-check': ['invalid-shares', 'conflicting-request'],
  'masked-input': ['invalid-shares', 'conflicting-request', 'invalid-commitment'],
  'consistency-signature': ['invalid-consistency-proof'],
  'unmask-shares': ['reconstruction-failed', 'conflicting-request']
}

/** A participant's status once it has handled the valid message of each type (and produced its masked input). */
const PARTICIPANT_STATUS_AFTER: Record<ParticipantType, string> = {
  announcement: 'advertise-keys',
  roster: 'share-keys', // with the valid neighbour keys after it
  'neighbour-keys': 'share-keys',
  'share-delivery': 'consistency-check',
  'survivor-set': 'consistency-check',
  'consistency-proof': 'unmask',
  result: 'done'
}

const PHASE_OF: Record<AggregatorType, string> = {
  'key-advertisement': 'advertise-keys',
  'share-keys': 'share-keys',
  'share-check': 'masked-input',
  'masked-input': 'masked-input',
  'consistency-signature': 'consistency-check',
  'unmask-shares': 'unmask'
}
const NEXT_STATUS: Record<AggregatorType, string> = {
  'key-advertisement': 'share-keys',
  'share-keys': 'masked-input',
  'share-check': 'consistency-check',
  'masked-input': 'consistency-check',
  'consistency-signature': 'unmask',
  'unmask-shares': 'done'
}

/** The types participants send in the phase a type is sent in: a share-check goes with the masked input. */
const PHASE_TYPES: Record<AggregatorType, AggregatorType[]> = {
  'key-advertisement': ['key-advertisement'],
  'share-keys': ['share-keys'],
  'share-check': ['share-check', 'masked-input'],
  'masked-input': ['share-check', 'masked-input'],
  'consistency-signature': ['consistency-signature'],
  'unmask-shares': ['unmask-shares']
}

/** Which message types a participant takes in each status (anything else is a conflicting request). */
const PARTICIPANT_ACCEPTS: Record<string, MessageType[]> = {
  announce: ['announcement'],
  'advertise-keys': ['roster', 'neighbour-keys'],
  'share-keys': ['share-delivery'],
  'masked-input': ['survivor-set'],
  'consistency-check': ['survivor-set', 'consistency-proof'],
  unmask: ['result']
}

const ALL_TYPES: MessageType[] = [...PARTICIPANT_TYPES, ...AGGREGATOR_TYPES]

// ---------------------------------------------------------------------------------------------------
// The recorded round and what the valid run did with it
// ---------------------------------------------------------------------------------------------------

let fx: Fixture
let mutator: Mutator

interface HonestParticipant {
  inbox: Delivery[]
  /** Neighbours in the graph (hex peer ids). */
  neighbours: Set<string>
  encryptionKey: Uint8Array
  maskKey: Uint8Array
  /** What handling each valid message produced: messages, masked-input chunks, status after. */
  after: Map<MessageType, { messages: Outbound[], chunks: Uint8Array[], status: string }>
}
let honestParticipants: HonestParticipant[]
/** The aggregator's step for each delivery of the valid round. */
let honestAggregatorSteps: Step[]
let honestSum: Uint32Array
let survivorSetBytes: Uint8Array

beforeAll(async () => {
  fx = await recordFixture({ n: 6, dimension: 40, dropoutRate: 0.2, seed: 'fuzz', chunkCoordinates: 32 })
  // A complaint, as a cheated holder would send it, for the mutator to insert into share-checks: valid in
  // form (a real proof of a pair's shared secret), false in substance (the recorded dealers were honest).
  const holder = 1
  const dealer = peerIndexOf(fx, holdersOf(fx.roster, fx.peers[holder].identity.bytes)[0])
  const proof = proveSharedSecret(encryptionSecretOf(fx, holder), encryptionKeyOf(fx, dealer), shareProofContext(fx.context, fx.peers[dealer].identity.bytes, fx.peers[holder].identity.bytes), deterministicRandom('fuzz complaint')).proof
  const complaint = ShareCheck.encode({ ref: refOf(fx.context), complaints: [{ dealer: fx.peers[dealer].identity.bytes as Uint8Array<ArrayBuffer>, sharedSecretProof: proof as Uint8Array<ArrayBuffer> }] })
  mutator = createMutator(fx, [{ from: holder, to: 'aggregator', type: 'share-check', bytes: complaint }])
  expect(fx.roster.parameters).toMatchObject({ degree: 4, threshold: 3, complete: false, minSurvivors: 5 })

  honestParticipants = []
  for (let p = 0; p < fx.peers.length; p++) {
    const ad = fx.toAggregator.find(d => d.from === p && d.type === 'key-advertisement')!
    const keys = KeyAdvertisement.decode(Signed.decode(ad.bytes).body)
    const participant = newParticipant(fx, p)
    const after = new Map<MessageType, { messages: Outbound[], chunks: Uint8Array[], status: string }>()
    for (const d of fx.toParticipant[p]) {
      const { step, chunks } = await deliverToParticipant(fx, participant, d.type, d.bytes)
      after.set(d.type, { messages: step.messages, chunks, status: participant.status })
    }
    // the replay reproduces the recorded round exactly
    const sent = [...after.values()].flatMap(a => [...a.messages.map(m => m.bytes), ...a.chunks])
    expect(sent.map(toHex)).toEqual(fx.toAggregator.filter(d => d.from === p).map(d => toHex(d.bytes)))
    honestParticipants.push({
      inbox: fx.toParticipant[p],
      neighbours: new Set(fx.roster.neighboursOf(fx.peers[p].identity.bytes).map(toHex)),
      encryptionKey: keys.encryptionKey,
      maskKey: keys.maskKey,
      after
    })
  }

  const { aggregator } = await aggregatorAfter(fx, 0)
  honestAggregatorSteps = []
  for (const d of fx.toAggregator) honestAggregatorSteps.push(await aggregator.handle(fx.peers[d.from].identity, d.type, d.bytes))
  const result = honestAggregatorSteps.flatMap(s => s.events).find(e => e.type === 'result')
  expect(result).toBeDefined()
  honestSum = (result as Extract<RoundEvent, { type: 'result' }>).outcome.quantizedSum
  survivorSetBytes = fx.toParticipant[1].find(d => d.type === 'survivor-set')!.bytes
}, 60_000)

// ---------------------------------------------------------------------------------------------------
// The oracle: is a fuzzed message still valid, by the protocol's rules?
// ---------------------------------------------------------------------------------------------------

/** 'same': means exactly what the valid message means; 'valid': differs but breaks no rule; 'unknown': either outcome is correct. */
type Verdict = 'same' | 'valid' | 'invalid' | 'unknown'

class Invalid extends Error {}
function need (condition: boolean, why: string): asserts condition {
  if (!condition) throw new Invalid(why)
}
function decodeOr<T> (codec: { decode: (b: Uint8Array, opts?: any) => T }, bytes: Uint8Array, limits?: Record<string, number>): T {
  try {
    return codec.decode(bytes, limits == null ? undefined : { limits })
  } catch {
    throw new Invalid('does not decode')
  }
}
function parsePeer (bytes: Uint8Array): Identity {
  try {
    return identityFromBytes(bytes)
  } catch {
    throw new Invalid('not an Ed25519 peer id')
  }
}
function refOk (ref: RoundRef | undefined): boolean {
  return ref != null && constantTimeEqual(ref.session, fx.params.sessionId) && ref.round === BigInt(fx.round) && ref.attempt === fx.attempt
}
function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && constantTimeEqual(a, b)
}
/** Same meaning on the wire: the codec's canonical re-encodings agree. */
function canonicalSame (codec: { decode: (b: Uint8Array) => any, encode: (v: any) => Uint8Array }, a: Uint8Array, b: Uint8Array): boolean {
  try {
    return sameBytes(codec.encode(codec.decode(a)), codec.encode(codec.decode(b)))
  } catch {
    return false
  }
}
async function verdictOf (check: () => Promise<Verdict>): Promise<{ verdict: Verdict, why: string }> {
  try {
    const verdict = await check()
    return { verdict, why: verdict }
  } catch (err) {
    if (err instanceof Invalid) return { verdict: 'invalid', why: err.message }
    throw err
  }
}
const isSmallOrder = (key: Uint8Array): boolean => {
  const masked = key.slice()
  masked[31] &= 0x7f
  return SMALL_ORDER_POINTS.some(p => sameBytes(p, masked))
}
const aggregatorIdentity = (): Identity => fx.peers[fx.aggregatorIndex].identity
const modulusBits = (): number => fx.params.encoding.modulusBits
const TOTAL = (): number => fx.params.dimension + 1

/** The rules for a message the aggregator sends participant p, as p must check them. */
async function participantOracle (type: ParticipantType, p: number, bytes: Uint8Array, original: Uint8Array): Promise<{ verdict: Verdict, why: string }> {
  const self = fx.peers[p].identity
  const honest = honestParticipants[p]
  const threshold = fx.roster.threshold
  return verdictOf(async () => {
    switch (type) {
      case 'announcement': {
        const envelope = decodeOr(Signed, bytes)
        need(await verify(aggregatorIdentity(), SignatureDomain.announcement, envelope.body, envelope.signature), 'not signed by the aggregator')
        const a = decodeOr(Announcement, envelope.body)
        need(refOk(a.ref), 'ref')
        need(sameBytes(a.aggregator, aggregatorIdentity().bytes), 'another aggregator')
        need(sameBytes(a.beacon, fx.beacon), 'another beacon')
        const d = a.deadlines.map(Number)
        need(d.length === TIMED_PHASES.length && d.every((x, i) => Number.isSafeInteger(x) && (i === 0 || x > d[i - 1])), 'deadlines')
        need(d[0] + 5_000 >= START_TIME, 'deadlines passed')
        let allowed = START_TIME + 5_000
        need(TIMED_PHASES.every((phase, i) => d[i] <= (allowed += fx.params.phaseTimeouts[phase])), 'a deadline beyond what the session allows')
        return canonicalSame(Signed, bytes, original) ? 'same' : 'valid'
      }
      case 'roster': {
        const r = decodeOr(Roster, bytes, { peers: MAX_SHARES })
        need(refOk(r.ref), 'ref')
        if (canonicalSame(Roster, bytes, original)) return 'same'
        for (let i = 1; i < r.peers.length; i++) need(compareBytes(r.peers[i - 1], r.peers[i]) < 0, 'not sorted')
        need(r.peers.length >= fx.params.minParticipants, 'too few')
        need(r.peers.length <= fx.params.encoding.maxParticipants, 'too many')
        const identities = r.peers.map(parsePeer)
        need(identities.every(i => fx.peers.some(p => p.identity.id === i.id)), 'includes a peer outside the session')
        need(identities.some(i => i.id === self.id), 'leaves this peer out')
        need(r.digests.length === r.peers.length && r.digests.every(d => d.length === 32), 'digests')
        // this peer vouches for its own advertisement's digest, and its neighbours' once their keys come
        const digestOf = (peer: Uint8Array): Uint8Array | undefined => r.digests[r.peers.findIndex(p => compareBytes(p, peer) === 0)]
        const genuine = (peer: Uint8Array): boolean => compareBytes(digestOf(peer)!, fx.roster.digests[fx.roster.xOf(peer) - 1]) === 0
        need(genuine(self.bytes), 'another digest for this peer')
        // the neighbour keys that follow are the valid round's: they fit only if the graph gives the same neighbours
        const view = new RosterView(identities, fx.context, fx.beacon, fx.params, r.digests)
        const neighbours = view.neighboursOf(self.bytes).map(toHex)
        need(neighbours.length === honest.neighbours.size && neighbours.every(n => honest.neighbours.has(n)), 'another neighbourhood')
        need(view.neighboursOf(self.bytes).every(genuine), 'another digest for a neighbour')
        return 'valid'
      }
      case 'neighbour-keys': {
        const k = decodeOr(NeighbourKeys, bytes, { advertisements: MAX_SHARES })
        need(refOk(k.ref), 'ref')
        if (canonicalSame(NeighbourKeys, bytes, original)) return 'same'
        const expected = new Set(honest.neighbours)
        need(k.advertisements.length === expected.size, 'count')
        const seen = new Set([toHex(honest.encryptionKey), toHex(honest.maskKey)])
        for (const envelope of k.advertisements) {
          const ad = decodeOr(KeyAdvertisement, envelope.body)
          const owner = parsePeer(ad.peer)
          need(expected.delete(toHex(owner.bytes)), 'not a neighbour, or twice')
          need(await verify(owner, SignatureDomain.keyAdvertisement, envelope.body, envelope.signature), 'not signed by its owner')
          need(compareBytes(advertisementDigest(Signed.encode(envelope)), fx.roster.digests[fx.roster.xOf(owner.bytes) - 1]) === 0, 'not the advertisement the roster lists')
          need(refOk(ad.ref), 'ref')
          for (const key of [ad.encryptionKey, ad.maskKey]) {
            need(key.length === 32, 'key length')
            need(!seen.has(toHex(key)), 'key repeats')
            need(!isSmallOrder(key), 'small-order key')
            seen.add(toHex(key))
          }
          need(edwardsFromU(ad.encryptionKey) !== undefined, 'an encryption key off the curve')
        }
        return 'valid'
      }
      case 'share-delivery': {
        const d = decodeOr(ShareDelivery, bytes, { dealers: MAX_SHARES })
        need(refOk(d.ref), 'ref')
        const seen = new Set<string>()
        for (const item of d.dealers) {
          // everything here was signed by its dealer and checked by the aggregator: a failure is the aggregator's
          need(item.commitments != null, 'no commitments')
          const commitments = decodeOr(DealerCommitments, item.commitments.body)
          const dealer = parsePeer(commitments.dealer)
          need(honest.neighbours.has(toHex(dealer.bytes)) && !seen.has(dealer.id), 'not a neighbour, or twice')
          seen.add(dealer.id)
          need(await verify(dealer, SignatureDomain.shareCommitments, item.commitments.body, item.commitments.signature), 'commitments not signed by their dealer')
          need(refOk(commitments.ref), 'commitments ref')
          need(commitmentsHold(commitments, threshold, honestParticipants[peerIndexOf(fx, dealer.bytes)].maskKey), 'commitments malformed or not bound to the mask key')
          const entry = sealedShare(decodeOr(EncryptedShare, item.share))
          need(refOk(entry.ref), 'share ref')
          need(sameBytes(entry.dealer, dealer.bytes) && sameBytes(entry.holder, self.bytes) && entry.x === fx.roster.xOf(self.bytes), 'share for another pair or x')
          const holders = holdersOf(fx.roster, dealer.bytes)
          const index = holders.findIndex(h => sameBytes(h, self.bytes))
          need(commitments.shareCount === holders.length && verifyMerklePath(leafHash(item.share), index, holders.length, item.path, commitments.sharesRoot), 'share not under the signed root')
        }
        need(seen.size >= threshold, 'fewer than t neighbours')
        return canonicalSame(ShareDelivery, bytes, original) ? 'same' : 'valid'
      }
      case 'survivor-set': {
        const s = decodeOr(SurvivorSet, bytes, { survivors: MAX_SHARES, commitments: MAX_SHARES })
        need(refOk(s.ref), 'ref')
        need(s.commitments.length === s.survivors.length, 'not one commitment digest per survivor')
        for (let i = 1; i < s.survivors.length; i++) need(compareBytes(s.survivors[i - 1], s.survivors[i]) < 0, 'not sorted')
        need(s.survivors.every(peer => fx.roster.has(peer)), 'outside the roster')
        const members = new Set(s.survivors.map(toHex))
        need(members.has(toHex(self.bytes)), 'leaves this peer out')
        // this peer's own commitment must be listed as it signed it (the honest set lists every one right)
        const recorded = SurvivorSet.decode(original)
        const own = (set: SurvivorSet): Uint8Array | undefined => set.commitments[set.survivors.findIndex(peer => sameBytes(peer, self.bytes))]
        need(sameBytes(own(s) ?? new Uint8Array(0), own(recorded)!), 'lists another commitment for this peer')
        need(members.size >= fx.roster.minSurvivors, 'too few survivors')
        need([...honest.neighbours].filter(n => members.has(n)).length >= threshold, 'too few neighbours survive')
        return sameBytes(bytes, original) ? 'same' : 'valid'
      }
      case 'consistency-proof': {
        const proof = decodeOr(ConsistencyProof, bytes, { signatures: MAX_SHARES })
        need(sameBytes(proof.survivorSet, survivorSetBytes), 'another survivor set')
        // only each neighbour's first signature counts (a peer verifies each neighbour once)
        const valid = new Set<string>()
        const tried = new Set<string>()
        let unparsable = false
        for (const { signer, signature } of proof.signatures) {
          let identity: Identity
          try {
            identity = identityFromBytes(signer)
          } catch {
            unparsable = true
            continue
          }
          if (!honest.neighbours.has(toHex(identity.bytes)) || tried.has(identity.id)) continue
          tried.add(identity.id)
          if (await verify(identity, SignatureDomain.survivorSet, survivorSetBytes, signature)) valid.add(identity.id)
        }
        need(valid.size >= threshold, 'fewer than t neighbour signatures')
        // a malformed signer next to t good signatures may be skipped or refused
        return unparsable ? 'unknown' : canonicalSame(ConsistencyProof, bytes, original) ? 'same' : 'valid'
      }
      case 'result': {
        // the message is the round's transcript; the signed result is in it
        const transcript = decodeOr(RoundTranscript, bytes, TRANSCRIPT_LIMITS)
        const recorded = RoundTranscript.decode(original)
        const resultBytes = transcript.result
        const envelope = decodeOr(Signed, resultBytes)
        need(await verify(aggregatorIdentity(), SignatureDomain.result, envelope.body, envelope.signature), 'not signed by the aggregator')
        const r = decodeOr(RoundResult, envelope.body, { participants: MAX_SHARES, signatures: MAX_SHARES })
        need(refOk(r.ref), 'ref')
        need(sameBytes(r.aggregator, aggregatorIdentity().bytes), 'another aggregator')
        need(sameBytes(r.survivorSet, survivorSetBytes), 'another survivor set')
        need(r.participants.length === fx.roster.size && r.participants.every((peer, i) => sameBytes(peer, fx.roster.peers[i])), 'another roster')
        need(r.sum.length === packedLength(TOTAL(), modulusBits()), 'sum length')
        need(sameBytes(Signed.encode(envelope), resultBytes) && sameBytes(RoundResult.encode(r), envelope.body), 'not canonically encoded')
        // exactly valid signatures by distinct survivors, in signer order, this peer's own among them
        const survivors = SurvivorSet.decode(survivorSetBytes).survivors
        for (let i = 1; i < r.signatures.length; i++) need(compareBytes(r.signatures[i - 1].signer, r.signatures[i].signer) < 0, 'signatures not sorted')
        for (const { signer, signature } of r.signatures) {
          need(survivors.some(p => sameBytes(p, signer)), 'a signer outside the survivors')
          need(await verify(parsePeer(signer), SignatureDomain.survivorSet, survivorSetBytes, signature), 'a bad signature')
        }
        need(r.signatures.some(x => sameBytes(x.signer, self.bytes)), 'this peer\'s signature left out')
        need(r.signatures.length >= fx.roster.minSurvivors, 'too few signatures')
        need(sameBytes(r.beacon, fx.beacon), 'another beacon')
        need(vrfVerify(vrfPublicKeyOf(aggregatorIdentity().peerId), beaconInput(fx.context.sessionId, 1, 0, fx.beacon), r.beaconProof) !== undefined, 'a bad beacon proof')
        // Any other sum or carries is a forgery, which the commitments bind (the tamper suite shows each kind).
        const honest = RoundResult.decode(Signed.decode(recorded.result).body)
        const carryWidth = carryBits(SurvivorSet.decode(survivorSetBytes).survivors.length)
        need(sameUnpacked(r.sum, honest.sum, modulusBits()), 'another sum')
        need(sameUnpacked(r.carries, honest.carries, carryWidth), 'other carries')
        // The rest of the transcript is checked against what its authors signed; a change there may or may
        // not matter (an unused extra secret does not), which is the audit's business, not this oracle's.
        const rest = (t: RoundTranscript): Uint8Array => RoundTranscript.encode({ ...t, result: new Uint8Array(0) })
        if (!sameBytes(rest(transcript), rest(recorded))) return 'unknown'
        return canonicalSame(RoundTranscript, bytes, original) ? 'same' : 'valid'
      }
    }
  })
}

/** Whether a dealer's commitments pass what anyone can check: t points each, on the curve, bound to its mask key. */
function commitmentsHold (commitments: DealerCommitments, threshold: number, maskKey: Uint8Array): boolean {
  try {
    checkCommitments(commitments, threshold, maskKey)
    return true
  } catch {
    return false
  }
}

async function hasLargeOrder (key: Uint8Array): Promise<boolean> {
  try {
    await fx.crypto.x25519.sharedSecret(new Uint8Array(32).fill(7), key)
    return true
  } catch {
    return false
  }
}

/** Whether two packed vectors of TOTAL() values of `bits` bits hold the same values (false if either does not unpack). */
function sameUnpacked (a: Uint8Array, b: Uint8Array, bits: number): boolean {
  try {
    const values = [a, b].map(packed => {
      const out = new Uint32Array(TOTAL())
      unpackInto(packed, bits, out, 'fill')
      return out
    })
    return values[0].every((v, i) => v === values[1][i])
  } catch {
    return false
  }
}

/** Whether two packed chunks of `count` values hold the same values (bits past the last value do not count). */
function sameValues (a: Uint8Array, b: Uint8Array, count: number): boolean {
  const unpack = (packed: Uint8Array): Uint32Array => {
    const values = new Uint32Array(count)
    unpackInto(packed, modulusBits(), values, 'fill')
    return values
  }
  return unpack(a).every((v, i) => v === unpack(b)[i])
}

/** The rules for a message participant `s` sends the aggregator (chunk: which masked-input chunk it replaces). */
async function aggregatorOracle (type: AggregatorType, s: number, chunk: number, bytes: Uint8Array, original: Uint8Array): Promise<{ verdict: Verdict, why: string }> {
  const sender = fx.peers[s].identity
  const neighbours = honestParticipants[s].neighbours
  return verdictOf(async () => {
    switch (type) {
      case 'key-advertisement': {
        const envelope = decodeOr(Signed, bytes)
        need(await verify(sender, SignatureDomain.keyAdvertisement, envelope.body, envelope.signature), 'not signed by the sender')
        const ad = decodeOr(KeyAdvertisement, envelope.body)
        need(refOk(ad.ref), 'ref')
        need(sameBytes(ad.peer, sender.bytes), 'names another peer')
        need(ad.encryptionKey.length === 32 && ad.maskKey.length === 32, 'key length')
        need(!sameBytes(ad.encryptionKey, ad.maskKey), 'same key twice')
        need(edwardsFromU(ad.encryptionKey) !== undefined, 'an encryption key off the curve')
        for (const key of [ad.encryptionKey, ad.maskKey]) need(await hasLargeOrder(key), 'a key of small order')
        // a key another peer also advertises gets both excluded when the roster is fixed
        const others = honestParticipants.filter((_, i) => i !== s).flatMap(h => [toHex(h.encryptionKey), toHex(h.maskKey)])
        need(!others.includes(toHex(ad.encryptionKey)) && !others.includes(toHex(ad.maskKey)), 'copies another peer\'s key')
        return canonicalSame(Signed, bytes, original) ? 'same' : 'valid'
      }
      case 'share-keys': {
        const m = decodeOr(ShareKeys, bytes, { shares: MAX_SHARES })
        need(refOk(m.ref), 'ref')
        need(m.commitments != null, 'no commitments')
        need(await verify(sender, SignatureDomain.shareCommitments, m.commitments.body, m.commitments.signature), 'commitments not signed by the sender')
        const commitments = decodeOr(DealerCommitments, m.commitments.body)
        need(refOk(commitments.ref), 'commitments ref')
        need(sameBytes(commitments.dealer, sender.bytes), 'commitments name another dealer')
        need(commitmentsHold(commitments, fx.roster.threshold, honestParticipants[s].maskKey), 'commitments malformed or not bound to the mask key')
        const holders = holdersOf(fx.roster, sender.bytes)
        need(m.shares.length === holders.length, 'count')
        m.shares.forEach((bytes, i) => {
          const entry = sealedShare(decodeOr(EncryptedShare, bytes))
          need(refOk(entry.ref), 'share ref')
          need(sameBytes(entry.dealer, sender.bytes) && sameBytes(entry.holder, holders[i]) && entry.x === fx.roster.xOf(holders[i]), 'not one share per neighbour in x order')
          need(entry.nonce.length === 12 && entry.ciphertext.length === 2 * 32 + 16, 'ciphertext size')
          need(entry.selfMaskCommitment.length === 32 && entry.maskKeyCommitment.length === 32, 'commitment size')
        })
        need(commitments.shareCount === holders.length && sameBytes(merkleRoot(m.shares.map(share => leafHash(share))), commitments.sharesRoot), 'the signed root is not over these shares')
        return canonicalSame(ShareKeys, bytes, original) ? 'same' : 'valid'
      }
      case 'share-check': {
        const m = decodeOr(ShareCheck, bytes, { complaints: MAX_SHARES })
        need(refOk(m.ref), 'ref')
        // every dealer of the recorded round dealt honestly: any complaint is false, and excludes its author
        need(m.complaints.length === 0, 'a complaint about shares that verify')
        return canonicalSame(ShareCheck, bytes, original) ? 'same' : 'valid'
      }
      case 'masked-input': {
        const m = decodeOr(MaskedInputChunk, bytes)
        need(refOk(m.ref), 'ref')
        const received = chunk * fx.chunkCoordinates
        need(m.offset === received, 'offset')
        need(m.count > 0 && m.offset + m.count <= TOTAL() && (m.count % 32 === 0 || m.offset + m.count === TOTAL()), 'count')
        need(m.data.length === packedLength(m.count, modulusBits()), 'data length')
        // The last chunk carries its sender's signed commitment to the whole vector, so every chunk must hold
        // the recorded values; the commitment must be the recorded one (re-signing the same body is fine), and
        // no other chunk may carry one.
        const recorded = MaskedInputChunk.decode(original)
        need(m.count === recorded.count && sameValues(m.data, recorded.data, m.count), 'values other than those committed to')
        if (m.offset + m.count !== TOTAL()) {
          need(m.commitment == null, 'a commitment before the last chunk')
        } else {
          need(m.commitment != null, 'no commitment on the last chunk')
          need(await verify(sender, SignatureDomain.inputCommitment, m.commitment!.body, m.commitment!.signature), 'commitment not signed by the sender')
          need(canonicalSame(InputCommitment, m.commitment!.body, recorded.commitment!.body), 'another commitment')
        }
        return canonicalSame(MaskedInputChunk, bytes, original) ? 'same' : 'valid'
      }
      case 'consistency-signature': {
        const m = decodeOr(ConsistencySignature, bytes)
        need(await verify(sender, SignatureDomain.survivorSet, survivorSetBytes, m.signature), 'signature')
        return canonicalSame(ConsistencySignature, bytes, original) ? 'same' : 'valid'
      }
      case 'unmask-shares': {
        const m = decodeOr(UnmaskShares, bytes, { shares: MAX_SHARES })
        need(refOk(m.ref), 'ref')
        const honestShares = new Map(UnmaskShares.decode(original).shares.map(e => [toHex(e.owner!), e.share!]))
        const left = new Set(neighbours)
        // an absent field reads as empty
        for (const { owner = new Uint8Array(0), kind, share = new Uint8Array(0) } of m.shares) {
          need(left.delete(toHex(owner)), 'not a neighbour, or twice')
          // every peer survived, so only self-mask shares may be revealed
          need(kind === ShareKind.SELF_MASK, 'wrong kind')
          need(share.length === 32, 'share size')
          // the owner committed to the share it dealt: nothing else matches
          need(sameBytes(share, honestShares.get(toHex(owner))!), 'not the dealt share')
        }
        return canonicalSame(UnmaskShares, bytes, original) ? 'same' : 'valid'
      }
    }
  })
}

/** Per type and input kind: how often the oracle said what, and whether the machine accepted the message. */
type InputKind = 'arbitrary' | 'structured'
const stats = new Map<string, Record<Verdict | 'accepted' | 'rejected', number>>()
function tally (type: MessageType, kind: InputKind, verdict: Verdict, accepted: boolean): void {
  const key = `${type}/${kind}`
  let entry = stats.get(key)
  if (entry == null) stats.set(key, entry = { same: 0, valid: 0, invalid: 0, unknown: 0, accepted: 0, rejected: 0 })
  entry[verdict]++
  entry[accepted ? 'accepted' : 'rejected']++
}

// ---------------------------------------------------------------------------------------------------
// Driving a case
// ---------------------------------------------------------------------------------------------------

const describeEvents = (events: RoundEvent[]): string => JSON.stringify(events.filter(e => e.type !== 'phase').map(e => 'reason' in e ? `${e.type}:${e.reason}:${e.message}` : e.type))

function expectNoInternalError (events: RoundEvent[], context: string): void {
  const internal = events.filter(e => (e.type === 'aborted' || e.type === 'excluded') && e.reason === 'internal-error')
  expect(internal, `internal-error (a bug in the state machine) ${context}: ${describeEvents(internal)}`).toEqual([])
  for (const e of events) if (e.type === 'aborted' || e.type === 'excluded') expect(TYPED_REASONS, context).toContain(e.reason)
}

/** Hands a participant a message, failing the case with a clear message if the promise rejects. */
async function safeDeliver (participant: Participant, type: MessageType, bytes: Uint8Array): Promise<{ step: Step, chunks: Uint8Array[] }> {
  try {
    return await deliverToParticipant(fx, participant, type, bytes)
  } catch (err) {
    throw new Error(`participant.handle(${type}) threw: ${(err as Error)?.stack ?? String(err)}`)
  }
}

/** A participant at the point where `type` is due (for 'roster': before the roster; the valid neighbour keys follow it). */
async function participantReady (type: ParticipantType, p: number): Promise<Participant> {
  const k = honestParticipants[p].inbox.findIndex(d => d.type === type)
  return (await participantAfter(fx, p, k)).participant
}

async function checkParticipantCase (type: ParticipantType, kind: InputKind, p: number, bytes: Uint8Array): Promise<void> {
  const honest = honestParticipants[p]
  const original = honest.inbox.find(d => d.type === type)!.bytes
  const { verdict, why } = await participantOracle(type, p, bytes, original)
  const participant = await participantReady(type, p)

  const handled = await safeDeliver(participant, type, bytes)
  const events = [...handled.step.events]
  let last = handled
  if (type === 'roster' && participant.status === 'advertise-keys') {
    last = await safeDeliver(participant, 'neighbour-keys', honest.inbox.find(d => d.type === 'neighbour-keys')!.bytes)
    events.push(...last.step.events)
  }
  const context = `(${type} to participant ${p}, oracle: ${why}, events: ${describeEvents(events)})`
  expectNoInternalError(events, context)
  const aborted = events.find(e => e.type === 'aborted')
  tally(type, kind, verdict, aborted === undefined)
  if (aborted !== undefined) {
    expect(PARTICIPANT_REASONS[type], `unexpected abort reason ${context}`).toContain(aborted.reason)
    expect(['same', 'valid'], `aborted on a valid message ${context}`).not.toContain(verdict)
    expect(participant.status).toBe('aborted')
    expect(last.step.messages, context).toEqual([])
    return
  }
  expect(verdict, `proceeded on an invalid message ${context}`).not.toBe('invalid')
  expect(participant.status, context).toBe(PARTICIPANT_STATUS_AFTER[type])
  const valid = honest.after.get(type === 'roster' ? 'neighbour-keys' : type)!
  if (verdict === 'same') {
    expect(last.step.messages.map(m => toHex(m.bytes)), `a message that means the same must act the same ${context}`).toEqual(valid.messages.map(m => toHex(m.bytes)))
    expect(last.chunks.map(toHex), context).toEqual(valid.chunks.map(toHex))
  }
  switch (type) {
    case 'announcement':
      // the fresh keys do not depend on the deadlines: the advertisement is the valid round's
      expect(last.step.messages.map(m => toHex(m.bytes)), context).toEqual(valid.messages.map(m => toHex(m.bytes)))
      break
    case 'roster':
    case 'neighbour-keys':
      expect(last.step.messages.map(m => m.type), context).toEqual(['share-keys'])
      break
    case 'share-delivery': {
      // Every share a valid delivery carries is under its dealer's signed root, so it is the dealer's own,
      // and the recorded dealers were honest: nothing is rejected, and the share-check complains of no
      // one. But a dealer whose commitments were changed and signed again with its own key is a
      // cheating dealer: its honest shares may lie on no committed polynomial now, and the participant
      // rejects those, complaining of that dealer alone.
      const signedBy = (delivery: Uint8Array): Map<string, string> => new Map(ShareDelivery.decode(delivery).dealers.map(item => [parsePeer(DealerCommitments.decode(item.commitments!.body).dealer).id, toHex(item.commitments!.body)]))
      const recorded = signedBy(original)
      const recommitted = [...signedBy(bytes)].filter(([dealer, body]) => recorded.get(dealer) !== body).map(([dealer]) => dealer)
      const rejected = events.filter(e => e.type === 'share-rejected').map(e => (e as Extract<RoundEvent, { type: 'share-rejected' }>).peer)
      for (const dealer of rejected) expect(recommitted, context).toContain(dealer)
      expect(last.step.messages.map(m => m.type), context).toEqual(['share-check'])
      expect(ShareCheck.decode(last.step.messages[0].bytes).complaints, context).toHaveLength(rejected.length)
      expect(last.chunks.length, context).toBe(valid.chunks.length)
      break
    }
    case 'survivor-set': {
      expect(last.step.messages.map(m => m.type), context).toEqual(['consistency-signature'])
      const { signature } = ConsistencySignature.decode(last.step.messages[0].bytes)
      expect(await verify(fx.peers[p].identity, SignatureDomain.survivorSet, bytes, signature), `signs the set it got ${context}`).toBe(true)
      break
    }
    case 'consistency-proof':
      // what a peer reveals depends only on the survivor set it signed
      expect(last.step.messages.map(m => toHex(m.bytes)), context).toEqual(valid.messages.map(m => toHex(m.bytes)))
      break
    case 'result': {
      const result = events.find(e => e.type === 'result') as Extract<RoundEvent, { type: 'result' }>
      expect(result, context).toBeDefined()
      const expected = new Uint32Array(TOTAL())
      unpackInto(RoundResult.decode(Signed.decode(RoundTranscript.decode(bytes).result).body).sum, modulusBits(), expected, 'fill')
      expect(Array.from(result.outcome.quantizedSum), context).toEqual(Array.from(expected))
      if (verdict === 'same') expect(Array.from(result.outcome.quantizedSum)).toEqual(Array.from(honestSum))
      break
    }
  }
}

/** Where the aggregator gets message `target` (an index into its deliveries) of the valid round. */
async function checkAggregatorCase (type: AggregatorType, kind: InputKind, target: number, bytes: Uint8Array): Promise<void> {
  const delivery = fx.toAggregator[target]
  const s = delivery.from
  const sender = fx.peers[s].identity
  const chunk = fx.toAggregator.slice(0, target).filter(d => d.from === s && d.type === type).length
  const { verdict, why } = await aggregatorOracle(type, s, chunk, bytes, delivery.bytes)
  const { aggregator } = await aggregatorAfter(fx, target)
  expect(aggregator.status).toBe(PHASE_OF[type])
  const previous = fx.toAggregator.slice(0, target).filter(d => d.from === s && d.type === type).at(-1)
  if (previous !== undefined && sameBytes(previous.bytes, bytes)) {
    // a copy of the chunk the sender just sent is a retransmission: ignored
    expect(await aggregator.handle(sender, type, bytes)).toEqual({ messages: [], events: [] })
    return
  }

  const handle = async (d: { from: number, type: MessageType, bytes: Uint8Array }): Promise<Step> => {
    try {
      return await aggregator.handle(fx.peers[d.from].identity, d.type, d.bytes)
    } catch (err) {
      throw new Error(`aggregator.handle(${d.type}) threw: ${(err as Error)?.stack ?? String(err)}`)
    }
  }
  const fuzzed = await handle({ from: s, type, bytes })
  const context = (events: RoundEvent[]): string => `(${type} from participant ${s}, oracle: ${why}, events: ${describeEvents(events)})`
  expectNoInternalError(fuzzed.events, context(fuzzed.events))
  const excludedNow = fuzzed.events.filter(e => e.type === 'excluded' && e.peer === sender.id) as Array<Extract<RoundEvent, { type: 'excluded' }>>
  for (const e of excludedNow) expect(AGGREGATOR_REASONS[type], `unexpected exclusion reason ${context(fuzzed.events)}`).toContain(e.reason)
  const abortedNow = fuzzed.events.some(e => e.type === 'aborted')
  tally(type, kind, verdict, excludedNow.length === 0 && !abortedNow)
  if (verdict === 'same' || verdict === 'valid') {
    expect(excludedNow.length + Number(abortedNow), `excluded the sender of a valid message ${context(fuzzed.events)}`).toBe(0)
  }

  // The honest peers' remaining messages of the phase, then its deadline if it is still open.
  const steps: Step[] = [fuzzed]
  const rest = fx.toAggregator.map((d, i) => ({ d, i })).filter(({ d, i }) => i > target && (PHASE_TYPES[type] as MessageType[]).includes(d.type))
  for (const { d } of rest) steps.push(await handle(d))
  if (aggregator.status === PHASE_OF[type]) steps.push(await aggregator.close())
  const events = steps.flatMap(st => st.events)
  const all = context(events)
  expectNoInternalError(events, all)
  const excluded = events.some(e => e.type === 'excluded' && e.peer === sender.id)
  if (verdict === 'invalid') {
    // the sender is out, and the other five still complete the phase: the aggregator stays usable
    expect(excluded, `kept the sender of an invalid message ${all}`).toBe(true)
    expect(aggregator.excluded.has(sender.id)).toBe(true)
    expect(aggregator.status, `one bad peer stalled or aborted the phase ${all}`).toBe(NEXT_STATUS[type])
  } else if (verdict === 'same' || verdict === 'valid') {
    expect(aggregator.status, `a valid message did not let the phase complete ${all}`).toBe(NEXT_STATUS[type])
  } else {
    expect([NEXT_STATUS[type], 'aborted'], all).toContain(aggregator.status)
  }
  if (verdict === 'same') {
    const last = target + rest.length
    const validMessages = honestAggregatorSteps.slice(target, last + 1).flatMap(st => st.messages)
    expect(steps.flatMap(st => st.messages).map(m => toHex(m.bytes)), `a message that means the same must act the same ${all}`)
      .toEqual(validMessages.map(m => toHex(m.bytes)))
  }
  if (type === 'unmask-shares' && verdict !== 'unknown') {
    // every share the aggregator accepts matches its dealer's commitment, so the sum is still exact
    const result = events.find(e => e.type === 'result') as Extract<RoundEvent, { type: 'result' }>
    expect(Array.from(result.outcome.quantizedSum), all).toEqual(Array.from(honestSum))
    if (verdict === 'invalid') expect(result.outcome.survivors).toHaveLength(fx.peers.length)
  }
}

// ---------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------

const arbitraryBytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ minLength: 64, maxLength: 1500 })
)

/** A structure-aware plan for `type`: field mutations (with optional wire damage), or wire damage to the valid bytes alone. */
const structuredArb = (type: MessageType): fc.Arbitrary<{ mutations: Parameters<Mutator['mutate']>[2] | null, wire: WireOp[] | null }> => fc.oneof(
  { weight: 4, arbitrary: planArb(type).map(plan => ({ mutations: plan, wire: null })) },
  { weight: 1, arbitrary: wireDamageArb().map(wire => ({ mutations: null, wire })) }
)

async function applyStructured (type: MessageType, original: Uint8Array, input: { mutations: Parameters<Mutator['mutate']>[2] | null, wire: WireOp[] | null }): Promise<Uint8Array> {
  if (input.mutations != null) return mutator.mutate(type, original, input.mutations)
  return mutator.damage(original, input.wire!)
}

const peerArb = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 5 })

/** Indices of the aggregator's deliveries of one type in the valid round. */
// only messages the aggregator took: shares that came after unmask had closed are no targets
const targetsOf = (type: AggregatorType): number[] => fx.toAggregator.slice(0, fx.takenByAggregator).flatMap((d, i) => d.type === type ? [i] : [])

// ---------------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------------

describe('fuzzing the participant with every message the aggregator sends', () => {
  for (const type of PARTICIPANT_TYPES) {
    it(`${type}: arbitrary bytes abort the attempt with a typed reason and never throw out of handle()`, async () => {
      await fc.assert(fc.asyncProperty(peerArb(), arbitraryBytes, async (p, bytes) => {
        await checkParticipantCase(type, 'arbitrary', p, bytes)
      }), runs(RUNS[type].arbitrary))
    })

    it(`${type}: a mutated valid message aborts with a typed reason, or proceeds only when the oracle finds it still valid`, async () => {
      await fc.assert(fc.asyncProperty(peerArb(), structuredArb(type), async (p, input) => {
        const original = honestParticipants[p].inbox.find(d => d.type === type)!.bytes
        await checkParticipantCase(type, 'structured', p, await applyStructured(type, original, input))
      }), runs(RUNS[type].structured))
    })
  }

  it('survivor-set: any survivor set that arrives before this peer sent its masked input aborts the attempt', async () => {
    await fc.assert(fc.asyncProperty(peerArb(), fc.oneof(structuredArb('survivor-set'), fc.constant(null)), async (p, input) => {
      const inbox = honestParticipants[p].inbox
      const original = inbox.find(d => d.type === 'survivor-set')!.bytes
      const bytes = input === null ? original : await applyStructured('survivor-set', original, input)
      // right after the shares arrive, before the masked input is produced
      const participant = await participantReady('share-delivery', p)
      const delivery = inbox.find(d => d.type === 'share-delivery')!
      const step = await participant.handle(fx.peers[fx.aggregatorIndex].identity, delivery.type, delivery.bytes)
      expect(participant.status).toBe('masked-input')
      const events = [...step.events, ...(await participant.handle(fx.peers[fx.aggregatorIndex].identity, 'survivor-set', bytes)).events]
      expectNoInternalError(events, describeEvents(events))
      const aborted = events.find(e => e.type === 'aborted')
      expect(aborted, `signed a survivor set before sending its masked input: ${describeEvents(events)}`).toBeDefined()
      expect(PARTICIPANT_REASONS['survivor-set']).toContain((aborted as { reason: AbortReason }).reason)
    }), runs(EARLY_SURVIVOR_SET_RUNS))
  })

  it('a message of a type that is not due in the current phase aborts with conflicting-request (an early result: excluded; a retransmitted copy: ignored)', async () => {
    await fc.assert(fc.asyncProperty(peerArb(), fc.integer({ min: 0, max: 6 }), fc.nat(), fc.option(arbitraryBytes), async (p, stage, pick, random) => {
      const { participant } = await participantAfter(fx, p, stage)
      const due = PARTICIPANT_ACCEPTS[participant.status]
      const wrong = ALL_TYPES.filter(t => !due.includes(t))
      const type = wrong[pick % wrong.length]
      // the valid bytes of that type (for this peer where it gets one), or garbage
      const valid = fx.deliveries.find(d => d.type === type && (d.to === p || d.from === p))!.bytes
      const bytes = random ?? valid
      const before = participant.status
      const { step } = await safeDeliver(participant, type, bytes)
      expect(step.messages).toEqual([])
      const last = honestParticipants[p].inbox.slice(0, stage).filter(d => d.type === type).at(-1)
      if (last !== undefined && sameBytes(last.bytes, bytes)) {
        // the same bytes as the last message of that type it took: a retransmission, ignored
        expect(step.events).toEqual([])
        expect(participant.status).toBe(before)
        return
      }
      // a result before unmask means the round went on without this peer
      const reason = type === 'result' ? 'excluded' : 'conflicting-request'
      expect(step.events.map(e => e.type === 'aborted' ? e.reason : e.type), `${type} during stage ${stage}`).toEqual([reason])
      expect(participant.status).toBe('aborted')
    }), runs(WRONG_TYPE_RUNS.participant))
  })
})

describe('fuzzing the aggregator with every message a participant sends', () => {
  for (const type of AGGREGATOR_TYPES) {
    it(`${type}: arbitrary bytes exclude the sender with a typed reason, never throw, and the other peers still complete the phase`, async () => {
      await fc.assert(fc.asyncProperty(fc.nat(), arbitraryBytes, async (pick, bytes) => {
        const targets = targetsOf(type)
        await checkAggregatorCase(type, 'arbitrary', targets[pick % targets.length], bytes)
      }), runs(RUNS[type].arbitrary))
    })

    it(`${type}: a mutated valid message excludes its sender (the phase still completes) unless the oracle finds it still valid`, async () => {
      await fc.assert(fc.asyncProperty(fc.nat(), structuredArb(type), async (pick, input) => {
        const targets = targetsOf(type)
        const target = targets[pick % targets.length]
        await checkAggregatorCase(type, 'structured', target, await applyStructured(type, fx.toAggregator[target].bytes, input))
      }), runs(RUNS[type].structured))
    })
  }

  it('a message of a type that is not due in the current phase excludes its sender (a retransmitted copy is ignored), and the phase still completes', async () => {
    const ends = (['key-advertisement', 'share-keys', 'masked-input', 'consistency-signature', 'unmask-shares'] as const)
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: fx.takenByAggregator - 1 }), peerArb(), fc.nat(), fc.option(arbitraryBytes), async (k, s, pick, random) => {
      const { aggregator } = await aggregatorAfter(fx, k)
      const phase = ends.find(t => PHASE_OF[t] === aggregator.status)!
      const wrong = ALL_TYPES.filter(t => !(PHASE_TYPES[phase] as MessageType[]).includes(t))
      const type = wrong[pick % wrong.length]
      const valid = fx.deliveries.find(d => d.type === type && (d.to === s || d.from === s))!.bytes
      const sender = fx.peers[s].identity
      const bytes = random ?? valid
      const steps = [await aggregator.handle(sender, type, bytes)]
      const last = fx.toAggregator.slice(0, k).filter(d => d.from === s && d.type === type).at(-1)
      const retransmission = last !== undefined && sameBytes(last.bytes, bytes)
      // the same bytes as the last message of that type the sender got through: ignored; anything else excludes it
      expect(steps[0].events.filter(e => e.type === 'excluded' || e.type === 'aborted').map(e => e.type === 'excluded' ? `${e.peer}:${e.reason}` : e.type))
        .toEqual(retransmission ? [] : [`${sender.id}:conflicting-request`])
      for (const d of fx.toAggregator.slice(k).filter(d => (PHASE_TYPES[phase] as MessageType[]).includes(d.type))) steps.push(await aggregator.handle(fx.peers[d.from].identity, d.type, d.bytes))
      if (aggregator.status === PHASE_OF[phase]) steps.push(await aggregator.close())
      const events = steps.flatMap(st => st.events)
      expectNoInternalError(events, describeEvents(events))
      expect(aggregator.status, describeEvents(events)).toBe(NEXT_STATUS[phase])
      expect(aggregator.excluded.has(sender.id)).toBe(!retransmission)
    }), runs(WRONG_TYPE_RUNS.aggregator))
  })
})

// ---------------------------------------------------------------------------------------------------
// Whole rounds with one misbehaving participant
// ---------------------------------------------------------------------------------------------------

/**
 * A dealer's share-keys message with the plaintexts of some shares changed (each still two scalars below
 * l, or of the wrong length), their hash commitments redone to match, and everything sealed, rooted and
 * signed again by the dealer: shares off its committed polynomials, that only their holders can catch.
 */
async function redeal (dealer: number, bytes: Uint8Array, edits: Array<{ entry: number, plaintext: 'flip' | 'cut' | 'grow', at: number, bit: number }>): Promise<Uint8Array> {
  return redealt(fx, dealer, bytes, {
    share: ({ entry, plaintext }, index) => {
      let out = plaintext
      for (const edit of edits.filter(e => e.entry % fx.roster.parameters.degree === index)) {
        if (edit.plaintext === 'flip' && out.length === 64) {
          out = out.slice()
          // the lowest 31 bytes of each little-endian share: it stays below l
          out[Math.floor(edit.at / 31) % 2 * 32 + (edit.at % 31)] ^= 1 << edit.bit
        } else if (edit.plaintext === 'cut' && out.length > 0) {
          out = out.slice(0, edit.at % 64)
        } else if (edit.plaintext === 'grow') {
          out = new Uint8Array([...out, edit.bit])
        }
      }
      if (out.length === 64) {
        entry.selfMaskCommitment = shareCommitments(fx.context)(entry.dealer, entry.holder, ShareKind.SELF_MASK, out.subarray(0, 32)) as Uint8Array<ArrayBuffer>
        entry.maskKeyCommitment = shareCommitments(fx.context)(entry.dealer, entry.holder, ShareKind.MASK_KEY, out.subarray(32)) as Uint8Array<ArrayBuffer>
      }
      return out
    }
  })
}

describe('whole rounds with one participant that sends one fuzzed message', () => {
  it('every party ends with a result or a typed abort, never an internal error, and all results agree', async () => {
    // redealt shares stay scalars below l and match their hash commitments: only the Feldman checks catch them
    const editArb = fc.record({ entry: fc.nat(), plaintext: fc.constantFrom('flip' as const, 'flip' as const, 'cut' as const, 'grow' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) })
    const attackArb = fc.oneof(
      fc.constantFrom(...AGGREGATOR_TYPES).chain(type => fc.record({
        kind: fc.constant('message' as const),
        type: fc.constant(type),
        nth: fc.integer({ min: 0, max: 1 }),
        input: fc.oneof(arbitraryBytes.map(b => ({ random: b })), structuredArb(type).map(s => ({ structured: s })))
      })),
      fc.record({ kind: fc.constant('redeal' as const), edits: fc.array(editArb, { minLength: 1, maxLength: 4 }) })
    )
    await fc.assert(fc.asyncProperty(peerArb(), attackArb, async (bad, attack) => {
      const report = await runLiveRound(fx, async (from, type, bytes, nth) => {
        if (from !== bad) return bytes
        if (attack.kind === 'redeal') return type === 'share-keys' ? redeal(bad, bytes, attack.edits) : bytes
        if (type !== attack.type || nth !== Math.min(attack.nth, type === 'masked-input' ? 1 : 0)) return bytes
        if ('random' in attack.input) return attack.input.random
        return applyStructured(type, bytes, attack.input.structured)
      })
      const everyone = [report.aggregatorEvents, ...report.participantEvents]
      for (const events of everyone) expectNoInternalError(events, describeEvents(events))
      expect(['done', 'aborted']).toContain(report.aggregator.status)
      const aggregatorResult = report.aggregatorEvents.find(e => e.type === 'result') as Extract<RoundEvent, { type: 'result' }> | undefined
      report.participants.forEach((participant, i) => {
        expect(['done', 'aborted'], `participant ${i}: ${describeEvents(report.participantEvents[i])}`).toContain(participant.status)
        const result = report.participantEvents[i].find(e => e.type === 'result') as Extract<RoundEvent, { type: 'result' }> | undefined
        if (result !== undefined) expect(Array.from(result.outcome.quantizedSum)).toEqual(Array.from(aggregatorResult!.outcome.quantizedSum))
      })
      // a bad message is pinned on its sender; only a copied key also excludes the peer it was copied from
      for (const e of report.aggregatorEvents) {
        if (e.type === 'excluded' && e.peer !== fx.peers[bad].identity.id) expect([e.phase, e.reason], describeEvents(report.aggregatorEvents)).toEqual(['advertise-keys', 'invalid-roster'])
      }
      // whatever a peer deals, the attempt never fails after the reveal because of it
      if (attack.kind === 'redeal' || attack.type === 'share-keys') {
        const aborted = report.aggregatorEvents.find(e => e.type === 'aborted')
        if (aborted?.type === 'aborted') expect(['advertise-keys', 'share-keys', 'masked-input'], describeEvents(report.aggregatorEvents)).toContain(aborted.phase)
      }
    }), runs(LIVE_ROUND_RUNS))
  })
})

describe('dealers that cheat with their own shares (found by fuzzing)', () => {
  it('a dealer whose sealed shares do not match its own hash commitments is convicted by its holders\' complaints before anyone reveals, and no honest peer is blamed', async () => {
    // The holders refuse shares that do not match their commitment and complain with proof; none of
    // them is held, so the dealer's secrets cannot be rebuilt and the attempt ends before the survivor set.
    const bad = 2
    const report = await dealerCheats(fx, bad, {
      share: ({ plaintext }) => {
        const out = plaintext.slice()
        out[5] ^= 1 // the self-mask share changes; the commitment stays the honest one
        return out
      }
    })
    const excluded = report.aggregatorEvents.filter(e => e.type === 'excluded').map(e => (e as { peer: string }).peer)
    expect(excluded, describeEvents(report.aggregatorEvents)).toEqual([fx.peers[bad].identity.id])
    expect(report.aggregatorEvents.some(e => e.type === 'misbehaviour' && e.peer === fx.peers[bad].identity.id)).toBe(true)
    expect(report.aggregatorEvents.find(e => e.type === 'aborted'), describeEvents(report.aggregatorEvents)).toMatchObject({ reason: 'invalid-shares', phase: 'masked-input' })
    expect(report.participants.some(p => p.revealed)).toBe(false)
  })

  it('a dealer whose shares are not scalars below l ends the round with a typed reason before anyone reveals, not an internal error', async () => {
    const bad = 2
    const notAScalar = new Uint8Array(32).fill(0xff)
    const report = await dealerCheats(fx, bad, {
      share: ({ entry }) => {
        entry.selfMaskCommitment = shareCommitments(fx.context)(entry.dealer, entry.holder, ShareKind.SELF_MASK, notAScalar) as Uint8Array<ArrayBuffer>
        entry.maskKeyCommitment = shareCommitments(fx.context)(entry.dealer, entry.holder, ShareKind.MASK_KEY, notAScalar) as Uint8Array<ArrayBuffer>
        return new Uint8Array([...notAScalar, ...notAScalar])
      }
    })
    expectNoInternalError(report.aggregatorEvents, describeEvents(report.aggregatorEvents))
    expect(report.aggregatorEvents.find(e => e.type === 'aborted'), describeEvents(report.aggregatorEvents)).toMatchObject({ reason: 'invalid-shares', phase: 'masked-input' })
    expect(report.participants.some(p => p.revealed)).toBe(false)
  })
})

describe('the fuzzing budget', () => {
  it('covers all 13 message types with at least 10,000 cases in total', () => {
    const perType = Object.values(RUNS).map(r => r.arbitrary + r.structured)
    expect(Object.keys(RUNS).sort()).toEqual([...ALL_TYPES].sort())
    expect(Math.min(...perType)).toBeGreaterThanOrEqual(500)
    const total = perType.reduce((a, b) => a + b, 0) + WRONG_TYPE_RUNS.participant + WRONG_TYPE_RUNS.aggregator + EARLY_SURVIVOR_SET_RUNS + LIVE_ROUND_RUNS
    expect(total).toBeGreaterThanOrEqual(10_000)
  })

  it('structure-aware mutations reach both sides of the oracle for every type: some still valid and accepted, most rejected', () => {
    if (process.env.FUZZ_STATS != null) console.table(Object.fromEntries(stats))
    for (const type of ALL_TYPES) {
      const entry = stats.get(`${type}/structured`)
      if (entry == null) continue // that property did not run (filtered out)
      expect(entry.rejected, type).toBeGreaterThan(0)
      expect(entry.accepted, type).toBeGreaterThan(0)
      expect(entry.same + entry.valid, type).toBeGreaterThan(0)
    }
  })
})
