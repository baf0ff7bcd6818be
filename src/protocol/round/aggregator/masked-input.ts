/**
 * masked-input: add each chunk of each participant's masked vector into the accumulator as it arrives,
 * in order. The packed chunks are kept (as views of the messages they came in, where that pins no
 * much larger buffer) until the vector is whole, because a vector that stops halfway must be taken
 * out of the sum again: its peer counts as dropped, and a partial vector would leave its masks in.
 * They are kept on while the peer's share-check is still to come, for the same reason. Memory is the
 * accumulator plus one packed vector per upload in progress (the network layer bounds how many) and
 * per peer that sent its vector before its share-check (none, when participants send them in order).
 *
 * The sum is kept over the integers (integer-sum.ts), and each upload is checked as it streams against
 * the commitment its sender signs on the last chunk: a sender whose vector is not what it committed to
 * is excluded and its vector taken out, so the commitments of U3 always add up to the sum.
 *
 * The phase closes by fixing U3, and before anyone is asked to reveal anything it checks that every
 * secret unmask will rebuild has at least t shares held by survivors that did not complain about its
 * dealer: a dealer proven to cheat can cost the round its attempt here, never after the reveal.
 */
import { packedLength, unpackInto } from '../../encoding/bit-pack.js'
import { InputCommitment, MaskedInputChunk, SurvivorSet, type Signed } from '../../pb/messages.js'
import { MalformedCommitmentError } from '../../verification/commitment.js'
import { ProtocolViolation } from '../errors.js'
import { vectorWords } from '../params.js'
import { checkRef, decode, openSigned, refOf, signedDigest } from '../wire.js'
import { compareBytes, constantTimeEqual, equalBytes, toHex } from '../../crypto/bytes.js'
import { SignatureDomain, type Identity } from '../../crypto/identity.js'
import { MAX_SHARES } from '../../crypto/shamir.js'
import { subtractCounting } from './integer-sum.js'
import { KERNEL_WORDS } from '../../crypto/wasm/words.js'
import type { UploadDigest } from '../../verification/upload-check.js'
import type { Step } from '../events.js'
import { isGone, type AcceptedCommitment, type AggregatorState } from './state.js'

export async function onMaskedChunk (state: AggregatorState, from: Identity, bytes: Uint8Array): Promise<void> {
  const { config, context } = state
  const { encoding } = config.params
  if (!state.shareKeys.has(from.id)) throw new ProtocolViolation('invalid-shares', 'sent a masked input without having shared keys')
  if (state.completed.has(from.id) || state.unchecked.has(from.id)) throw new ProtocolViolation('conflicting-request', 'sent a second masked input')
  const chunk = decode(MaskedInputChunk, bytes, 'invalid-shares', 'masked input chunk')
  checkRef(chunk.ref, context, 'invalid-shares')
  const total = vectorWords(config.params)
  const bits = encoding.modulusBits
  let upload = state.uploads.get(from.id)
  const received = upload?.received ?? 0
  const { offset, count, data } = chunk
  if (offset !== received) throw new ProtocolViolation('invalid-shares', `masked input chunk at ${offset}, expected ${received}`)
  if (count <= 0 || offset + count > total || (count % 32 !== 0 && offset + count !== total)) {
    throw new ProtocolViolation('invalid-shares', `masked input chunk of ${count} coordinates at ${offset} does not fit a vector of ${total}`)
  }
  if (data.length !== packedLength(count, bits)) throw new ProtocolViolation('invalid-shares', `masked input chunk has ${data.length} bytes for ${count} coordinates`)
  const last = offset + count === total
  if (!last && chunk.commitment != null) throw new ProtocolViolation('invalid-commitment', 'a masked input chunk before the last carries a commitment')
  if (upload == null) {
    upload = { chunks: [], received: 0, digest: state.uploadCheck!.start() }
    state.uploads.set(from.id, upload)
  }
  upload.chunks.push(keepable(data))
  // a kernel's chunk at a time; KERNEL_WORDS values are whole bytes
  for (let done = 0; done < count; done += KERNEL_WORDS) {
    const n = Math.min(KERNEL_WORDS, count - done)
    const at = done * bits / 8
    state.sum!.add(upload.digest, offset + done, data.subarray(at, at + packedLength(n, bits)), n)
  }
  upload.received += count
  if (!last) return
  // a commitment that fails leaves the upload in progress, for the exclusion to take back out
  state.commitments.set(from.id, await acceptCommitment(state, from, chunk.commitment, upload.digest))
  state.uploads.delete(from.id)
  if (state.checks.has(from.id)) {
    state.completed.add(from.id)
  } else {
    state.unchecked.set(from.id, upload.chunks)
  }
}

