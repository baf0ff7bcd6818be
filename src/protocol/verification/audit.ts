/**
 * Checking a round's sum from its transcript, with nothing trusted. The survivors each signed a
 * commitment Com(y_u) to their masked vector, with what fixes its masks (its neighbours in the masks,
 * its mask public key, the digest of its dealer commitments), and signed the survivor set that lists the
 * digests of those commitments before anything was revealed; the aggregator signed the result over that
 * set, with the sum s mod 2^m and the carries w of the masked vectors' integer sum. The rebuilt secrets
 * (each survivor's self-mask seed, each dropped peer's mask key) check against what their owners
 * signed, so they fix the masks M that the sum of the y_u carries beyond the inputs. Then
 *
 *     Y = ((s + M) mod 2^m) + 2^m w   must satisfy   Com(Y) = sum over survivors of Com(y_u),
 *
 * which holds for the true sum, and for any other s only if the aggregator found a module-SIS solution
 * (docs/security.md). The verdict is 'verified'; 'forged', when something the aggregator signed is shown
 * wrong by the rest, which convicts it; or 'unverifiable', when the transcript itself is malformed or
 * incomplete (anyone could have spoiled it in transit, so it proves nothing against anyone).
 *
 * A survivor that signed the survivor set vouches with that one signature for its commitment and,
 * through the digests in it, for its dealer commitments: only the commitments of survivors that did not
 * sign are checked against their own signatures. Per survivor that leaves a hash or two and one point
 * check of its seed; the rest is the masks' keystream, as much as the aggregator's unmask removes.
 */
import { bufferSource, compareBytes, constantTimeEqual, equalBytes, toHex } from '../crypto/bytes.js'
import { identityFromBytes, SignatureDomain, verify, type Identity } from '../crypto/identity.js'
import { AFFINE_POINT_LENGTH } from '../crypto/ed25519-group.js'
import { decodeCommitments, verifySecret, type CommittedPolynomial } from '../crypto/feldman.js'
import { rebuildMaskKey } from '../crypto/mask-key.js'
import type { MaskKey } from '../crypto/prg.js'
import { MAX_SHARES, scalarFromBytes } from '../crypto/shamir.js'
import { packedLength, unpackInto } from '../encoding/bit-pack.js'
import { DealerCommitments, InputCommitment, KeyAdvertisement, RoundResult, RoundTranscript, ShareKind, Signed, SurvivorSet, type RoundRef } from '../pb/messages.js'
import { graphParametersFor, vectorWords, type ResolvedParams } from '../round/params.js'
import { signatureProblem } from '../round/result-checks.js'
import { pairwiseMaskKeyFromSecret, pairwiseMode, selfMaskKey } from '../round/masks.js'
import { carryBits } from '../round/aggregator/integer-sum.js'
import { signedDigest } from '../round/wire.js'
import { commit, commitmentContext, COMMITMENT_LENGTH, sumCommitments } from './commitment.js'
import { applyMasks, type CryptoSuite } from '../crypto/suite.js'
import type { RoundContext } from '../crypto/kdf.js'

export type AuditVerdict =
  | { verdict: 'verified', round: number, attempt: number, aggregator: string, survivors: string[] }
  | { verdict: 'forged', round: number, attempt: number, aggregator: string, reason: string }
  | { verdict: 'unverifiable', reason: string }

export interface AuditOptions {
  /** When given, the transcript must be for exactly this signed result (as a peer received it). */
  result?: Uint8Array
  /**
   * The caller has checked the consistency signatures of `result` already (verifyResult, or a
   * participant's round core): they are not verified a second time. Only with `result`.
   */
  signaturesChecked?: boolean
  /**
   * The caller has checked the aggregator's signature on `result` already: it is not verified again
   * for a verdict that convicts no one. It is over the whole result, 2.9 MB at d = 1M, about 5 ms a
   * check. A 'forged' verdict always verifies it, so no caller's word convicts an aggregator of a
   * result it did not sign. Only with `result`.
   */
  resultSignatureChecked?: boolean
}

/**
 * The longest transcript a round of up to n participants sends: the result (the packed sum and carries,
 * the roster, the survivors with their commitment digests and signatures), and per survivor its signed
 * commitment (13,312 bytes and a peer id per neighbour), its dealer commitments (2t points) and its
 * advertisement, and the secret rebuilt for it. 1.6 MB at n = 100 with the default graph; a network
 * layer must take results this long.
 */
