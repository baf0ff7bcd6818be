/**
 * Fuzzing support for the round state machines: a recorded valid round, machines replayed to the
 * exact point where a given message is due, and a schema-driven mutator that decodes a real message,
 * changes its fields (bytes, numbers, lists, nested signatures) and encodes it again.
 */
import fc from 'fast-check'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { sha256 } from '@noble/hashes/sha2.js'
import { create as createDigest } from 'multiformats/hashes/digest'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../src/protocol/crypto/random.js'
import { sign, SignatureDomain } from '../../src/protocol/crypto/identity.js'
import { toHex } from '../../src/protocol/crypto/bytes.js'
import { Aggregator } from '../../src/protocol/round/aggregator/aggregator.js'
import { Participant } from '../../src/protocol/round/participant/participant.js'
import type { RosterView } from '../../src/protocol/round/roster.js'
import { shareEncryptionKey } from '../../src/protocol/round/masks.js'
import { open as openSealed, seal, shareAssociatedData } from '../../src/protocol/crypto/aead.js'
import { leafHash, merkleRoot } from '../../src/protocol/crypto/merkle.js'
import { sealedShare, type SealedShare } from '../../src/protocol/round/dealing.js'
import {
  Announcement, ConsistencyProof, ConsistencySignature, DealerCommitments, EncryptedShare, KeyAdvertisement, MaskedInputChunk,
  InputCommitment, NeighbourKeys, RoundResult, RoundTranscript, Roster, ShareCheck, ShareDelivery, ShareKeys, Signed, SurvivorSet, UnmaskShares
} from '../../src/protocol/pb/messages.js'
import { simulatedPeers, type SimulatedPeer } from '../../src/simulation/peers.js'
import { rosterOfMessage, simulateRound, type Delivery } from '../../src/simulation/simulation.js'
import { signedDigest, signedEnvelope } from '../../src/protocol/round/wire.js'
import { gridUpdates, testParams } from './round-fixtures.js'
import type { PrivateKey } from '@libp2p/interface'
import type { CryptoSuite } from '../../src/protocol/crypto/suite.js'
import type { RoundContext } from '../../src/protocol/crypto/kdf.js'
import type { MessageType, RoundEvent, Step } from '../../src/protocol/round/events.js'
import type { ResolvedParams } from '../../src/protocol/round/params.js'
import type { ParticipantConfig } from '../../src/protocol/round/participant/state.js'

/** The simulator's virtual clock: nothing in a round without dropouts moves it. */
export const START_TIME = 1_700_000_000_000

// ---------------------------------------------------------------------------------------------------
// A recorded round, and machines replayed to any point of it
// ---------------------------------------------------------------------------------------------------

export interface Fixture {
  params: ResolvedParams
  peers: SimulatedPeer[]
  /** Valid Ed25519 peers that are not in the session's round. */
  outsiders: SimulatedPeer[]
  updates: Float32Array[]
  crypto: CryptoSuite
  seed: string
  aggregatorIndex: number
  beacon: Uint8Array
  round: number
  attempt: number
  context: RoundContext
  chunkCoordinates: number
  /** Every delivery of the valid round, in order. */
  deliveries: Delivery[]
  /** Deliveries to the aggregator, in order. */
  toAggregator: Delivery[]
  /** How many of toAggregator the aggregator took: those after the result came too late to count. */
  takenByAggregator: number
  /** Deliveries to each participant, in order. */
  toParticipant: Delivery[][]
  /** The round's full roster, as every party derives it. */
  roster: RosterView
  /** Peer ids that are interesting stand-ins for a peer field: members, outsiders, other key types, garbage. */
  peerIdPool: Uint8Array[]
}

export interface FixtureOptions {
  n: number
  dimension: number
  dropoutRate: number
  seed: string
  chunkCoordinates: number
}

/** Runs one valid round in the simulator and records every delivery. */
export async function recordFixture (options: FixtureOptions): Promise<Fixture> {
  const { n, dimension, dropoutRate, seed, chunkCoordinates } = options
  const params = testParams({ dimension, graph: { dropoutRate } })
  const peers = await simulatedPeers(n, seed)
  const outsiders = await simulatedPeers(2, `${seed}/outsiders`)
  const updates = gridUpdates(params, n, `${seed}/updates`)
  const crypto = nodeCryptoSuite
  const beacon = new Uint8Array(32)
  const deliveries: Delivery[] = []
  const report = await simulateRound({
    params, peers, updates, aggregator: 0, crypto, seed, beacon, chunkCoordinates,
    observe: d => deliveries.push({ ...d, bytes: d.bytes.slice() })
  })
  if (report.aggregator.outcome == null) throw new Error(`the recorded round did not finish: ${JSON.stringify(report.aggregator.abort)}`)
  const context: RoundContext = { sessionId: params.sessionId, round: 1, attempt: 0 }
  const roster = rosterOfMessage(deliveries.find(d => d.type === 'roster')!.bytes, params, context, beacon)

  const secp = await generateKeyPair('secp256k1')
  const rsaStyle = createDigest(0x12, sha256(new Uint8Array([1, 2, 3]))).bytes
  const peerIdPool = [
    ...peers.map(p => p.identity.bytes),
    ...outsiders.map(p => p.identity.bytes),
    peerIdFromPrivateKey(secp).toMultihash().bytes,
    rsaStyle,
    // an identity multihash that is not a protobuf public key, and a length that lies
    new Uint8Array([0x00, 0x04, 1, 2, 3, 4]),
    new Uint8Array([0x00, 0x24, 8, 1, 18, 32]),
    new Uint8Array(0)
  ]
  const fx: Fixture = {
    params,
    peers,
    outsiders,
    updates,
    crypto,
    seed,
    aggregatorIndex: 0,
    beacon,
    round: 1,
    attempt: 0,
    context,
    chunkCoordinates,
    deliveries,
    toAggregator: deliveries.filter(d => d.to === 'aggregator'),
    takenByAggregator: 0,
    toParticipant: peers.map((_, i) => deliveries.filter(d => d.to === i)),
    roster,
    peerIdPool
  }
  fx.takenByAggregator = await countTaken(fx)
  return fx
}