/**
 * The chunk's packed bytes as kept until the upload is whole: the view itself, unless it would pin a
 * buffer more than twice its size. A network layer may hand over views of the larger buffers it read
 * into: kept whole, those took the aggregator's peak at n = 100, d = 10^6 from 129 MB above n = 10's
 * to 160 MB (bench aggregator-rss), while copying every chunk costs about 0.3 ms an upload.
 */
function keepable (data: Uint8Array): Uint8Array {
  return data.buffer.byteLength > 2 * data.byteLength ? data.slice() : data
}

/**
 * Checks a whole upload against the commitment its last chunk carries: signed by its sender for this
 * attempt, naming as the masks in it exactly the sender's neighbours in U2 (those the aggregator
 * delivered shares from), the mask key it advertised and the dealer commitments it dealt with, and
 * matching the upload (see UploadCheck).
 */
async function acceptCommitment (state: AggregatorState, from: Identity, envelope: Signed | undefined, digest: UploadDigest): Promise<AcceptedCommitment> {
  const roster = state.roster!
  if (envelope == null) throw new ProtocolViolation('invalid-commitment', 'the last masked input chunk carries no commitment')
  const body = await openSigned(envelope, from, SignatureDomain.inputCommitment, 'invalid-commitment', 'input commitment')
  const commitment = decode(InputCommitment, body, 'invalid-commitment', 'input commitment', { limits: { maskedWith: MAX_SHARES } })
  checkRef(commitment.ref, state.context, 'invalid-commitment')
  if (!constantTimeEqual(commitment.peer, from.bytes)) throw new ProtocolViolation('invalid-commitment', 'the input commitment names another peer')
  const expected = roster.neighboursOf(from.bytes).filter(peer => state.shareKeys.has(roster.identityOf(peer).id)).sort(compareBytes)
  if (commitment.maskedWith.length !== expected.length || commitment.maskedWith.some((peer, i) => !equalBytes(peer, expected[i]))) {
    throw new ProtocolViolation('invalid-commitment', 'the input commitment names masks other than those of its neighbours that shared keys')
  }
  if (!equalBytes(commitment.maskKey, state.advertisements.get(from.id)!.maskKey)) throw new ProtocolViolation('invalid-commitment', 'the input commitment names a mask key other than the one its sender advertised')
  if (!equalBytes(commitment.dealerCommitments, signedDigest(state.shareKeys.get(from.id)!.commitments, state.config.crypto.sha256))) {
    throw new ProtocolViolation('invalid-commitment', 'the input commitment names dealer commitments other than those its sender dealt with')
  }
  let matches: boolean
  try {
    matches = state.uploadCheck!.matches(digest, commitment.commitment)
  } catch (err) {
    if (err instanceof MalformedCommitmentError) throw new ProtocolViolation('invalid-commitment', err.message)
    throw err
  }
  if (!matches) throw new ProtocolViolation('invalid-commitment', 'the masked input is not the vector its sender committed to')
  return { envelope, digest: signedDigest(envelope, state.config.crypto.sha256) }
}

/** Takes a whole masked input whose share-check has now arrived into the sum for good. */
export function confirmUpload (state: AggregatorState, peer: string): void {
  if (!state.unchecked.delete(peer)) return
  state.completed.add(peer)
}

