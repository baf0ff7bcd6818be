/**
 * A malicious aggregator for simulation tests: it runs the honest aggregator's state machine and
 * rewrites what that machine sends (the simulator's `tamper` hook), with helpers that craft
 * valid-looking messages from real ones, and a log of every delivery to check what honest peers
 * sent back. The aggregator's own participant is left alone: it is part of the adversary, and the
 * tests judge only the other ("honest") participants.
 */
import { compareBytes, constantTimeEqual, toHex } from '../../src/protocol/crypto/bytes.js'
import { sign, SignatureDomain, type Identity } from '../../src/protocol/crypto/identity.js'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'
import { deterministicRandom } from '../../src/protocol/crypto/random.js'
import {
  Announcement, ConsistencyProof, ConsistencySignature, KeyAdvertisement, NeighbourKeys, Roster, RoundResult,
  RoundTranscript, Signed, SurvivorSet, UnmaskShares, type PeerSignature, type RoundRef, type ShareKind
} from '../../src/protocol/pb/messages.js'
import { RosterView, sortIdentities } from '../../src/protocol/round/roster.js'
import { refOf } from '../../src/protocol/round/wire.js'
import { simulatedPeers, type SimulatedPeer } from '../../src/simulation/peers.js'
import { rehearseRoster, simulateRound, type Delivery, type DropPoint, type SimulationReport } from '../../src/simulation/simulation.js'
import { gridUpdates, testParams } from './round-fixtures.js'
import type { MessageType } from '../../src/protocol/round/events.js'
import type { GraphPolicy, ResolvedParams } from '../../src/protocol/round/params.js'

export type Message = { type: MessageType, bytes: Uint8Array }
/** Rewrites one message the aggregator sends `recipient`; `log` holds every delivery made so far. */
export type Tamper = (message: Message, recipient: number, log: readonly Delivery[]) => Message[]

/** Everything that fixes one simulated round attempt. */
export interface Scenario {
  params: ResolvedParams
  peers: SimulatedPeer[]
  updates: Float32Array[]
  aggregator: number
  round: number
  attempt: number
  beacon: Uint8Array
  seed: string
  drops?: Map<number, DropPoint>
  /** The roster's advertisement digests, from a rehearsal of the round (the graph hashes them). */
  digests: Uint8Array[]
}

export async function scenario (options: { n: number, shape?: GraphPolicy['shape'], round?: number, attempt?: number, beacon?: Uint8Array, seed?: string, drops?: Map<number, DropPoint> }): Promise<Scenario> {
  const params = testParams({ dimension: 64, graph: { shape: options.shape ?? 'harary' }, encoding: { maxParticipants: options.n }, minParticipants: Math.max(3, Math.ceil(options.n / 2)) })
  const s = {
    params,
    peers: await simulatedPeers(options.n, 'malicious-aggregator'),
    updates: gridUpdates(params, options.n),
    aggregator: 0,
    round: options.round ?? 1,
    attempt: options.attempt ?? 0,
    beacon: options.beacon ?? new Uint8Array(32).fill(0xbe),
    seed: options.seed ?? `round ${options.round ?? 1} attempt ${options.attempt ?? 0}`,
    drops: options.drops
  }
  const rehearsed = await rehearseRoster({ ...s, crypto: nodeCryptoSuite })
  return { ...s, digests: [...rehearsed.digests] }
}

export interface Run {
  report: SimulationReport
  /** Every delivery, in both directions, in the order the simulator made them. */
  log: Delivery[]
}

/** Runs the scenario with the aggregator's messages rewritten by `tamper` (never those to its own participant). */
export async function run (s: Scenario, tamper?: Tamper, observe?: (delivery: Delivery) => void): Promise<Run> {
  const log: Delivery[] = []
  const report = await simulateRound({
    params: s.params,
    peers: s.peers,
    updates: s.updates,
    aggregator: s.aggregator,
    round: s.round,
    attempt: s.attempt,
    beacon: s.beacon,
    seed: s.seed,
    drops: s.drops,
    crypto: nodeCryptoSuite,
    tamper: (message, recipient) => {
      const original = { type: message.type, bytes: message.bytes }
      return tamper == null || recipient === s.aggregator ? [original] : tamper(original, recipient, log)
    },
    observe: (delivery) => {
      log.push(delivery)
      observe?.(delivery)
    }
  })
  return { report, log }
}

/** The honest participants: everyone but the aggregator. */
export function honest (s: Scenario): number[] {
  return s.peers.map((_, i) => i).filter(i => i !== s.aggregator)
}