export function maxTranscriptLength (params: ResolvedParams, n: number): number {
  const { degree, threshold } = graphParametersFor(params, n)
  const total = vectorWords(params)
  const result = packedLength(total, params.encoding.modulusBits) + packedLength(total, carryBits(n)) + n * 512 + 65536
  const perSurvivor = COMMITMENT_LENGTH + degree * PEER_ON_WIRE + 2 * threshold * (AFFINE_POINT_LENGTH + 2) + 1024
  return result + n * perSurvivor
}

/** A peer id in a list on the wire: 38 bytes for an Ed25519 key's identity multihash, and its tag and length. */
const PEER_ON_WIRE = 40

/** Decoding limits of a transcript's lists: one entry per roster peer at most. */
export const TRANSCRIPT_LIMITS = { commitments: MAX_SHARES, dealerCommitments: MAX_SHARES, advertisements: MAX_SHARES, secrets: MAX_SHARES }

/** Something in the transcript that nobody signed for: it shows nothing against the aggregator. */
class Unverifiable extends Error {}
/** Something the aggregator signed, shown wrong. */
class Forged extends Error {}

/**
 * Verdicts of recent audits, and audits under way, by transcript digest, session parameters and
 * options. A process meets the same transcript more than once (its own round's, then the API's audit,
 * or every participant of a simulated round or of a testnet in one process), and an audit costs about
 * an unmask. Audits under way are kept too: the participants of one process get a result at about the
 * same time, and where an audit gives the event loop a turn (masks on worker threads, WebCrypto's
 * AES-CTR) each would otherwise start the same audit before the first ends.
 */
const recentVerdicts = new Map<string, Promise<Audit>>()
const RECENT_VERDICTS = 16

/**
 * An audit's verdict, and whether the transcript settled it: not when something other than the
 * transcript ended the audit (a bug, memory, a mask worker gone), which another try may not meet.
 */
interface Audit {
  verdict: AuditVerdict
  settled: boolean
}

/** Forgets every verdict kept: to measure what an audit costs a peer that meets a transcript once. */
export function forgetAudits (): void {
  recentVerdicts.clear()
}

/**
 * SHA-256 through WebCrypto (Node and browsers alike): native. Hashing a round's transcript and result
 * (8 MB at n = 100, d = 1M) took about 40 ms of every participant's result check in JavaScript, 7 here.
 */
async function digestHex (bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bufferSource(bytes))))
}

/** Audits an encoded RoundTranscript against the session's parameters. Never throws on bad input. */
export async function auditTranscript (bytes: Uint8Array, params: ResolvedParams, crypto: CryptoSuite, options: AuditOptions = {}): Promise<AuditVerdict> {
  const vouched = options.result !== undefined
  const checked = { signatures: vouched && options.signaturesChecked === true, resultSignature: vouched && options.resultSignatureChecked === true }
  const session = JSON.stringify([toHex(params.sessionId), toHex(params.parentSessionId ?? params.sessionId), params.dimension, params.encoding, params.graph])
  const key = `${await digestHex(bytes)}/${session}/${checked.signatures}/${checked.resultSignature}/${vouched ? await digestHex(options.result!) : ''}`
  let audit = recentVerdicts.get(key)
  const joined = audit !== undefined
  if (audit === undefined) {
    if (recentVerdicts.size >= RECENT_VERDICTS) recentVerdicts.delete(recentVerdicts.keys().next().value!)
    recentVerdicts.set(key, audit = auditAnew(bytes, params, crypto, options.result, checked))
  }
  let { verdict, settled } = await audit
  if (!settled) {
    if (recentVerdicts.get(key) === audit) recentVerdicts.delete(key)
    // what ended another reader's audit (its crypto suite, say) may not end this one's
    if (joined) verdict = (await auditAnew(bytes, params, crypto, options.result, checked)).verdict
  }
  return structuredClone(verdict)
}