/**
 * How many of the messages to the aggregator it took before the result: unmask closes once every
 * secret rebuilds, and shares arriving after that change nothing.
 */
async function countTaken (fx: Fixture): Promise<number> {
  const aggregator = newAggregator(fx)
  await aggregator.announce()
  let taken = 0
  for (const d of fx.toAggregator) {
    if (aggregator.status === 'done') break
    taken++
    await aggregator.handle(fx.peers[d.from].identity, d.type, d.bytes)
  }
  return taken
}

/** A fresh aggregator with exactly the simulator's configuration. */
export function newAggregator (fx: Fixture): Aggregator {
  const peer = fx.peers[fx.aggregatorIndex]
  return new Aggregator({
    params: fx.params,
    round: fx.round,
    attempt: fx.attempt,
    beacon: fx.beacon,
    identity: peer.identity,
    privateKey: peer.privateKey,
    crypto: fx.crypto,
    random: deterministicRandom(`${fx.seed}/aggregator`),
    now: () => START_TIME,
    expectedParticipants: fx.peers.length,
    isMember: (peer) => fx.peers.some(p => p.identity.id === peer.id)
  })
}

/** A fresh participant with exactly the simulator's configuration. */
export function newParticipant (fx: Fixture, i: number, overrides: Partial<ParticipantConfig> = {}): Participant {
  const peer = fx.peers[i]
  return new Participant({
    params: fx.params,
    round: fx.round,
    attempt: fx.attempt,
    beacon: fx.beacon,
    aggregator: fx.peers[fx.aggregatorIndex].identity,
    identity: peer.identity,
    privateKey: peer.privateKey,
    update: fx.updates[i],
    weight: fx.params.encoding.maxWeight,
    crypto: fx.crypto,
    random: deterministicRandom(`${fx.seed}/participant/${i}`),
    now: () => START_TIME,
    isMember: (peer) => fx.peers.some(p => p.identity.id === peer.id),
    ...overrides
  })
}

export interface Handled {
  step: Step
  /** The masked-input chunks produced when the message moved the participant into masked-input. */
  chunks: Uint8Array[]
}

/** Hands one message to a participant as the simulator does, producing its masked input when it becomes due. */
export async function deliverToParticipant (fx: Fixture, participant: Participant, type: MessageType, bytes: Uint8Array): Promise<Handled> {
  const before = participant.status
  const step = await participant.handle(fx.peers[fx.aggregatorIndex].identity, type, bytes)
  const chunks: Uint8Array[] = []
  if (before !== 'masked-input' && participant.status === 'masked-input') {
    for await (const chunk of participant.maskedInput(fx.chunkCoordinates)) chunks.push(chunk.bytes)
  }
  return { step, chunks }
}

/** Participant i after the first `count` messages the aggregator sent it in the valid round. */
export async function participantAfter (fx: Fixture, i: number, count: number): Promise<{ participant: Participant, events: RoundEvent[] }> {
  const participant = newParticipant(fx, i)
  const events: RoundEvent[] = []
  for (const d of fx.toParticipant[i].slice(0, count)) {
    const { step } = await deliverToParticipant(fx, participant, d.type, d.bytes)
    events.push(...step.events)
  }
  return { participant, events }
}

/** The aggregator after its announcement and the first `count` messages it received in the valid round. */
export async function aggregatorAfter (fx: Fixture, count: number): Promise<{ aggregator: Aggregator, events: RoundEvent[] }> {
  const aggregator = newAggregator(fx)
  const events: RoundEvent[] = [...(await aggregator.announce()).events]
  for (const d of fx.toAggregator.slice(0, count)) {
    events.push(...(await aggregator.handle(fx.peers[d.from].identity, d.type, d.bytes)).events)
  }
  return { aggregator, events }
}

export function peerIndexOf (fx: Fixture, peer: Uint8Array): number {
  const hex = toHex(peer)
  return fx.peers.findIndex(p => toHex(p.identity.bytes) === hex)
}

// ---------------------------------------------------------------------------------------------------
// Message schemas, and structure-aware mutations over them
// ---------------------------------------------------------------------------------------------------

/** What a bytes field holds, which picks the substitutes worth trying. */
export type BytesRole = 'peer' | 'key' | 'signature' | 'opaque'

export type Spec =
  | { t: 'bytes', role: BytesRole }
  | { t: 'u32' }
  | { t: 'u64', role?: 'time' }
  | { t: 'enum', values: readonly string[] }
  | { t: 'msg', fields: Record<string, Spec>, optional?: boolean }
  | { t: 'list', of: Spec }
  /** Signed by the aggregator, or by the peer a field of the body names ('peer' unless `ownerField` says). */
  | { t: 'signed', body: Spec, codec: AnyCodec, domain: SignatureDomain, owner: 'aggregator' | 'peer-field', ownerField?: string }
  /** A bytes field that holds an encoded message: mutated through its fields, then encoded again. */
  | { t: 'encoded', body: Spec, codec: AnyCodec }

export interface AnyCodec {
  encode: (value: any) => Uint8Array
  decode: (bytes: Uint8Array) => any
}