/** The roster (every peer) with the neighbour graph the scenario's beacon seeds. */
export function rosterOf (s: Scenario, beacon = s.beacon): RosterView {
  return new RosterView(sortIdentities(s.peers.map(p => p.identity)), { sessionId: s.params.sessionId, round: s.round, attempt: s.attempt }, beacon, s.params, s.digests)
}

export function refOfScenario (s: Scenario): RoundRef {
  return refOf({ sessionId: s.params.sessionId, round: s.round, attempt: s.attempt })
}

export function indexOf (s: Scenario, peer: Uint8Array): number {
  const i = s.peers.findIndex(p => constantTimeEqual(p.identity.bytes, peer))
  if (i < 0) throw new Error('not a peer of the scenario')
  return i
}

/** The scenario indices of a peer's neighbours in the graph. */
export function neighboursOf (s: Scenario, i: number, roster = rosterOf(s)): number[] {
  return roster.neighboursOf(s.peers[i].identity.bytes).map(p => indexOf(s, p))
}

/** What participant `i` sent the aggregator, optionally of one type only. */
export function sentBy (log: readonly Delivery[], i: number, type?: MessageType): Delivery[] {
  return log.filter(d => d.to === 'aggregator' && d.from === i && (type === undefined || d.type === type))
}

/** Every revealed share the aggregator received, as (holder, owner id hex, kind). */
export function revealedShares (log: readonly Delivery[]): Array<{ holder: number, owner: string, kind: ShareKind }> {
  const out: Array<{ holder: number, owner: string, kind: ShareKind }> = []
  for (const d of log) {
    if (d.to !== 'aggregator' || d.type !== 'unmask-shares') continue
    for (const share of UnmaskShares.decode(d.bytes).shares) out.push({ holder: d.from, owner: toHex(share.owner!), kind: share.kind })
  }
  return out
}

/** Owners (id hex) of whom the aggregator received shares of both kinds. */
export function ownersRevealedBothWays (log: readonly Delivery[]): string[] {
  const kinds = new Map<string, Set<ShareKind>>()
  for (const { owner, kind } of revealedShares(log)) {
    let set = kinds.get(owner)
    if (set == null) kinds.set(owner, set = new Set())
    set.add(kind)
  }
  return [...kinds].filter(([, set]) => set.size > 1).map(([owner]) => owner)
}

/** A survivor set's bytes, re-encoded with `without` left out (and the same round reference). */
export function survivorSetWithout (bytes: Uint8Array, without: Uint8Array[]): Uint8Array {
  const set = SurvivorSet.decode(bytes)
  const dropped = new Set(without.map(toHex))
  const kept = set.survivors.map((p, i) => ({ p, digest: set.commitments[i] })).filter(({ p }) => !dropped.has(toHex(p)))
  return SurvivorSet.encode({ ref: set.ref, survivors: kept.map(k => k.p), commitments: kept.map(k => k.digest) })
}

export function survivorsIn (bytes: Uint8Array): string[] {
  return SurvivorSet.decode(bytes).survivors.map(toHex)
}

