/**
 * advertise-keys: collect each peer's signed keys, then fix the roster U1 and send every participant
 * the roster and its neighbours' signed keys.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex, utf8 } from '../../crypto/bytes.js'
import { isProvableKey } from '../../crypto/shared-secret-proof.js'
import { SignatureDomain, type Identity } from '../../crypto/identity.js'
import { KeyAdvertisement, NeighbourKeys, Roster, Signed } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { advertisementDigest, RosterView, sortIdentities } from '../roster.js'
import { checkRef, decode, openSigned, refOf } from '../wire.js'
import type { Outbound, RoundEvent, Step } from '../events.js'
import type { AggregatorState } from './state.js'

// Any fixed scalar does: X25519 clears the cofactor, so a small-order point gives zeros for every scalar.
const PROBE_SECRET = sha256(utf8('libp2p-secagg/1/small-order-probe'))

export async function onAdvertisement (state: AggregatorState, from: Identity, bytes: Uint8Array): Promise<void> {
  const { config, context } = state
  if (state.advertisements.has(from.id)) throw new ProtocolViolation('conflicting-request', 'advertised keys twice')
  if (!config.isMember(from)) throw new ProtocolViolation('invalid-roster', 'not a member of the session')
  const envelope = decode(Signed, bytes, 'invalid-roster', 'key advertisement')
  const body = await openSigned(envelope, from, SignatureDomain.keyAdvertisement, 'invalid-roster', 'key advertisement')
  const advertisement = decode(KeyAdvertisement, body, 'invalid-roster', 'key advertisement')
  checkRef(advertisement.ref, context, 'invalid-roster')
  if (toHex(advertisement.peer) !== toHex(from.bytes)) throw new ProtocolViolation('invalid-roster', 'key advertisement names another peer')
  const { encryptionKey, maskKey } = advertisement
  if (encryptionKey.length !== 32 || maskKey.length !== 32) throw new ProtocolViolation('invalid-roster', 'advertised keys must be 32 bytes')
  if (toHex(encryptionKey) === toHex(maskKey)) throw new ProtocolViolation('invalid-roster', 'advertised the same key twice')
  // Its holders must be able to prove the secret they share with it, should its shares be bad.
  if (!isProvableKey(encryptionKey)) throw new ProtocolViolation('invalid-roster', 'advertised an encryption key that is not a canonical point of the curve')
  // A small-order key would make every neighbour's key agreement fail and abort the attempt for all of
  // them; caught here, only its owner is left out.
  for (const key of [encryptionKey, maskKey]) {
    try {
      await config.crypto.x25519.sharedSecret(PROBE_SECRET, key)
    } catch {
      throw new ProtocolViolation('invalid-roster', 'advertised a key of small order')
    }
  }
  state.advertisements.set(from.id, { identity: from, envelope, encryptionKey, maskKey })
}

/** Keys are taken until every peer that may come has advertised or is gone (it is not known which peers those are). */
export function advertiseKeysComplete (state: AggregatorState): boolean {
  const expected = state.config.expectedParticipants
  if (expected === undefined) return false
  let lost = 0
  for (const id of state.lost) if (!state.advertisements.has(id)) lost++
  return state.advertisements.size + lost >= expected
}

/** Fixes U1 and returns the roster and neighbour keys to send, or throws a violation that aborts the attempt. */
export function closeAdvertiseKeys (state: AggregatorState): Step {
  const { config, context } = state
  const { params } = config
  const events: RoundEvent[] = []
  const exclude = (id: string, reason: 'invalid-roster' | 'too-many-participants', message: string): void => {
    state.advertisements.delete(id)
    state.excluded.add(id)
    events.push({ type: 'excluded', peer: id, phase: 'advertise-keys', reason, message })
  }
  // A key that two peers advertise is dropped for both: one of them copied it, and either could be the copier.
  const owners = new Map<string, string[]>()
  for (const [id, ad] of state.advertisements) {
    for (const key of [ad.encryptionKey, ad.maskKey]) {
      const hex = toHex(key)
      owners.set(hex, [...(owners.get(hex) ?? []), id])
    }
  }
  for (const ids of owners.values()) {
    if (ids.length > 1) for (const id of ids) if (state.advertisements.has(id)) exclude(id, 'invalid-roster', 'advertised a key another peer also advertised')
  }
  // First come, first served up to the most participants the encoding can sum.
  for (const id of [...state.advertisements.keys()].slice(params.encoding.maxParticipants)) {
    exclude(id, 'too-many-participants', 'the roster was full')
  }
  const count = state.advertisements.size
  if (count < params.minParticipants) throw new ProtocolViolation('too-few-participants', `${count} peers advertised keys, the session needs ${params.minParticipants}`)

  const identities = sortIdentities([...state.advertisements.values()].map(ad => ad.identity))
  const digests = identities.map(i => advertisementDigest(Signed.encode(state.advertisements.get(i.id)!.envelope)))
  const roster = new RosterView(identities, context, config.beacon, params, digests)
  state.roster = roster
  const ref = refOf(context)
  const rosterBytes = Roster.encode({ ref, peers: roster.peers as Array<Uint8Array<ArrayBuffer>>, digests: digests as Array<Uint8Array<ArrayBuffer>> })
  const messages: Outbound[] = []
  for (const identity of identities) {
    const advertisements = roster.neighboursOf(identity.bytes).map(peer => state.advertisements.get(roster.identityOf(peer).id)!.envelope)
    messages.push(
      { to: identity.bytes, type: 'roster', bytes: rosterBytes },
      { to: identity.bytes, type: 'neighbour-keys', bytes: NeighbourKeys.encode({ ref, advertisements }) }
    )
  }
  state.status = 'share-keys'
  events.push({ type: 'phase', phase: 'share-keys' })
  return { messages, events }
}
