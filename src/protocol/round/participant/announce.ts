/** announce: check the aggregator's announcement, then create and sign this attempt's keys. */
import { constantTimeEqual } from '../../crypto/bytes.js'
import { SignatureDomain } from '../../crypto/identity.js'
import { Announcement, KeyAdvertisement, Signed } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { TIMED_PHASES } from '../phases.js'
import { assertValidUpdate } from '../../encoding/quantize.js'
import { checkRef, decode, openSigned, refOf, signed } from '../wire.js'
import { maskSecretKey, randomMaskScalar } from '../../crypto/mask-key.js'
import { randomSecret } from '../../crypto/shamir.js'
import type { Step } from '../events.js'
import type { ParticipantState } from './state.js'

/** How far a peer's clock may be behind the aggregator's before a deadline counts as passed, by default. */
export const CLOCK_SKEW_MS = 5_000

export async function onAnnouncement (state: ParticipantState, bytes: Uint8Array): Promise<Step> {
  const { config, context } = state
  const envelope = decode(Signed, bytes, 'invalid-announcement', 'announcement')
  const body = await openSigned(envelope, config.aggregator, SignatureDomain.announcement, 'invalid-announcement', 'announcement')
  const announcement = decode(Announcement, body, 'invalid-announcement', 'announcement')
  checkRef(announcement.ref, context, 'invalid-announcement')
  if (!constantTimeEqual(announcement.aggregator, config.aggregator.bytes)) {
    throw new ProtocolViolation('invalid-announcement', 'announcement names another aggregator')
  }
  if (!constantTimeEqual(announcement.beacon, config.beacon)) {
    throw new ProtocolViolation('invalid-announcement', 'announcement carries a beacon other than the one this round must use')
  }
  const deadlines = announcement.deadlines.map(Number)
  const now = config.now()
  if (deadlines.length !== TIMED_PHASES.length || deadlines.some((d, i) => !Number.isSafeInteger(d) || (i > 0 && d <= deadlines[i - 1]))) {
    throw new ProtocolViolation('invalid-announcement', 'announcement deadlines are not one increasing time per phase')
  }
  const skew = config.clockSkew ?? CLOCK_SKEW_MS
  if (deadlines[0] + skew < now) throw new ProtocolViolation('invalid-announcement', 'announcement deadlines have already passed')
  // An aggregator must not keep peers waiting, holding their keys and shares, for longer than the
  // session allows each phase.
  let allowed = now + skew
  TIMED_PHASES.forEach((phase, i) => {
    allowed += config.params.phaseTimeouts[phase]
    if (deadlines[i] > allowed) throw new ProtocolViolation('invalid-announcement', `the ${phase} deadline is later than the session allows`)
  })
  state.deadlines = deadlines
  try {
    assertValidUpdate(config.update, config.params.dimension, config.weight, config.params.encoding)
  } catch (err: any) {
    throw new ProtocolViolation('invalid-input', err.message)
  }

  // Fresh keys for this attempt only: no two masked vectors are ever sent under the same masks. The
  // mask key is 2^254 + 8m and the self-mask seed a scalar, so that both can be shared verifiably.
  const { crypto, random } = config
  const encryptionSecret = random(32)
  const maskScalar = randomMaskScalar(random)
  const maskSecret = maskSecretKey(maskScalar)
  state.keys = {
    encryptionSecret,
    encryptionPublic: await crypto.x25519.publicKey(encryptionSecret),
    maskScalar,
    maskSecret,
    maskPublic: await crypto.x25519.publicKey(maskSecret),
    selfMaskSeed: randomSecret(random)
  }
  const advertisement = await signed(KeyAdvertisement, {
    ref: refOf(context),
    peer: config.identity.bytes as Uint8Array<ArrayBuffer>,
    encryptionKey: state.keys.encryptionPublic as Uint8Array<ArrayBuffer>,
    maskKey: state.keys.maskPublic as Uint8Array<ArrayBuffer>
  }, config.privateKey, SignatureDomain.keyAdvertisement)
  state.ownAdvertisement = advertisement.bytes
  state.status = 'advertise-keys'
  return {
    messages: [{ to: config.aggregator.bytes, type: 'key-advertisement', bytes: advertisement.bytes }],
    events: [{ type: 'phase', phase: 'advertise-keys' }]
  }
}