async function auditAnew (bytes: Uint8Array, params: ResolvedParams, crypto: CryptoSuite, expected: Uint8Array | undefined, checked: { signatures: boolean, resultSignature: boolean }): Promise<Audit> {
  let opened: OpenedResult | undefined
  try {
    const transcript = decodeOr(() => RoundTranscript.decode(bytes, { limits: TRANSCRIPT_LIMITS }), 'transcript')
    if (expected !== undefined && !equalBytes(transcript.result, expected)) throw new Unverifiable('the transcript is for another result')
    opened = await openResult(transcript.result, params, checked.resultSignature)
    const { result, context } = opened
    const roster = new RosterIndex(result.participants)
    const survivors = await checkSurvivors(result, roster, params, context, checked.signatures)
    const commitments = await openCommitments(transcript, survivors, roster, new Set(result.signatures.map(s => toHex(s.signer))), context, crypto)
    const survivorAt = new Int32Array(result.participants.length).fill(-1)
    survivors.forEach((survivor, i) => { survivorAt[survivor.index] = i })
    checkMasksAgree(survivors, commitments, survivorAt)
    const masks = await maskSum(transcript, survivors, commitments, survivorAt, params, context, crypto)
    await checkSum(result, survivors.length, masks, commitments.map(c => c.commitment), params, context, crypto)
    return { verdict: { verdict: 'verified', ...opened.header, survivors: survivors.map(s => s.id) }, settled: true }
  } catch (err) {
    if (err instanceof Forged && opened !== undefined) {
      // a conviction rests on the aggregator's own signature, never on a caller's word that it checked it
      if (!await opened.signedByAggregator()) return { verdict: { verdict: 'unverifiable', reason: UNSIGNED }, settled: true }
      return { verdict: { verdict: 'forged', ...opened.header, reason: err.message }, settled: true }
    }
    return { verdict: { verdict: 'unverifiable', reason: (err as Error)?.message ?? String(err) }, settled: err instanceof Forged || err instanceof Unverifiable }
  }
}

const UNSIGNED = 'the result is not signed by the aggregator it names'

interface OpenedResult {
  result: RoundResult
  context: RoundContext
  header: { round: number, attempt: number, aggregator: string }
  /** Whether the aggregator the result names signed it (checked at most once). */
  signedByAggregator: () => Promise<boolean>
}

function decodeOr<T> (run: () => T, what: string, Fault: new (message: string) => Error = Unverifiable): T {
  try {
    return run()
  } catch (err) {
    throw new Fault(`malformed ${what}: ${(err as Error).message}`)
  }
}

/** The signed result; its signature is verified here unless `signatureChecked`, and then only before a conviction. */
async function openResult (bytes: Uint8Array, params: ResolvedParams, signatureChecked: boolean): Promise<OpenedResult> {
  const envelope = decodeOr(() => Signed.decode(bytes), 'signed result')
  const result = decodeOr(() => RoundResult.decode(envelope.body, { limits: { participants: MAX_SHARES, signatures: MAX_SHARES } }), 'result')
  const aggregator = decodeOr(() => identityFromBytes(result.aggregator), 'result aggregator')
  let signed: Promise<boolean> | undefined
  const signedByAggregator = async (): Promise<boolean> => await (signed ??= verify(aggregator, SignatureDomain.result, envelope.body, envelope.signature))
  if (!signatureChecked && !await signedByAggregator()) throw new Unverifiable(UNSIGNED)
  const ref = result.ref
  if (ref == null || !constantTimeEqual(ref.session, params.sessionId)) throw new Unverifiable('the result is for another session')
  const context = { sessionId: params.sessionId, round: Number(ref.round), attempt: ref.attempt }
  return { result, context, header: { round: context.round, attempt: context.attempt, aggregator: aggregator.id }, signedByAggregator }
}

function sameRef (ref: RoundRef | undefined, context: RoundContext): boolean {
  return ref != null && constantTimeEqual(ref.session, context.sessionId) && ref.round === BigInt(context.round) && ref.attempt === context.attempt
}

interface Survivor {
  identity: Identity
  id: string
  /** Its place in the result's list of participants (the first, should the list repeat it). */
  index: number
  /** SHA-256 of its signed commitment, as the signed survivor set lists it. */
  digest: Uint8Array
}

/**
 * The result's participants, sorted, so that a sorted list of peers is found in them by one merge:
 * looking each of the 8,910 masked-with entries of a round at n = 100 up by hex string took about a
 * tenth of an audit.
 */
class RosterIndex {
  private readonly sorted: Uint8Array[]
  /** The place in the result's list of each sorted peer. */
  private readonly places: Int32Array

  constructor (participants: readonly Uint8Array[]) {
    const order = participants.map((_, i) => i).sort((a, b) => compareBytes(participants[a], participants[b]))
    this.sorted = order.map(i => participants[i])
    this.places = Int32Array.from(order)
  }