const peerBytes: Spec = { t: 'bytes', role: 'peer' }
const opaque: Spec = { t: 'bytes', role: 'opaque' }
const signatureBytes: Spec = { t: 'bytes', role: 'signature' }
const REF: Spec = { t: 'msg', optional: true, fields: { session: opaque, round: { t: 'u64' }, attempt: { t: 'u32' } } }
const KEY_ADVERTISEMENT: Spec = { t: 'msg', fields: { ref: REF, peer: peerBytes, encryptionKey: { t: 'bytes', role: 'key' }, maskKey: { t: 'bytes', role: 'key' } } }
const SIGNED_KEY_ADVERTISEMENT: Spec = { t: 'signed', body: KEY_ADVERTISEMENT, codec: KeyAdvertisement, domain: SignatureDomain.keyAdvertisement, owner: 'peer-field' }
const ENCRYPTED_SHARE: Spec = {
  t: 'encoded',
  codec: EncryptedShare,
  body: { t: 'msg', fields: { ref: REF, dealer: peerBytes, holder: peerBytes, x: { t: 'u32' }, nonce: opaque, ciphertext: opaque, selfMaskCommitment: opaque, maskKeyCommitment: opaque } }
}
const SIGNED_DEALER_COMMITMENTS: Spec = {
  t: 'signed',
  codec: DealerCommitments,
  domain: SignatureDomain.shareCommitments,
  owner: 'peer-field',
  ownerField: 'dealer',
  body: { t: 'msg', fields: { ref: REF, dealer: peerBytes, selfMask: { t: 'list', of: opaque }, maskKey: { t: 'list', of: opaque }, sharesRoot: opaque, shareCount: { t: 'u32' } } }
}
const SIGNED_INPUT_COMMITMENT: Spec = {
  t: 'signed',
  codec: InputCommitment,
  domain: SignatureDomain.inputCommitment,
  owner: 'peer-field',
  body: { t: 'msg', fields: { ref: REF, peer: peerBytes, commitment: opaque, maskedWith: { t: 'list', of: peerBytes }, maskKey: { t: 'bytes', role: 'key' }, dealerCommitments: opaque } }
}
const DEALT_SHARES: Spec = { t: 'msg', fields: { commitments: SIGNED_DEALER_COMMITMENTS, share: ENCRYPTED_SHARE, path: { t: 'list', of: opaque } } }
const COMPLAINT: Spec = { t: 'msg', fields: { dealer: peerBytes, sharedSecretProof: opaque } }
const PEER_SIGNATURE: Spec = { t: 'msg', fields: { signer: peerBytes, signature: signatureBytes } }
const REVEALED_SECRET: Spec = { t: 'msg', fields: { owner: peerBytes, kind: { t: 'enum', values: ['SELF_MASK', 'MASK_KEY'] }, value: opaque } }
const REVEALED_SHARE: Spec = { t: 'msg', fields: { owner: peerBytes, kind: { t: 'enum', values: ['SELF_MASK', 'MASK_KEY'] }, share: opaque } }

/** The schema and codec of each message type; the aggregator-signed ones are Signed envelopes. */
export const SCHEMAS: Record<MessageType, { spec: Spec, codec: AnyCodec }> = {
  announcement: {
    codec: Signed,
    spec: {
      t: 'signed',
      codec: Announcement,
      domain: SignatureDomain.announcement,
      owner: 'aggregator',
      body: { t: 'msg', fields: { ref: REF, aggregator: peerBytes, beacon: opaque, deadlines: { t: 'list', of: { t: 'u64', role: 'time' } } } }
    }
  },
  'key-advertisement': { codec: Signed, spec: SIGNED_KEY_ADVERTISEMENT },
  roster: { codec: Roster, spec: { t: 'msg', fields: { ref: REF, peers: { t: 'list', of: peerBytes } } } },
  'neighbour-keys': { codec: NeighbourKeys, spec: { t: 'msg', fields: { ref: REF, advertisements: { t: 'list', of: SIGNED_KEY_ADVERTISEMENT } } } },
  'share-keys': { codec: ShareKeys, spec: { t: 'msg', fields: { ref: REF, commitments: SIGNED_DEALER_COMMITMENTS, shares: { t: 'list', of: ENCRYPTED_SHARE } } } },
  'share-delivery': { codec: ShareDelivery, spec: { t: 'msg', fields: { ref: REF, dealers: { t: 'list', of: DEALT_SHARES } } } },
  'share-check': { codec: ShareCheck, spec: { t: 'msg', fields: { ref: REF, complaints: { t: 'list', of: COMPLAINT } } } },
  'masked-input': { codec: MaskedInputChunk, spec: { t: 'msg', fields: { ref: REF, offset: { t: 'u32' }, count: { t: 'u32' }, data: opaque, commitment: SIGNED_INPUT_COMMITMENT } } },
  'survivor-set': { codec: SurvivorSet, spec: { t: 'msg', fields: { ref: REF, survivors: { t: 'list', of: peerBytes }, commitments: { t: 'list', of: opaque } } } },
  'consistency-signature': { codec: ConsistencySignature, spec: { t: 'msg', fields: { signature: signatureBytes } } },
  'consistency-proof': { codec: ConsistencyProof, spec: { t: 'msg', fields: { survivorSet: opaque, signatures: { t: 'list', of: PEER_SIGNATURE } } } },
  'unmask-shares': { codec: UnmaskShares, spec: { t: 'msg', fields: { ref: REF, shares: { t: 'list', of: REVEALED_SHARE } } } },
  // the result travels as the round's transcript, which holds the signed result
  result: {
    codec: RoundTranscript,
    spec: {
      t: 'msg',
      fields: {
        result: {
          t: 'encoded',
          codec: Signed,
          body: {
            t: 'signed',
            codec: RoundResult,
            domain: SignatureDomain.result,
            owner: 'aggregator',
            body: {
              t: 'msg',
              fields: {
                ref: REF,
                aggregator: peerBytes,
                participants: { t: 'list', of: peerBytes },
                survivorSet: opaque,
                signatures: { t: 'list', of: PEER_SIGNATURE },
                sum: opaque,
                beacon: opaque,
                beaconProof: opaque,
                carries: opaque
              }
            }
          }
        },
        commitments: { t: 'list', of: SIGNED_INPUT_COMMITMENT },
        dealerCommitments: { t: 'list', of: SIGNED_DEALER_COMMITMENTS },
        advertisements: { t: 'list', of: SIGNED_KEY_ADVERTISEMENT },
        secrets: { t: 'list', of: REVEALED_SECRET }
      }
    }
  }
}

