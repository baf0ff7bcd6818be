/** share-keys: take the shares the aggregator delivers from neighbours in U2, and learn U2 from them. */
import { open, shareAssociatedData } from '../../crypto/aead.js'
import { SHARE_LENGTH, MAX_SHARES } from '../../crypto/shamir.js'
import { ShareDelivery } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { checkRef, decode, peerField } from '../wire.js'
import type { RoundEvent, Step } from '../events.js'
import type { ParticipantState } from './state.js'

export function onShareDelivery (state: ParticipantState, bytes: Uint8Array): Step {
  const { config, context } = state
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
      const plaintext = open(neighbour.shareKey, entry.nonce, entry.ciphertext, shareAssociatedData(context, sender.bytes, config.identity.bytes))
      if (plaintext.length !== 2 * SHARE_LENGTH) throw new Error('wrong plaintext length')
      neighbour.held = { selfMask: plaintext.subarray(0, SHARE_LENGTH), maskKey: plaintext.subarray(SHARE_LENGTH) }
    } catch {
      events.push({ type: 'share-rejected', peer: sender.id, message: `shares from ${sender.id} did not decrypt` })
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