  /** The place in the result's list of each peer of `peers`, sorted without repeats; -1 for one not in it. */
  placesOf (peers: readonly Uint8Array[]): Int32Array {
    const places = new Int32Array(peers.length)
    let k = 0
    for (let j = 0; j < peers.length; j++) {
      while (k < this.sorted.length && compareBytes(this.sorted[k], peers[j]) < 0) k++
      places[j] = k < this.sorted.length && equalBytes(this.sorted[k], peers[j]) ? this.places[k] : -1
    }
    return places
  }
}

/** The survivors of the signed survivor set the aggregator's result is over, and their agreement to it. */
async function checkSurvivors (result: RoundResult, roster: RosterIndex, params: ResolvedParams, context: RoundContext, signaturesChecked: boolean): Promise<Survivor[]> {
  const set = decodeOr(() => SurvivorSet.decode(result.survivorSet, { limits: { survivors: MAX_SHARES, commitments: MAX_SHARES } }), 'survivor set', Forged)
  if (!sameRef(set.ref, context)) throw new Forged('the survivor set is for another attempt')
  if (set.commitments.length !== set.survivors.length) throw new Forged('the survivor set does not list one commitment per survivor')
  // placesOf places an entry right whenever the list is sorted up to it, so the order is checked entry
  // by entry, before the place: the first fault found is the one it always was
  const places = roster.placesOf(set.survivors)
  const survivors: Survivor[] = set.survivors.map((bytes, i) => {
    if (i > 0 && compareBytes(set.survivors[i - 1], bytes) >= 0) throw new Forged('the survivor set is not sorted without repeats')
    if (places[i] < 0) throw new Forged('the survivor set lists a peer outside the roster')
    const identity = decodeOr(() => identityFromBytes(bytes), 'survivor', Forged)
    return { identity, id: identity.id, index: places[i], digest: set.commitments[i] }
  })
  if (signaturesChecked) return survivors
  const minSurvivors = graphParametersFor(params, result.participants.length).minSurvivors
  const problem = await signatureProblem(result, new Set(survivors.map(s => s.id)), minSurvivors)
  if (problem !== undefined) throw new Forged(problem)
  return survivors
}

interface OpenedCommitment {
  commitment: Uint8Array
  /** The neighbours whose pairwise masks its vector carries, sorted. */
  maskedWith: Uint8Array[]
  /** Their places in the result's list of participants, -1 for a peer not in it. */
  maskedWithPlaces: Int32Array
  maskKey: Uint8Array
  dealerCommitments: Uint8Array
}

/** Each survivor's signed commitment, as the survivor set fixed it; `signers`: hex ids of the survivors that signed the set. */
async function openCommitments (transcript: RoundTranscript, survivors: readonly Survivor[], roster: RosterIndex, signers: ReadonlySet<string>, context: RoundContext, crypto: CryptoSuite): Promise<OpenedCommitment[]> {
  if (transcript.commitments.length !== survivors.length) throw new Unverifiable(`the transcript has ${transcript.commitments.length} commitments for ${survivors.length} survivors`)
  return Promise.all(survivors.map(async ({ identity, digest }, i) => {
    const envelope = transcript.commitments[i]
    if (!constantTimeEqual(signedDigest(envelope, crypto.sha256), digest)) throw new Unverifiable(`the transcript's commitment of ${identity.id} is not the one the survivor set lists`)
    // From here on, the aggregator's signed survivor set vouches for these very bytes, and a survivor
    // that signed the set for its own.
    if (!signers.has(toHex(identity.bytes)) && !await verify(identity, SignatureDomain.inputCommitment, envelope.body, envelope.signature)) {
      throw new Forged(`the survivor set lists a commitment ${identity.id} did not sign`)
    }
    const opened = decodeOr(() => InputCommitment.decode(envelope.body, { limits: { maskedWith: MAX_SHARES } }), `commitment of ${identity.id}`, Forged)
    if (!sameRef(opened.ref, context) || !constantTimeEqual(opened.peer, identity.bytes)) throw new Forged(`the commitment of ${identity.id} is for another attempt or peer`)
    for (let j = 1; j < opened.maskedWith.length; j++) {
      if (compareBytes(opened.maskedWith[j - 1], opened.maskedWith[j]) >= 0) throw new Forged(`the masks ${identity.id} names are not sorted without repeats`)
    }
    return { commitment: opened.commitment, maskedWith: opened.maskedWith, maskedWithPlaces: roster.placesOf(opened.maskedWith), maskKey: opened.maskKey, dealerCommitments: opened.dealerCommitments }
  }))
}