/** A decoded Signed envelope whose body is itself decoded, so both can be mutated. */
interface SignedNode {
  signedNode: true
  body: any
  signature: Uint8Array
  /** The body's original bytes (what the original signature covers). */
  originalBody: Uint8Array
  /** Who signs it honestly: the aggregator, or the peer the original body names. */
  owner?: PrivateKey
  /** Set by a mutation: sign the mutated body again, with this key in this domain. */
  resign?: { key: PrivateKey, domain: SignatureDomain }
  /** Set by a raw mutation of the encoded body. */
  rawBody?: Uint8Array
}

/** A decoded message inside a bytes field, so its fields can be mutated. */
interface EncodedNode {
  encodedNode: true
  body: any
  original: Uint8Array
  /** Set by a raw mutation of the encoded bytes. */
  raw?: Uint8Array
}

export type BytesOp =
  | { op: 'flip', at: number, bit: number }
  | { op: 'truncate', keep: number }
  | { op: 'extend', extra: Uint8Array }
  | { op: 'set', value: Uint8Array }
  | { op: 'empty' }
  | { op: 'peer-id', which: number }
  | { op: 'copy', which: number }
  | { op: 'small-order', which: number }

export type Op =
  | BytesOp
  | { op: 'u32', value: number }
  | { op: 'u32-add', delta: number }
  | { op: 'u64', value: bigint }
  | { op: 'u64-add', delta: bigint }
  | { op: 'enum', value: string }
  | { op: 'remove' }
  | { op: 'drop', at: number }
  | { op: 'dup', at: number, times: number }
  | { op: 'swap', a: number, b: number }
  | { op: 'reverse' }
  | { op: 'keep', count: number }
  | { op: 'insert', at: number, which: number }
  | { op: 'resign', signer: 'owner' | number, domain: 'right' | 'wrong' }
  | { op: 'raw-body', bytes: BytesOp }
  | { op: 'raw-encoded', bytes: BytesOp }

/** One mutation: a path of field names and list positions (taken modulo the length), and what to do there. */
export interface Mutation { path: Array<string | number>, op: Op }

/** Wire-level damage to an encoded message. */
export type WireOp =
  | BytesOp
  | { op: 'unknown-field', field: number, payload: Uint8Array }
  | { op: 'repeat-tail', length: number }

/**
 * X25519 points of small order (RFC 7748 section 6.1 and their non-canonical forms): key agreement
 * with them gives all zeros.
 */
export const SMALL_ORDER_POINTS: Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
].map(hex => Uint8Array.from(hex.match(/../g)!, h => parseInt(h, 16)))

const TIME_DELTAS = [-1n, 1n, -5_000n, -5_001n, -10_000n, 10_000n, -1_000_000n, 1_000_000n, -(2n ** 40n), 2n ** 53n]

const bytesOpArb = (role: BytesRole): fc.Arbitrary<BytesOp> => {
  const common: Array<fc.Arbitrary<BytesOp>> = [
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('truncate' as const), keep: fc.nat() }),
    fc.record({ op: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
    fc.record({ op: fc.constant('set' as const), value: fc.uint8Array({ maxLength: 80 }) }),
    fc.constant({ op: 'empty' as const }),
    fc.record({ op: fc.constant('copy' as const), which: fc.nat() })
  ]
  if (role === 'peer') common.push(fc.record({ op: fc.constant('peer-id' as const), which: fc.nat() }), fc.record({ op: fc.constant('peer-id' as const), which: fc.nat() }))
  if (role === 'key') common.push(fc.record({ op: fc.constant('small-order' as const), which: fc.nat() }))
  return fc.oneof(...common)
}

const U32_EDGES = [0, 1, 31, 32, 33, 40, 41, 42, 64, 0x7fffffff, 0x80000000, 0xffffffff]
const U64_EDGES = [0n, 1n, 2n, 0xffffffffn, 0x100000000n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]

const opArb = (spec: Spec): fc.Arbitrary<Op> => {
  switch (spec.t) {
    case 'bytes': return bytesOpArb(spec.role)
    case 'u32': return fc.oneof(
      fc.record({ op: fc.constant('u32' as const), value: fc.oneof(fc.constantFrom(...U32_EDGES), fc.integer({ min: 0, max: 0xffffffff })) }),
      fc.record({ op: fc.constant('u32-add' as const), delta: fc.integer({ min: -33, max: 33 }) })
    )
    case 'u64': return fc.oneof(
      fc.record({ op: fc.constant('u64' as const), value: fc.oneof(fc.constantFrom(...U64_EDGES), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })) }),
      fc.record({ op: fc.constant('u64-add' as const), delta: spec.role === 'time' ? fc.constantFrom(...TIME_DELTAS) : fc.bigInt({ min: -2n, max: 2n }) })
    )
    case 'enum': return fc.record({ op: fc.constant('enum' as const), value: fc.constantFrom(...spec.values) })
    case 'msg': return fc.constant({ op: 'remove' as const })
    case 'list': return fc.oneof(
      fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
      // 65,536 copies pass every list limit (MAX_SHARES = 65,535): rare, as they make megabyte messages
      fc.record({ op: fc.constant('dup' as const), at: fc.nat(), times: fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 3, arbitrary: fc.constant(100) }, { weight: 1, arbitrary: fc.constant(65_536) }) }),
      fc.record({ op: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
      fc.constant({ op: 'reverse' as const }),
      fc.record({ op: fc.constant('keep' as const), count: fc.nat({ max: 8 }) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), which: fc.nat() })
    )
    case 'encoded': return fc.record({ op: fc.constant('raw-encoded' as const), bytes: bytesOpArb('opaque') })
    case 'signed': return fc.oneof(
      fc.record({ op: fc.constant('resign' as const), signer: fc.oneof(fc.constant('owner' as const), fc.nat()), domain: fc.constantFrom('right' as const, 'right' as const, 'wrong' as const) }),
      fc.record({ op: fc.constant('raw-body' as const), bytes: bytesOpArb('opaque') })
    )
  }
}

