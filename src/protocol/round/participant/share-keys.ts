/** share-keys: take the shares the aggregator delivers from neighbours in U2, and learn U2 from them. */
import { open, shareAssociatedData } from '../../crypto/aead.js'
import { SHARE_LENGTH, MAX_SHARES, shareValue } from '../../crypto/shamir.js'
import { constantTimeEqual } from '../../crypto/bytes.js'
import { ShareDelivery, ShareKind, type EncryptedShare } from '../../pb/messages.js'
import { shareCommitment } from '../masks.js'
import { ProtocolViolation } from '../errors.js'
import { checkRef, decode, peerField } from '../wire.js'
import type { RoundEvent, Step } from '../events.js'
import type { ParticipantState } from './state.js'

export function onShareDelivery (state: ParticipantState, bytes: Uint8Array): Step {
  const { context } = state
  const delivery = decode(ShareDelivery, bytes, 'invalid-shares', 'share delivery', { limits: { shares: MAX_SHARES } })
  checkRef(delivery.ref, context, 'invalid-shares')
  const events: RoundEvent[] = []
  const seen = new Set<string>()
  for (const entry of delivery.shares) {
    const sender = peerField(entry.peer, 'invalid-shares', 'share sender')
    const neighbour = state.neighbours.get(sender.id)
    if (neighbour == null || seen.has(sender.id)) throw new ProtocolViolation('invalid-shares', `shares from ${sender.id}, who is not a neighbour (or repeats)`)
    seen.add(sender.id)
    // The neighbour shared keys, so it is in U2 and its pairwise mask applies, whether or not its
    // ciphertext opens: a bad ciphertext costs only the redundancy of that neighbour's own secrets.
    neighbour.inU2 = true
    try {
      neighbour.held = openShares(state, sender.bytes, neighbour.shareKey, entry)
    } catch (err: any) {
      events.push({ type: 'share-rejected', peer: sender.id, message: `shares from ${sender.id}: ${err.message}` })
    }
  }
  const threshold = state.roster!.threshold
  if (seen.size < threshold) {
    throw new ProtocolViolation('too-few-neighbours', `${seen.size} neighbours shared keys, at least ${threshold} must`)
  }
  state.status = 'masked-input'
  events.push({ type: 'phase', phase: 'masked-input' })
  return { messages: [], events }
}

/** Decrypts a neighbour's pair of shares and checks each is a field element its dealer committed to. */
function openShares (state: ParticipantState, sender: Uint8Array, key: Uint8Array, entry: EncryptedShare): { selfMask: Uint8Array, maskKey: Uint8Array } {
  const { context, config } = state
  const self = config.identity.bytes
  const plaintext = open(key, entry.nonce, entry.ciphertext, shareAssociatedData(context, sender, self))
  if (plaintext.length !== 2 * SHARE_LENGTH) throw new Error('wrong plaintext length')
  const selfMask = plaintext.subarray(0, SHARE_LENGTH)
  const maskKey = plaintext.subarray(SHARE_LENGTH)
  shareValue(selfMask)
  shareValue(maskKey)
  if (!constantTimeEqual(entry.selfMaskCommitment, shareCommitment(context, sender, self, ShareKind.SELF_MASK, selfMask)) ||
    !constantTimeEqual(entry.maskKeyCommitment, shareCommitment(context, sender, self, ShareKind.MASK_KEY, maskKey))) {
    throw new Error('shares do not match their dealer\'s commitments')
  }
  return { selfMask, maskKey }
}