/** Takes an unfinished (or unconfirmed) upload back out of the sum: its sender counts as dropped. */
export function dropUpload (state: AggregatorState, peer: string): void {
  const bits = state.config.params.encoding.modulusBits
  const upload = state.uploads.get(peer)
  const chunks = upload?.chunks ?? state.unchecked.get(peer)
  if (chunks === undefined) return
  const received = upload?.received ?? vectorWords(state.config.params)
  let offset = 0
  for (const [i, packed] of chunks.entries()) {
    // a chunk before the last holds a multiple of 32 values: whole bytes, no padding
    const values = new Uint32Array(i < chunks.length - 1 ? packed.length * 8 / bits : received - offset)
    unpackInto(packed, bits, values, 'fill')
    subtractCounting(state.sum!.accumulator, state.sum!.overflows, offset, values)
    offset += values.length
  }
  state.uploads.delete(peer)
  state.unchecked.delete(peer)
  state.commitments.delete(peer)
}

/** The members of U2 whose masked input (with its share-check) is still due. */
export function awaitedMaskedInputs (state: AggregatorState): string[] {
  return [...state.shareKeys.keys()].filter(id => !state.completed.has(id) && !isGone(state, id))
}

/** Fixes U3, after checking that unmask can rebuild every secret it will need, and sends U3 to every survivor to sign. */
export function closeMaskedInput (state: AggregatorState): Step {
  const roster = state.roster!
  for (const peer of [...state.uploads.keys(), ...state.unchecked.keys()]) dropUpload(state, peer)
  const survivors = roster.identities.filter(i => state.completed.has(i.id))
  if (survivors.length < roster.minSurvivors) throw new ProtocolViolation('too-many-dropouts', `${survivors.length} masked inputs arrived, the round needs ${roster.minSurvivors}`)
  const members = new Set(survivors.map(i => toHex(i.bytes)))
  for (const survivor of survivors) {
    const left = roster.neighboursOf(survivor.bytes).filter(p => members.has(toHex(p))).length
    if (left < roster.threshold) throw new ProtocolViolation('too-few-neighbours', `${survivor.id} has ${left} surviving neighbours, at least ${roster.threshold} must remain`)
  }
  checkRebuildable(state)
  const bytes = SurvivorSet.encode({
    ref: refOf(state.context),
    survivors: survivors.map(i => i.bytes as Uint8Array<ArrayBuffer>),
    commitments: survivors.map(i => state.commitments.get(i.id)!.digest as Uint8Array<ArrayBuffer>)
  })
  state.survivorSet = { bytes, members: new Set(survivors.map(i => i.id)) }
  state.status = 'consistency-check'
  return {
    messages: survivors.map(i => ({ to: i.bytes, type: 'survivor-set' as const, bytes })),
    events: [{ type: 'phase', phase: 'consistency-check' }]
  }
}

/**
 * Throws unless every secret unmask will rebuild (each survivor's self-mask seed, the mask key of each
 * member of U2 that a survivor masked with and that is not one) has at least t good holders: survivors,
 * not excluded (their shares would not be taken), that did not complain about its dealer.
 */
function checkRebuildable (state: AggregatorState): void {
  const roster = state.roster!
  for (const owner of roster.identities) {
    if (!state.shareKeys.has(owner.id)) continue
    const survivor = state.completed.has(owner.id)
    const holders = roster.neighboursOf(owner.bytes).map(peer => roster.identityOf(peer)).filter(h => state.completed.has(h.id))
    if (!survivor && holders.length === 0) continue
    const revealing = holders.filter(h => !state.excluded.has(h.id))
    const good = revealing.filter(h => state.checks.get(h.id)?.has(owner.id) !== true).length
    if (good < roster.threshold) {
      const secret = survivor ? 'self-mask seed' : 'mask key'
      const reason = good < revealing.length ? 'invalid-shares' : 'too-few-neighbours'
      throw new ProtocolViolation(reason, `the ${secret} of ${owner.id} would have ${good} good shares among the survivors, ${roster.threshold} are needed`)
    }
  }
}

/** The members of U2 that complained about `dealer`, by id. */
export function complainersAbout (state: AggregatorState, dealer: string): Set<string> {
  const out = new Set<string>()
  for (const [holder, dealers] of state.checks) if (dealers.has(dealer)) out.add(holder)
  return out
}