/**
 * Every mutation the schema allows, at the node itself or anywhere inside it. A changed signed body is
 * usually signed again by its honest owner, so that the checks behind the signature run too.
 */
export function mutationArb (spec: Spec): fc.Arbitrary<Mutation[]> {
  const here: fc.Arbitrary<Mutation[]> = opArb(spec).map(op => [{ path: [], op }])
  const within = (prefix: string | number, ms: Mutation[]): Mutation[] => ms.map(m => ({ path: [prefix, ...m.path], op: m.op }))
  switch (spec.t) {
    case 'msg': {
      const inner = Object.entries(spec.fields).map(([name, field]) => mutationArb(field).map(ms => within(name, ms)))
      return spec.optional === true ? fc.oneof(here, ...inner) : fc.oneof(...inner)
    }
    case 'list':
      return fc.oneof(here, fc.tuple(fc.nat(), mutationArb(spec.of)).map(([i, ms]) => within(i, ms)))
    case 'signed': {
      const body = fc.tuple(mutationArb(spec.body), fc.constantFrom('owner', 'owner', 'keep'))
        .map(([ms, resign]) => resign === 'owner'
          ? [...within('body', ms), { path: [], op: { op: 'resign', signer: 'owner', domain: 'right' } } satisfies Mutation]
          : within('body', ms))
      const signature = bytesOpArb('signature').map(op => [{ path: ['signature'], op }])
      return fc.oneof(here, body, signature)
    }
    case 'encoded':
      return fc.oneof(here, mutationArb(spec.body).map(ms => within('body', ms)))
    default:
      return here
  }
}

const wireOpArb: fc.Arbitrary<WireOp> = fc.oneof(
  bytesOpArb('opaque'),
  fc.record({ op: fc.constant('unknown-field' as const), field: fc.integer({ min: 7, max: 2000 }), payload: fc.uint8Array({ maxLength: 12 }) }),
  fc.record({ op: fc.constant('repeat-tail' as const), length: fc.integer({ min: 1, max: 64 }) })
)

/** A structure-aware mutation plan for one message type: one to three field mutations, sometimes wire damage too. */
export function planArb (type: MessageType): fc.Arbitrary<{ mutations: Mutation[], wire: WireOp | null }> {
  return fc.record({
    mutations: fc.array(mutationArb(SCHEMAS[type].spec), { minLength: 1, maxLength: 3 }).map(ms => ms.flat()),
    wire: fc.option(wireOpArb, { freq: 4 })
  })
}

/** Byte-level damage to the valid encoding: one to four flips, cuts, insertions or unknown fields. */
export function wireDamageArb (): fc.Arbitrary<WireOp[]> {
  return fc.array(wireOpArb, { minLength: 1, maxLength: 4 })
}

export interface Mutator {
  /** Applies a mutation plan to one valid message of `type`. */
  mutate: (type: MessageType, original: Uint8Array, plan: { mutations: Mutation[], wire: WireOp | null }) => Promise<Uint8Array>
  /** Applies wire damage to bytes. */
  damage: (bytes: Uint8Array, ops: WireOp[]) => Uint8Array
}

/**
 * A mutator that draws substitutes from the recorded round (and `samples`): peer ids from the pool, and
 * for `copy` and `insert`, values the same schema node holds in any recorded message (nodes such as peer ids, keys,
 * signatures and key advertisements are shared between types, so those come from anywhere in the round).
 */
