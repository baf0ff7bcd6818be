/**
 * share-keys: collect each participant's encrypted shares (one pair per neighbour) with the owner's
 * commitments to them, then fix U2 and deliver to every member of U2 the shares addressed to it.
 */
import { toHex } from '../../crypto/bytes.js'
import { AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH } from '../../crypto/aead.js'
import { SHARE_LENGTH, MAX_SHARES } from '../../crypto/shamir.js'
import { ShareDelivery, ShareKeys, type EncryptedShare } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { checkRef, decode, refOf } from '../wire.js'
import type { Identity } from '../../crypto/identity.js'
import type { Outbound, Step } from '../events.js'
import type { AggregatorState } from './state.js'

const CIPHERTEXT_LENGTH = 2 * SHARE_LENGTH + AEAD_TAG_LENGTH
const COMMITMENT_LENGTH = 32

export function onShareKeys (state: AggregatorState, from: Identity, bytes: Uint8Array): void {
  const roster = state.roster!
  if (!roster.has(from.bytes)) throw new ProtocolViolation('invalid-shares', 'not in the roster')
  if (state.shareKeys.has(from.id)) throw new ProtocolViolation('conflicting-request', 'sent shares twice')
  const message = decode(ShareKeys, bytes, 'invalid-shares', 'share keys', { limits: { shares: MAX_SHARES } })
  checkRef(message.ref, state.context, 'invalid-shares')
  const expected = new Set(roster.neighboursOf(from.bytes).map(toHex))
  if (message.shares.length !== expected.size) throw new ProtocolViolation('invalid-shares', `sent ${message.shares.length} shares for ${expected.size} neighbours`)
  for (const share of message.shares) {
    if (!expected.delete(toHex(share.peer))) throw new ProtocolViolation('invalid-shares', 'sent shares to a peer that is not its neighbour (or twice)')
    if (share.nonce.length !== AEAD_NONCE_LENGTH || share.ciphertext.length !== CIPHERTEXT_LENGTH ||
      share.selfMaskCommitment.length !== COMMITMENT_LENGTH || share.maskKeyCommitment.length !== COMMITMENT_LENGTH) {
      throw new ProtocolViolation('invalid-shares', 'a share has the wrong size')
    }
  }
  state.shareKeys.set(from.id, message)
}

export function shareKeysComplete (state: AggregatorState): boolean {
  return state.roster!.identities.every(i => state.shareKeys.has(i.id) || state.excluded.has(i.id))
}

export function closeShareKeys (state: AggregatorState): Step {
  const { config, context } = state
  const roster = state.roster!
  const u2 = roster.identities.filter(i => state.shareKeys.has(i.id))
  if (u2.length < roster.minSurvivors) throw new ProtocolViolation('too-many-dropouts', `${u2.length} peers shared keys, the round needs ${roster.minSurvivors}`)
  const inbox = new Map<string, EncryptedShare[]>(u2.map(i => [toHex(i.bytes), []]))
  for (const sender of u2) {
    for (const share of state.shareKeys.get(sender.id)!.shares) {
      // The holder gets the commitments too, to refuse a share its dealer did not commit to: otherwise a
      // dealer could hand out bad shares and have the honest holders blamed when they reveal them.
      inbox.get(toHex(share.peer))?.push({ ...share, peer: sender.bytes as Uint8Array<ArrayBuffer> })
    }
  }
  const ref = refOf(context)
  const messages: Outbound[] = []
  for (const recipient of u2) {
    const shares = inbox.get(toHex(recipient.bytes))!
    if (shares.length < roster.threshold) {
      throw new ProtocolViolation('too-few-neighbours', `${recipient.id} has ${shares.length} neighbours left, at least ${roster.threshold} must remain`)
    }
    messages.push({ to: recipient.bytes, type: 'share-delivery', bytes: ShareDelivery.encode({ ref, shares }) })
  }
  state.accumulator = new Uint32Array(config.params.dimension + 1)
  state.status = 'masked-input'
  return { messages, events: [{ type: 'phase', phase: 'masked-input' }] }
}
