/**
 * advertise-keys: check the roster and the neighbours' signed keys the aggregator relays, recompute
 * this peer's neighbours from the beacon-seeded graph, then share the self-mask seed and the mask
 * key among them, verifiably (share-keys).
 */
import { compareBytes, concat, constantTimeEqual, toHex } from '../../crypto/bytes.js'
import { shareAssociatedData, seal, AEAD_NONCE_LENGTH } from '../../crypto/aead.js'
import { SignatureDomain, type Identity } from '../../crypto/identity.js'
import { MAX_SHARES, scalarToBytes } from '../../crypto/shamir.js'
import { deal } from '../../crypto/feldman.js'
import { isProvableKey } from '../../crypto/shared-secret-proof.js'
import { leafHash, merkleRoot } from '../../crypto/merkle.js'
import { InvalidPublicKeyError } from '../../crypto/errors.js'
import { checkParticipants } from '../../encoding/params.js'
import { DealerCommitments, EncryptedShare, KeyAdvertisement, NeighbourKeys, Roster, ShareKeys, ShareKind, Signed } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { pairwiseMaskKey, shareCommitments, shareEncryptionKey } from '../masks.js'
import { holdersOf } from '../dealing.js'
import { advertisementDigest, RosterView } from '../roster.js'
import { checkRef, checkSortedUnique, decode, openSigned, peerField, refOf, signedEnvelope, signedDigest } from '../wire.js'
import { emptyStep, type Step } from '../events.js'
import type { Neighbour, ParticipantState } from './state.js'

export function onRoster (state: ParticipantState, bytes: Uint8Array): Promise<Step> {
  const roster = decode(Roster, bytes, 'invalid-roster', 'roster', { limits: { peers: MAX_SHARES } })
  checkRef(roster.ref, state.context, 'invalid-roster')
  if (state.pendingRoster != null) throw new ProtocolViolation('conflicting-request', 'a second roster for the same attempt')
  state.pendingRoster = roster
  return shareKeysWhenReady(state)
}

export function onNeighbourKeys (state: ParticipantState, bytes: Uint8Array): Promise<Step> {
  const keys = decode(NeighbourKeys, bytes, 'invalid-roster', 'neighbour keys', { limits: { advertisements: MAX_SHARES } })
  checkRef(keys.ref, state.context, 'invalid-roster')
  if (state.pendingNeighbourKeys != null) throw new ProtocolViolation('conflicting-request', 'second neighbour keys for the same attempt')
  state.pendingNeighbourKeys = keys
  return shareKeysWhenReady(state)
}

async function shareKeysWhenReady (state: ParticipantState): Promise<Step> {
  const { pendingRoster, pendingNeighbourKeys } = state
  if (pendingRoster == null || pendingNeighbourKeys == null) return emptyStep()
  state.roster = checkRoster(state, pendingRoster)
  await checkNeighbourKeys(state, pendingNeighbourKeys)
  return shareKeys(state)
}

function checkRoster (state: ParticipantState, roster: Roster): RosterView {
  const { config, context } = state
  const { params } = config
  checkSortedUnique(roster.peers, 'invalid-roster', 'roster', compareBytes)
  const n = roster.peers.length
  if (n < params.minParticipants) throw new ProtocolViolation('too-few-participants', `roster has ${n} peers, the session needs ${params.minParticipants}`)
  try {
    checkParticipants(params.encoding, n)
  } catch (err: any) {
    throw new ProtocolViolation('too-many-participants', err.message)
  }
  const identities = roster.peers.map(peer => {
    const identity = peerField(peer, 'invalid-roster', 'roster entry')
    if (!config.isMember(identity)) throw new ProtocolViolation('invalid-roster', `roster includes ${identity.id}, who is not a session member`)
    return identity
  })
  if (!identities.some(i => i.id === config.identity.id)) throw new ProtocolViolation('excluded', 'the roster leaves this peer out')
  // The graph seed hashes every peer's advertisement digest: this peer vouches for its own entry here,
  // and for its neighbours' once it has their advertisements.
  if (roster.digests.length !== n || roster.digests.some(d => d.length !== 32)) throw new ProtocolViolation('invalid-roster', 'the roster does not list one advertisement digest per peer')
  const own = identities.findIndex(i => i.id === config.identity.id)
  if (!constantTimeEqual(roster.digests[own], advertisementDigest(state.ownAdvertisement!))) throw new ProtocolViolation('invalid-roster', 'the roster lists a digest other than this peer\'s advertisement')
  // Members of a failed attempt this peer revealed for must all be here, or this attempt cannot sum them.
  const required = config.requiredSurvivors
  if (required !== undefined && [...required].some(id => !identities.some(i => i.id === id))) {
    throw new ProtocolViolation('survivors-changed', 'the roster leaves out a survivor of the earlier attempt this peer revealed its shares in')
  }
  return new RosterView(identities, context, config.beacon, params, roster.digests)
}