export function createMutator (fx: Fixture, samples: readonly Delivery[] = []): Mutator {
  const keyOf = new Map(fx.peers.concat(fx.outsiders).map(p => [toHex(p.identity.bytes), p.privateKey]))
  const signers = fx.peers.concat(fx.outsiders).map(p => p.privateKey)
  const aggregatorKey = fx.peers[fx.aggregatorIndex].privateKey
  const pools = new Map<Spec, unknown[]>()
  const collect = (spec: Spec, value: unknown): void => {
    let pool = pools.get(spec)
    if (pool == null) pools.set(spec, pool = [])
    if (pool.length < 2000) pool.push(value)
    if (spec.t === 'msg' && value != null) for (const [name, field] of Object.entries(spec.fields)) collect(field, (value as any)[name])
    if (spec.t === 'list') for (const item of value as unknown[]) collect(spec.of, item)
    if (spec.t === 'signed' && value != null) collect(spec.body, (value as SignedNode).body)
    if (spec.t === 'encoded') collect(spec.body, (value as EncodedNode).body)
  }

  const toTree = (spec: Spec, value: any): any => {
    switch (spec.t) {
      case 'signed': {
        // an optional signed field (a masked input's commitment, on its last chunk only)
        if (value == null) return value
        const body = spec.codec.decode(value.body)
        const owner = spec.owner === 'aggregator' ? aggregatorKey : keyOf.get(toHex(body[spec.ownerField ?? 'peer'] ?? new Uint8Array(0)))
        return { signedNode: true, body: toTree(spec.body, body), signature: value.signature, originalBody: value.body, owner } satisfies SignedNode
      }
      case 'msg': {
        if (value == null) return value
        const out: any = {}
        for (const [name, field] of Object.entries(spec.fields)) out[name] = toTree(field, value[name])
        return out
      }
      case 'list': return (value as unknown[]).map(v => toTree(spec.of, v))
      case 'bytes': return (value as Uint8Array).slice()
      case 'encoded': return { encodedNode: true, body: toTree(spec.body, spec.codec.decode(value)), original: (value as Uint8Array).slice() } satisfies EncodedNode
      default: return value
    }
  }

  const fromTree = async (spec: Spec, tree: any, memo = new Map<unknown, Promise<any>>()): Promise<any> => {
    // many list entries can share one node (see 'dup'): each is encoded and signed once
    const known = memo.get(tree)
    if (known !== undefined) return known
    const encoded = encodeNode(spec, tree, memo)
    if (tree != null && typeof tree === 'object') memo.set(tree, encoded)
    return encoded
  }
  const encodeNode = async (spec: Spec, tree: any, memo: Map<unknown, Promise<any>>): Promise<any> => {
    switch (spec.t) {
      case 'signed': {
        if (tree == null) return tree
        const node = tree as SignedNode
        const body = node.rawBody ?? spec.codec.encode(await fromTree(spec.body, node.body, memo))
        const signature = node.resign != null ? await sign(node.resign.key, node.resign.domain, body) : node.signature
        return { body, signature }
      }
      case 'msg': {
        if (tree == null) return tree
        const out: any = {}
        for (const [name, field] of Object.entries(spec.fields)) out[name] = await fromTree(field, tree[name], memo)
        return out
      }
      case 'list': return Promise.all((tree as unknown[]).map(async v => fromTree(spec.of, v, memo)))
      case 'encoded': {
        const node = tree as EncodedNode
        return node.raw ?? spec.codec.encode(await fromTree(spec.body, node.body, memo))
      }
      default: return tree
    }
  }

  const pick = <T>(list: readonly T[], i: number): T | undefined => list.length === 0 ? undefined : list[i % list.length]

  const applyBytes = (spec: Spec | undefined, value: Uint8Array, op: BytesOp): Uint8Array => {
    switch (op.op) {
      case 'flip': {
        if (value.length === 0) return new Uint8Array([1 << op.bit])
        const out = value.slice()
        out[op.at % out.length] ^= 1 << op.bit
        return out
      }
      case 'truncate': return value.slice(0, value.length === 0 ? 0 : op.keep % value.length)
      case 'extend': return concatBytes(value, op.extra)
      case 'set': return op.value.slice()
      case 'empty': return new Uint8Array(0)
      case 'peer-id': return pick(fx.peerIdPool, op.which)!.slice()
      case 'small-order': return pick(SMALL_ORDER_POINTS, op.which)!.slice()
      case 'copy': {
        const pool = spec == null ? undefined : pools.get(spec) as Uint8Array[] | undefined
        return (pool == null ? value : pick(pool, op.which) ?? value).slice()
      }
    }
  }

  const clone = (value: any): any => structuredCloneTree(value)

  const applyAt = (spec: Spec, node: any, path: Array<string | number>, op: Op): any => {
    if (node == null && spec.t === 'signed') return node
    if (path.length > 0) {
      const [head, ...rest] = path
      if (spec.t === 'msg') {
        if (node == null) return node
        const field = spec.fields[head as string]
        node[head as string] = applyAt(field, node[head as string], rest, op)
        return node
      }
      if (spec.t === 'list') {
        const list = node as unknown[]
        if (list.length === 0) return list
        const i = (head as number) % list.length
        list[i] = applyAt(spec.of, list[i], rest, op)
        return list
      }
      if (spec.t === 'signed') {
        const signedNode = node as SignedNode
        if (head === 'body') signedNode.body = applyAt(spec.body, signedNode.body, rest, op)
        else if (head === 'signature') signedNode.signature = applyBytes(undefined, signedNode.signature, op as BytesOp)
        return signedNode
      }
      if (spec.t === 'encoded') {
        const encodedNode = node as EncodedNode
        if (head === 'body') encodedNode.body = applyAt(spec.body, encodedNode.body, rest, op)
        return encodedNode
      }
      return node
    }
    switch (op.op) {
      case 'u32': return op.value
      case 'u32-add': return Math.min(0xffffffff, Math.max(0, (node as number) + op.delta))
      case 'u64': return op.value
      case 'u64-add': {
        const v = (node as bigint) + op.delta
        return v < 0n ? 0n : v >= 2n ** 64n ? 2n ** 64n - 1n : v
      }
      case 'enum': return op.value
      case 'remove': return undefined
      case 'drop': { const l = node as unknown[]; if (l.length > 0) l.splice(op.at % l.length, 1); return l }
      case 'dup': {
        const l = node as unknown[]
        if (l.length === 0) return l
        const at = op.at % l.length
        // copies share the original's value when there are many of them: cloning would dominate the case
        const copies = Array.from({ length: op.times }, () => op.times <= 3 ? clone(l[at]) : l[at])
        return [...l.slice(0, at), ...copies, ...l.slice(at)]
      }
      case 'swap': {
        const l = node as unknown[]
        if (l.length === 0) return l
        const a = op.a % l.length; const b = op.b % l.length
        ;[l[a], l[b]] = [l[b], l[a]]
        return l
      }
      case 'reverse': return (node as unknown[]).reverse()
      case 'keep': return (node as unknown[]).slice(0, op.count)
      case 'insert': {
        const l = node as unknown[]
        const pool = spec.t === 'list' ? pools.get(spec.of) : undefined
        const item = pool == null ? undefined : pick(pool, op.which)
        if (item !== undefined) l.splice(l.length === 0 ? 0 : op.at % (l.length + 1), 0, clone(item))
        return l
      }
      case 'resign': {
        const signedNode = node as SignedNode
        const domain = op.domain === 'right' && spec.t === 'signed' ? spec.domain : SignatureDomain.survivorSet
        const key = op.signer === 'owner' ? signedNode.owner ?? signers[0] : signers[op.signer % signers.length]
        signedNode.resign = { key, domain }
        return signedNode
      }
      case 'raw-body': {
        const signedNode = node as SignedNode
        signedNode.rawBody = applyBytes(undefined, signedNode.rawBody ?? signedNode.originalBody, op.bytes)
        return signedNode
      }
      case 'raw-encoded': {
        const encodedNode = node as EncodedNode
        encodedNode.raw = applyBytes(undefined, encodedNode.raw ?? encodedNode.original, op.bytes)
        return encodedNode
      }
      default: return applyBytes(spec, node as Uint8Array, op)
    }
  }

  // Pools from every recorded message (and the extra samples, for values a valid round never sends), by type.
  for (const d of [...fx.deliveries, ...samples]) collect(SCHEMAS[d.type].spec, toTree(SCHEMAS[d.type].spec, SCHEMAS[d.type].codec.decode(d.bytes)))

  const damage = (bytes: Uint8Array, ops: WireOp[]): Uint8Array => {
    let out = bytes
    for (const op of ops) {
      if (op.op === 'unknown-field') {
        // a length-delimited field with a number the schema does not use
        out = concatBytes(out, varint(op.field * 8 + 2), varint(op.payload.length), op.payload)
      } else if (op.op === 'repeat-tail') {
        out = concatBytes(out, out.slice(Math.max(0, out.length - op.length)))
      } else {
        out = applyBytes(undefined, out, op)
      }
    }
    return out
  }

  return {
    async mutate (type, original, plan) {
      const { spec, codec } = SCHEMAS[type]
      const tree = toTree(spec, codec.decode(original))
      let root = tree
      for (const m of plan.mutations) root = applyAt(spec, root, m.path, m.op)
      let bytes = codec.encode(await fromTree(spec, root))
      if (plan.wire != null) bytes = damage(bytes, [plan.wire])
      return bytes
    },
    damage
  }
}