/** A consistency proof over `setBytes`, signed by `signers` with their own keys (as colluders would). */
export async function forgedProof (setBytes: Uint8Array, signers: SimulatedPeer[]): Promise<Uint8Array> {
  const signatures: PeerSignature[] = []
  for (const signer of signers) {
    const signature = await sign(signer.privateKey, SignatureDomain.survivorSet, setBytes)
    signatures.push({ signer: signer.identity.bytes as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
  }
  return ConsistencyProof.encode({ survivorSet: setBytes as Uint8Array<ArrayBuffer>, signatures })
}

/** A consistency proof over `setBytes` carrying signatures captured from honest peers, whatever set they signed. */
export function relayedProof (setBytes: Uint8Array, signatures: Array<{ signer: Identity, signature: Uint8Array }>): Uint8Array {
  return ConsistencyProof.encode({
    survivorSet: setBytes as Uint8Array<ArrayBuffer>,
    signatures: signatures.map(s => ({ signer: s.signer.bytes as Uint8Array<ArrayBuffer>, signature: s.signature as Uint8Array<ArrayBuffer> }))
  })
}

/** The consistency signatures honest peers sent, by sender index. */
export function consistencySignatures (log: readonly Delivery[]): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>()
  for (const d of log) if (d.to === 'aggregator' && d.type === 'consistency-signature') out.set(d.from, ConsistencySignature.decode(d.bytes).signature)
  return out
}

/** The signed key advertisements peers sent, by sender index. */
export function keyAdvertisements (log: readonly Delivery[]): Map<number, Signed> {
  const out = new Map<number, Signed>()
  for (const d of log) if (d.to === 'aggregator' && d.type === 'key-advertisement') out.set(d.from, Signed.decode(d.bytes))
  return out
}

/** NeighbourKeys with the advertisement at `at` rewritten by `edit` (body changed, signature kept). */
export function editAdvertisement (bytes: Uint8Array, at: number, edit: (ad: KeyAdvertisement) => KeyAdvertisement): Uint8Array {
  const keys = NeighbourKeys.decode(bytes)
  const envelope = keys.advertisements[at]
  const body = KeyAdvertisement.encode(edit(KeyAdvertisement.decode(envelope.body)))
  keys.advertisements[at] = { body: body as Uint8Array<ArrayBuffer>, signature: envelope.signature }
  return NeighbourKeys.encode(keys)
}

/** The peer (id hex) whose keys each advertisement of a NeighbourKeys message carries. */
export function advertisedPeers (bytes: Uint8Array): string[] {
  return NeighbourKeys.decode(bytes).advertisements.map(a => toHex(KeyAdvertisement.decode(a.body).peer))
}

/** An X25519 public key nobody in the round advertised, as an aggregator would substitute its own. */
export async function foreignPublicKey (label: string): Promise<Uint8Array<ArrayBuffer>> {
  return await nodeCryptoSuite.x25519.publicKey(deterministicRandom(label)(32)) as Uint8Array<ArrayBuffer>
}

/** The announcement re-signed by the aggregator's key after `edit`. */
export async function resignedAnnouncement (bytes: Uint8Array, aggregator: SimulatedPeer, edit: (a: Announcement) => Announcement): Promise<Uint8Array> {
  const announcement = edit(Announcement.decode(Signed.decode(bytes).body))
  const body = Announcement.encode(announcement)
  const signature = await sign(aggregator.privateKey, SignatureDomain.announcement, body)
  return Signed.encode({ body: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
}

/** The aggregator's signed result re-signed by its key after `edit`. */
/** The signed result a result message carries: the message is the round's transcript. */
export function resultIn (message: Uint8Array): Uint8Array {
  return RoundTranscript.decode(message).result
}

/** A result message (a transcript) carrying another signed result, the rest of the transcript unchanged. */
export function carrying (message: Uint8Array, signedResult: Uint8Array): Uint8Array {
  return RoundTranscript.encode({ ...RoundTranscript.decode(message), result: signedResult as Uint8Array<ArrayBuffer> })
}

export async function resignedResult (bytes: Uint8Array, aggregator: SimulatedPeer, edit: (r: RoundResult) => RoundResult): Promise<Uint8Array> {
  const body = RoundResult.encode(edit(RoundResult.decode(Signed.decode(bytes).body)))
  const signature = await sign(aggregator.privateKey, SignatureDomain.result, body)
  return Signed.encode({ body: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
}

/** A roster message with its peers in another order (same round reference). */
export function reorderedRoster (bytes: Uint8Array, reorder: (peers: Array<Uint8Array<ArrayBuffer>>) => Array<Uint8Array<ArrayBuffer>>): Uint8Array {
  const roster = Roster.decode(bytes)
  const peers = reorder([...roster.peers])
  // each peer keeps its own advertisement's digest, wherever it is moved
  const digestOf = (peer: Uint8Array): Uint8Array<ArrayBuffer> => roster.digests[roster.peers.findIndex(p => compareBytes(p, peer) === 0)] ?? new Uint8Array(32)
  return Roster.encode({ ref: roster.ref, peers, digests: peers.map(digestOf) })
}

export function isCanonical (peers: Uint8Array[]): boolean {
  return peers.every((p, i) => i === 0 || compareBytes(peers[i - 1], p) < 0)
}

/** Every message the aggregator sent each recipient, by type (a pass-through tamper records them). */
export class Recorder {
  readonly sent = new Map<MessageType, Map<number, Uint8Array[]>>()

  readonly tamper: Tamper = (message, recipient) => {
    let byRecipient = this.sent.get(message.type)
    if (byRecipient == null) this.sent.set(message.type, byRecipient = new Map())
    byRecipient.set(recipient, [...(byRecipient.get(recipient) ?? []), message.bytes])
    return [message]
  }

  of (type: MessageType, recipient: number): Uint8Array[] {
    return this.sent.get(type)?.get(recipient) ?? []
  }
}