/** Every neighbour's keys, signed by that neighbour for this attempt, exactly the graph's neighbours, no key twice. */
async function checkNeighbourKeys (state: ParticipantState, message: NeighbourKeys): Promise<void> {
  const { config, context, roster, keys } = state
  const expected = new Map(roster!.neighboursOf(config.identity.bytes).map(p => [toHex(p), p]))
  if (message.advertisements.length !== expected.size) {
    throw new ProtocolViolation('invalid-roster', `got keys of ${message.advertisements.length} peers, the graph gives this peer ${expected.size} neighbours`)
  }
  const seenKeys = new Set([toHex(keys!.encryptionPublic), toHex(keys!.maskPublic)])
  const verified: Array<{ identity: Identity, advertisement: KeyAdvertisement }> = []
  for (const envelope of message.advertisements) {
    const unverified = decode(KeyAdvertisement, envelope.body, 'invalid-roster', 'key advertisement')
    const identity = peerField(unverified.peer, 'invalid-roster', 'key advertisement peer')
    if (!expected.delete(toHex(identity.bytes))) throw new ProtocolViolation('invalid-roster', `keys of ${identity.id}, who is not a neighbour in this round's graph (or repeats)`)
    await openSigned(envelope, identity, SignatureDomain.keyAdvertisement, 'invalid-roster', `key advertisement of ${identity.id}`)
    if (!constantTimeEqual(roster!.digests[roster!.xOf(identity.bytes) - 1], advertisementDigest(Signed.encode(envelope)))) {
      throw new ProtocolViolation('invalid-roster', `the roster lists a digest other than ${identity.id}'s advertisement`)
    }
    checkRef(unverified.ref, context, 'invalid-roster')
    for (const key of [unverified.encryptionKey, unverified.maskKey]) {
      if (key.length !== 32) throw new ProtocolViolation('invalid-roster', `a key of ${identity.id} is not 32 bytes`)
      if (seenKeys.has(toHex(key))) throw new ProtocolViolation('invalid-roster', `a key of ${identity.id} repeats another key of the round`)
      seenKeys.add(toHex(key))
    }
    // A complaint proves the pair's shared secret on the curve; with a key off it, this peer could not
    // prove that a dealer cheated it.
    if (!isProvableKey(unverified.encryptionKey)) throw new ProtocolViolation('invalid-roster', `the encryption key of ${identity.id} is not a canonical point of the curve`)
    verified.push({ identity, advertisement: unverified })
  }
  for (const { identity, advertisement } of verified) {
    state.neighbours.set(identity.id, await deriveNeighbour(state, identity, advertisement))
  }
}

async function deriveNeighbour (state: ParticipantState, identity: Identity, advertisement: KeyAdvertisement): Promise<Neighbour> {
  const { config, context } = state
  const keys = state.keys!
  const self = config.identity.bytes
  try {
    return {
      identity,
      encryptionKey: advertisement.encryptionKey,
      maskKey: advertisement.maskKey,
      shareKey: await shareEncryptionKey(config.crypto, context, keys.encryptionSecret, advertisement.encryptionKey, self, identity.bytes),
      maskSeed: await pairwiseMaskKey(config.crypto, context, keys.maskSecret, advertisement.maskKey, self, identity.bytes),
      inU2: false
    }
  } catch (err) {
    if (err instanceof InvalidPublicKeyError) throw new ProtocolViolation('invalid-roster', `${identity.id} advertised an invalid key`)
    throw err
  }
}

/**
 * share-keys: share b_u and the mask-key scalar m among the neighbours with Feldman commitments, each
 * holder's pair of shares encrypted for it, and sign the commitments with the Merkle root of the
 * encrypted shares: one signature that makes every holder's share the dealer's own statement.
 */
async function shareKeys (state: ParticipantState): Promise<Step> {
  const { config, context } = state
  const roster = state.roster!
  const keys = state.keys!
  const self = config.identity.bytes
  const ref = refOf(context)
  const holders = holdersOf(roster, self).map(peer => state.neighbours.get(roster.identityOf(peer).id)!)
  const xs = holders.map(n => roster.xOf(n.identity.bytes))
  const selfMask = deal(keys.selfMaskSeed, xs, roster.threshold, config.random)
  const maskKey = deal(scalarToBytes(keys.maskScalar), xs, roster.threshold, config.random)
  const commitmentOf = shareCommitments(context, config.crypto.sha256)
  const shares = holders.map((neighbour, i) => {
    const holder = neighbour.identity.bytes
    const nonce = config.random(AEAD_NONCE_LENGTH)
    const plaintext = concat([selfMask.shares[i], maskKey.shares[i]])
    return EncryptedShare.encode({
      ref,
      dealer: self as Uint8Array<ArrayBuffer>,
      holder: holder as Uint8Array<ArrayBuffer>,
      x: xs[i],
      nonce: nonce as Uint8Array<ArrayBuffer>,
      ciphertext: seal(neighbour.shareKey, nonce, plaintext, shareAssociatedData(context, self, holder)) as Uint8Array<ArrayBuffer>,
      selfMaskCommitment: commitmentOf(self, holder, ShareKind.SELF_MASK, selfMask.shares[i]) as Uint8Array<ArrayBuffer>,
      maskKeyCommitment: commitmentOf(self, holder, ShareKind.MASK_KEY, maskKey.shares[i]) as Uint8Array<ArrayBuffer>
    })
  })
  const commitments = await signedEnvelope(DealerCommitments, {
    ref,
    dealer: self as Uint8Array<ArrayBuffer>,
    selfMask: selfMask.commitments as Array<Uint8Array<ArrayBuffer>>,
    maskKey: maskKey.commitments as Array<Uint8Array<ArrayBuffer>>,
    sharesRoot: merkleRoot(shares.map(share => leafHash(share, config.crypto.sha256)), config.crypto.sha256) as Uint8Array<ArrayBuffer>,
    shareCount: shares.length
  }, config.privateKey, SignatureDomain.shareCommitments)
  state.dealerCommitmentsDigest = signedDigest(commitments, config.crypto.sha256)
  state.status = 'share-keys'
  return {
    messages: [{ to: config.aggregator.bytes, type: 'share-keys', bytes: ShareKeys.encode({ ref, commitments, shares: shares as Array<Uint8Array<ArrayBuffer>> }) }],
    events: [{ type: 'phase', phase: 'share-keys' }]
  }
}