function structuredCloneTree (value: any): any {
  if (value instanceof Uint8Array) return value.slice()
  if (Array.isArray(value)) return value.map(structuredCloneTree)
  if (value != null && typeof value === 'object') {
    const out: any = {}
    for (const [k, v] of Object.entries(value)) out[k] = k === 'owner' || k === 'resign' ? v : structuredCloneTree(v)
    return out
  }
  return value
}

export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

function varint (value: number): Uint8Array {
  const out: number[] = []
  while (value > 0x7f) { out.push((value & 0x7f) | 0x80); value = Math.floor(value / 128) }
  out.push(value)
  return new Uint8Array(out)
}

// ---------------------------------------------------------------------------------------------------
// A live round, with one participant's outgoing messages rewritten
// ---------------------------------------------------------------------------------------------------

export interface LiveReport {
  aggregator: Aggregator
  aggregatorEvents: RoundEvent[]
  participants: Participant[]
  participantEvents: RoundEvent[][]
}

export interface LiveOptions {
  /**
   * Peers whose masked input reaches the aggregator only once nothing else is in flight: slow uploads,
   * which every other peer's share-check (and complaint) overtakes.
   */
  slowUploads?: number[]
  /** Peers whose share-check reaches the aggregator only after their whole masked input. */
  lateChecks?: number[]
  /** Peers whose share-check never reaches the aggregator. */
  lostChecks?: number[]
}

/**
 * Runs a whole round like the simulator (in-order delivery, masked input as soon as it is due, phase
 * deadlines when nothing is in flight), passing every participant message through `rewrite`.
 */
export async function runLiveRound (
  fx: Fixture,
  rewrite: (from: number, type: MessageType, bytes: Uint8Array, nth: number) => Promise<Uint8Array>,
  options: LiveOptions = {}
): Promise<LiveReport> {
  const aggregator = newAggregator(fx)
  const participants = fx.peers.map((_, i) => newParticipant(fx, i))
  const aggregatorEvents: RoundEvent[] = []
  const participantEvents: RoundEvent[][] = fx.peers.map(() => [])
  const sent = new Map<string, number>()
  const queue: Delivery[] = []
  const fromAggregator = (step: Step): void => {
    aggregatorEvents.push(...step.events)
    for (const m of step.messages) {
      const recipients = m.to === 'all' ? fx.peers.map((_, i) => i) : [peerIndexOf(fx, m.to)]
      for (const to of recipients) queue.push({ from: fx.aggregatorIndex, to, type: m.type, bytes: m.bytes })
    }
  }
  const slow: Delivery[] = []
  const late: Delivery[] = []
  const fromParticipant = async (i: number, messages: Array<{ type: MessageType, bytes: Uint8Array }>): Promise<void> => {
    for (const m of messages) {
      const key = `${i}/${m.type}`
      const nth = sent.get(key) ?? 0
      sent.set(key, nth + 1)
      const delivery: Delivery = { from: i, to: 'aggregator', type: m.type, bytes: await rewrite(i, m.type, m.bytes, nth) }
      if (m.type === 'share-check' && options.lostChecks?.includes(i) === true) continue
      if (m.type === 'share-check' && options.lateChecks?.includes(i) === true) late.push(delivery)
      else if (m.type === 'masked-input' && options.slowUploads?.includes(i) === true) slow.push(delivery)
      else queue.push(delivery)
    }
    // a late share-check goes right after the last chunk of its sender's masked input
    for (const d of late.filter(d => d.from === i)) if (messages.some(m => m.type === 'masked-input')) queue.push(...late.splice(late.indexOf(d), 1))
  }
  fromAggregator(await aggregator.announce())
  for (let guard = 0; guard < 10_000; guard++) {
    const d = queue.shift()
    if (d !== undefined) {
      if (d.to === 'aggregator') {
        fromAggregator(await aggregator.handle(fx.peers[d.from].identity, d.type, d.bytes))
      } else {
        const { step, chunks } = await deliverToParticipant(fx, participants[d.to], d.type, d.bytes)
        participantEvents[d.to].push(...step.events)
        await fromParticipant(d.to, [...step.messages, ...chunks.map(bytes => ({ type: 'masked-input' as const, bytes }))])
      }
      continue
    }
    if (aggregator.status === 'done' || aggregator.status === 'aborted') break
    if (slow.length > 0) {
      queue.push(...slow.splice(0))
      continue
    }
    // nothing in flight: the current phase reaches its deadline
    fromAggregator(await aggregator.close())
  }
  // participants still waiting see their deadlines pass
  for (let i = 0; i < participants.length; i++) participantEvents[i].push(...participants[i].handleTimeout(START_TIME + 86_400_000).events)
  return { aggregator, aggregatorEvents, participants, participantEvents }
}