/**
 * Pairwise masks between survivors cancel only if both sides added them: every such pair must agree.
 * `survivorAt` gives each participant's place among the survivors, -1 for one that is not.
 */
function checkMasksAgree (survivors: readonly Survivor[], commitments: readonly OpenedCommitment[], survivorAt: Int32Array): void {
  // i * n + p for each survivor i naming participant p: as many entries as the lists hold, where a
  // survivors-by-roster table would let a transcript of tens of thousands of sybils ask for gigabytes
  const n = survivorAt.length
  const named = new Set<number>()
  commitments.forEach((c, i) => { for (const p of c.maskedWithPlaces) if (p >= 0) named.add(i * n + p) })
  survivors.forEach((survivor, i) => {
    if (named.has(i * n + survivor.index)) throw new Forged(`${survivor.id} names a mask with itself`)
    for (const p of commitments[i].maskedWithPlaces) {
      const j = p < 0 ? -1 : survivorAt[p]
      if (j >= 0 && !named.has(j * n + survivor.index)) throw new Forged(`${survivor.id} masked with ${survivors[j].id}, which did not mask with it`)
    }
  })
}

/**
 * M mod 2^32: the survivors' self masks, plus each pairwise mask a survivor added with a peer that did
 * not survive, each from a secret checked against what its owner signed.
 */
async function maskSum (transcript: RoundTranscript, survivors: readonly Survivor[], commitments: readonly OpenedCommitment[], survivorAt: Int32Array, params: ResolvedParams, context: RoundContext, crypto: CryptoSuite): Promise<Uint32Array> {
  const secrets = new Map<string, Uint8Array>()
  for (const { owner, kind, value } of transcript.secrets) secrets.set(`${toHex(owner)}/${kind}`, value)
  const maskKeys = await advertisedMaskKeys(transcript, context)
  const masks = new Uint32Array(vectorWords(params))
  const keys: MaskKey[] = []
  // each dropped peer's key rebuilt and checked once, not once per survivor that masked with it (at
  // n = 100, d = 1M: 10 dropped peers, 234 pairs, and an X25519 key import and check for each)
  const droppedKeys = new Map<string, ReturnType<typeof rebuildMaskKey>>()
  for (let i = 0; i < survivors.length; i++) {
    const { identity } = survivors[i]
    const seed = secrets.get(`${toHex(identity.bytes)}/${ShareKind.SELF_MASK}`)
    if (seed === undefined) throw new Unverifiable(`the transcript lacks the self-mask seed of ${identity.id}`)
    if (!verifySecret(selfMaskCommitment(transcript.dealerCommitments[i], commitments[i].dealerCommitments, identity, context, crypto), seed)) {
      throw new Unverifiable(`the self-mask seed of ${identity.id} is not the one it committed to`)
    }
    keys.push({ key: selfMaskKey(context, seed, identity.bytes), mode: 'add' })
    const { maskedWith, maskedWithPlaces } = commitments[i]
    for (let j = 0; j < maskedWith.length; j++) {
      const place = maskedWithPlaces[j]
      if (place >= 0 && survivorAt[place] >= 0) continue
      const peer = maskedWith[j]
      const id = toHex(peer)
      let dropped = droppedKeys.get(id)
      if (dropped === undefined) droppedKeys.set(id, dropped = await droppedMaskKey(peer, secrets, maskKeys, crypto))
      const shared = await dropped.sharedSecret(commitments[i].maskKey)
      keys.push({ key: pairwiseMaskKeyFromSecret(context, shared, peer, identity.bytes), mode: pairwiseMode(identity.bytes, peer) })
    }
  }
  await applyMasks(crypto, masks, keys)
  return masks
}

