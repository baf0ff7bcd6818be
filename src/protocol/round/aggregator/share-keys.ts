/**
 * share-keys: collect each participant's signed commitments and encrypted shares (one pair per
 * neighbour), check everything about them that needs no share, then fix U2 and deliver to every member
 * of U2 what each of its neighbours in U2 dealt it, with the Merkle path to the signed root.
 */
import { constantTimeEqual, toHex } from '../../crypto/bytes.js'
import { AEAD_NONCE_LENGTH } from '../../crypto/aead.js'
import { SignatureDomain, type Identity } from '../../crypto/identity.js'
import { leafHash, merkleTree } from '../../crypto/merkle.js'
import { MAX_SHARES } from '../../crypto/shamir.js'
import { InvalidCommitmentError } from '../../crypto/errors.js'
import { DealerCommitments, DealingProof, EncryptedShare, ShareKeys, type DealtShares } from '../../pb/messages.js'
import { ShareDeliveryEncoder } from './share-delivery.js'
import { assessDealing } from '../dealing-proof.js'
import { excludePeer } from './exclusion.js'
import { checkCommitments, HASH_COMMITMENT_LENGTH, holdersOf, sealedShare, SHARE_CIPHERTEXT_LENGTH } from '../dealing.js'
import { ProtocolViolation } from '../errors.js'
import { vectorWords } from '../params.js'
import { checkRef, decode, openSigned, refOf } from '../wire.js'
import { UploadCheck } from '../../verification/upload-check.js'
import { commitmentContext } from '../../verification/commitment.js'
import type { Outbound, Step } from '../events.js'
import { isGone, type AggregatorState } from './state.js'

export async function onShareKeys (state: AggregatorState, from: Identity, bytes: Uint8Array): Promise<Step | undefined> {
  const { context } = state
  const roster = state.roster!
  if (!roster.has(from.bytes)) throw new ProtocolViolation('invalid-shares', 'not in the roster')
  if (state.shareKeys.has(from.id)) throw new ProtocolViolation('conflicting-request', 'sent shares twice')
  const message = decode(ShareKeys, bytes, 'invalid-shares', 'share keys', { limits: { shares: MAX_SHARES } })
  checkRef(message.ref, context, 'invalid-shares')
  if (message.commitments == null) throw new ProtocolViolation('invalid-shares', 'sent shares without commitments')
  const body = await openSigned(message.commitments, from, SignatureDomain.shareCommitments, 'invalid-shares', 'share commitments')
  const commitments = decode(DealerCommitments, body, 'invalid-shares', 'share commitments', { limits: { selfMask: MAX_SHARES, maskKey: MAX_SHARES } })
  checkRef(commitments.ref, context, 'invalid-shares')
  if (!constantTimeEqual(commitments.dealer, from.bytes)) throw new ProtocolViolation('invalid-shares', 'share commitments name another dealer')
  // Caught here, a dealer whose commitments are malformed or do not bind its advertised mask key is left
  // out of U2 before anyone holds its shares or masks with it; what it signed proves it, when it does.
  try {
    checkCommitments(commitments, roster.threshold, state.advertisements.get(from.id)!.maskKey)
  } catch (err) {
    if (!(err instanceof InvalidCommitmentError)) throw err
    const proof = { commitments: message.commitments, dealerKeys: state.advertisements.get(from.id)!.envelope, share: new Uint8Array(0), index: 0, path: [], sharedSecretProof: new Uint8Array(0) }
    const fault = await assessDealing(proof, context).catch(() => undefined)
    if (fault === undefined) throw new ProtocolViolation('invalid-shares', `share commitments: ${err.message}`)
    return {
      messages: [],
      events: [
        excludePeer(state, from.id, 'share-keys', 'invalid-shares', `share commitments: ${err.message}`),
        { type: 'misbehaviour', peer: from.id, phase: 'share-keys', fault: fault.fault, proof: DealingProof.encode(proof) }
      ]
    }
  }
  const holders = holdersOf(roster, from.bytes)
  if (message.shares.length !== holders.length) throw new ProtocolViolation('invalid-shares', `sent ${message.shares.length} shares for ${holders.length} neighbours`)
  const entries = message.shares.map((share, i) => {
    const entry = sealedShare(decode(EncryptedShare, share, 'invalid-shares', 'encrypted share'))
    checkRef(entry.ref, context, 'invalid-shares')
    if (!constantTimeEqual(entry.dealer, from.bytes) || !constantTimeEqual(entry.holder, holders[i]) || entry.x !== roster.xOf(holders[i])) {
      throw new ProtocolViolation('invalid-shares', 'shares are not one per neighbour, in the order of their x-coordinates')
    }
    if (entry.nonce.length !== AEAD_NONCE_LENGTH || entry.ciphertext.length !== SHARE_CIPHERTEXT_LENGTH ||
      entry.selfMaskCommitment.length !== HASH_COMMITMENT_LENGTH || entry.maskKeyCommitment.length !== HASH_COMMITMENT_LENGTH) {
      throw new ProtocolViolation('invalid-shares', 'a share has the wrong size')
    }
    return entry
  })
  const hash = state.config.crypto.sha256
  const { root, paths } = merkleTree(message.shares.map(share => leafHash(share, hash)), hash)
  if (commitments.shareCount !== message.shares.length || !constantTimeEqual(root, commitments.sharesRoot)) {
    throw new ProtocolViolation('invalid-shares', 'the signed root is not the root of the shares sent')
  }
  state.shareKeys.set(from.id, {
    commitments: message.commitments,
    selfMaskCommitments: commitments.selfMask,
    maskKeyCommitments: commitments.maskKey,
    shares: message.shares,
    entries,
    paths,
    indexOf: new Map(holders.map((holder, i) => [roster.identityOf(holder).id, i]))
  })
  return undefined
}