/** Participant i's secret share-encryption key: the first 32 bytes its randomness gives (see announce). */
export function encryptionSecretOf (fx: Fixture, i: number): Uint8Array {
  return deterministicRandom(`${fx.seed}/participant/${i}`)(32).slice()
}

/** One holder's shares as a cheating dealer may rewrite them before sealing. */
export interface DealtShare {
  /** The holder's entry: its hash commitments and x may be changed (ciphertext and nonce are redone). */
  entry: SealedShare
  /** The 64-byte plaintext: the self-mask share, then the mask-key share. */
  plaintext: Uint8Array
}

/** How a cheating dealer rewrites what it deals; everything it changes it seals, roots and signs again itself. */
export interface Cheat {
  /** Returns the plaintext to seal for this holder (the entry may be edited in place). */
  share?: (dealt: DealtShare, index: number) => Uint8Array
  /** Edits the dealer's commitments in place (the root and count are set after). */
  commitments?: (commitments: DealerCommitments) => void
}

/** Participant `dealer`'s share-keys message with what it deals rewritten by `cheat`, all of it validly signed by the dealer. */
export async function redealt (fx: Fixture, dealer: number, bytes: Uint8Array, cheat: Cheat): Promise<Uint8Array> {
  const message = ShareKeys.decode(bytes)
  const self = fx.peers[dealer].identity.bytes
  const secret = encryptionSecretOf(fx, dealer)
  const shares = await Promise.all(message.shares.map(async (share, index) => {
    if (cheat.share == null) return share
    const entry = sealedShare(EncryptedShare.decode(share))
    const holder = entry.holder
    const key = await shareEncryptionKey(fx.crypto, fx.context, secret, encryptionKeyOf(fx, peerIndexOf(fx, holder)), self, holder)
    const ad = shareAssociatedData(fx.context, self, holder)
    const plaintext = cheat.share({ entry, plaintext: openSealed(key, entry.nonce, entry.ciphertext, ad).slice() }, index)
    entry.ciphertext = seal(key, entry.nonce, plaintext, ad) as Uint8Array<ArrayBuffer>
    return EncryptedShare.encode(entry)
  }))
  const commitments = DealerCommitments.decode(message.commitments!.body)
  cheat.commitments?.(commitments)
  commitments.sharesRoot = merkleRoot(shares.map(share => leafHash(share))) as Uint8Array<ArrayBuffer>
  commitments.shareCount = shares.length
  const body = DealerCommitments.encode(commitments)
  const signature = await sign(fx.peers[dealer].privateKey, SignatureDomain.shareCommitments, body)
  return ShareKeys.encode({ ref: message.ref, commitments: { body, signature: signature as Uint8Array<ArrayBuffer> }, shares })
}

/** Participant i's advertised share-encryption key, from the recorded round. */
export function encryptionKeyOf (fx: Fixture, i: number): Uint8Array {
  const ad = fx.toAggregator.find(d => d.from === i && d.type === 'key-advertisement')!
  return KeyAdvertisement.decode(Signed.decode(ad.bytes).body).encryptionKey
}

/** Runs a live round in which participant `bad` deals what `cheat` makes of its honest dealing. */
export async function dealerCheats (fx: Fixture, bad: number, cheat: Cheat, options: LiveOptions = {}): Promise<LiveReport> {
  let dealt: Signed | undefined
  return runLiveRound(fx, async (from, type, bytes) => {
    if (from !== bad) return bytes
    if (type === 'share-keys') {
      const redone = await redealt(fx, bad, bytes, cheat)
      dealt = ShareKeys.decode(redone).commitments
      return redone
    }
    // the cheat commits to its masked input naming the dealer commitments it really sent
    const chunk = type === 'masked-input' ? MaskedInputChunk.decode(bytes) : undefined
    if (chunk?.commitment == null || dealt === undefined) return bytes
    const body = InputCommitment.decode(chunk.commitment.body)
    const commitment = await signedEnvelope(InputCommitment, { ...body, dealerCommitments: signedDigest(dealt) as Uint8Array<ArrayBuffer> }, fx.peers[bad].privateKey, SignatureDomain.inputCommitment)
    return MaskedInputChunk.encode({ ...chunk, commitment })
  }, options)
}