/** C_0 of a survivor's self-mask seed, from the dealer commitments its input commitment names. */
function selfMaskCommitment (envelope: Signed | undefined, digest: Uint8Array, identity: Identity, context: RoundContext, crypto: CryptoSuite): CommittedPolynomial {
  if (envelope === undefined || !constantTimeEqual(signedDigest(envelope, crypto.sha256), digest)) {
    throw new Unverifiable(`the transcript lacks the dealer commitments ${identity.id}'s input commitment names`)
  }
  const dealer = decodeOr(() => DealerCommitments.decode(envelope.body, { limits: { selfMask: MAX_SHARES, maskKey: MAX_SHARES } }), `dealer commitments of ${identity.id}`)
  if (!sameRef(dealer.ref, context) || !constantTimeEqual(dealer.dealer, identity.bytes) || dealer.selfMask.length === 0) {
    throw new Unverifiable(`the dealer commitments of ${identity.id} are for another attempt or peer`)
  }
  return decodeOr(() => decodeCommitments(dealer.selfMask.slice(0, 1)), `self-mask commitment of ${identity.id}`)
}

/** The dropped peers' advertised mask keys in the transcript, by hex peer id, each signed by its peer for this attempt. */
async function advertisedMaskKeys (transcript: RoundTranscript, context: RoundContext): Promise<Map<string, Uint8Array>> {
  const keys = new Map<string, Uint8Array>()
  for (const envelope of transcript.advertisements) {
    const advertisement = decodeOr(() => KeyAdvertisement.decode(envelope.body), 'key advertisement')
    const identity = decodeOr(() => identityFromBytes(advertisement.peer), 'advertised peer')
    if (!sameRef(advertisement.ref, context) || !await verify(identity, SignatureDomain.keyAdvertisement, envelope.body, envelope.signature)) {
      throw new Unverifiable(`the key advertisement of ${identity.id} is unsigned or for another attempt`)
    }
    keys.set(toHex(advertisement.peer), advertisement.maskKey)
  }
  return keys
}

/** A dropped peer's rebuilt mask key, checked against the public key it advertised. */
async function droppedMaskKey (peer: Uint8Array, secrets: Map<string, Uint8Array>, keys: Map<string, Uint8Array>, crypto: CryptoSuite): Promise<ReturnType<typeof rebuildMaskKey>> {
  const value = secrets.get(`${toHex(peer)}/${ShareKind.MASK_KEY}`)
  if (value === undefined || !isScalar(value)) throw new Unverifiable(`the transcript lacks the mask key of a dropped peer (${toHex(peer).slice(0, 16)}...)`)
  const advertised = keys.get(toHex(peer))
  if (advertised === undefined) throw new Unverifiable(`the transcript lacks the key advertisement of a dropped peer (${toHex(peer).slice(0, 16)}...)`)
  const key = rebuildMaskKey(crypto.x25519, scalarFromBytes(value))
  if (!constantTimeEqual(await key.publicKey(), advertised)) throw new Unverifiable('a dropped peer\'s mask key is not the one it advertised')
  return key
}

/** Com(Y) against the survivors' commitments, Y the integer sum the result's sum and carries give. */
async function checkSum (result: RoundResult, survivors: number, masks: Uint32Array, commitments: Uint8Array[], params: ResolvedParams, context: RoundContext, crypto: CryptoSuite): Promise<void> {
  const bits = params.encoding.modulusBits
  const total = vectorWords(params)
  const sum = new Uint32Array(total)
  const carries = new Uint32Array(total)
  try {
    unpackInto(result.sum, bits, sum, 'fill')
    unpackInto(result.carries, carryBits(survivors), carries, 'fill')
  } catch (err) {
    throw new Forged(`the result's sum or carries do not fit the session's dimension: ${(err as Error).message}`)
  }
  const modulus = 2 ** bits
  const low = modulus - 1
  const integerSum = new Float64Array(total)
  for (let i = 0; i < total; i++) {
    if (carries[i] >= survivors) throw new Forged(`the result claims a carry of ${carries[i]} at coordinate ${i}, beyond what ${survivors} survivors can sum to`)
    // (sum + masks) mod 2^m through the 32-bit wrap, as 2^m divides 2^32: a double's % cost 6 ms at d = 1M
    integerSum[i] = (((sum[i] + masks[i]) & low) >>> 0) + modulus * carries[i]
  }
  let expected: Uint8Array
  try {
    expected = sumCommitments(commitments)
  } catch (err) {
    throw new Forged(`a survivor's commitment is malformed: ${(err as Error).message}`)
  }
  if (!equalBytes(await commit(crypto.prg, commitmentContext(params, context), integerSum), expected)) {
    throw new Forged('the sum does not match the survivors\' commitments: it is not the sum of their masked inputs less their masks')
  }
}

function isScalar (bytes: Uint8Array): boolean {
  try {
    scalarFromBytes(bytes)
    return true
  } catch {
    return false
  }
}