/** The members of the roster whose keys are still due. */
export function awaitedShareKeys (state: AggregatorState): string[] {
  return state.roster!.identities.filter(i => !state.shareKeys.has(i.id) && !isGone(state, i.id)).map(i => i.id)
}

export async function closeShareKeys (state: AggregatorState): Promise<Step> {
  const { config, context } = state
  const roster = state.roster!
  const u2 = roster.identities.filter(i => state.shareKeys.has(i.id))
  if (u2.length < roster.minSurvivors) throw new ProtocolViolation('too-many-dropouts', `${u2.length} peers shared keys, the round needs ${roster.minSurvivors}`)
  const inbox = new Map<string, DealtShares[]>(u2.map(i => [toHex(i.bytes), []]))
  for (const dealer of u2) {
    const dealing = state.shareKeys.get(dealer.id)!
    dealing.entries.forEach((entry, i) => {
      inbox.get(toHex(entry.holder))?.push({
        commitments: dealing.commitments,
        share: dealing.shares[i] as Uint8Array<ArrayBuffer>,
        path: dealing.paths[i] as Array<Uint8Array<ArrayBuffer>>
      })
    })
  }
  const encoder = new ShareDeliveryEncoder(refOf(context))
  const messages: Outbound[] = []
  for (const recipient of u2) {
    const dealers = inbox.get(toHex(recipient.bytes))!
    if (dealers.length < roster.threshold) {
      throw new ProtocolViolation('too-few-neighbours', `${recipient.id} has ${dealers.length} neighbours left, at least ${roster.threshold} must remain`)
    }
    messages.push({ to: recipient.bytes, type: 'share-delivery', bytes: encoder.encode(dealers) })
  }
  const total = vectorWords(config.params)
  state.uploadCheck = await (config.uploadCheck ?? UploadCheck.create)(config.crypto.prg, commitmentContext(config.params, context), total, config.random(32))
  state.sum = state.uploadCheck.sum(total, config.params.encoding.modulusBits)
  state.status = 'masked-input'
  return { messages, events: [{ type: 'phase', phase: 'masked-input' }] }
}
