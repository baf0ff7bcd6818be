/**
 * unmask: collect the survivors' revealed shares, checking each against its owner's commitment;
 * rebuild every survivor's self-mask seed and every dropped peer's mask key; strip those masks from
 * the accumulator; and publish the signed sum.
 */
import { constantTimeEqual, toHex } from '../../crypto/bytes.js'
import { SignatureDomain, type Identity } from '../../crypto/identity.js'
import { combine, lagrangeAtZero, MAX_SHARES, SHARE_LENGTH, shareValue } from '../../crypto/shamir.js'
import { InvalidShareError } from '../../crypto/errors.js'
import { pack } from '../../encoding/bit-pack.js'
import { decodeAggregate } from '../../encoding/dequantize.js'
import { RoundResult, ShareKind, UnmaskShares, type PeerSignature } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { inverse, pairwiseMaskKey, pairwiseMode, selfMaskCommitment, selfMaskKey, shareCommitment } from '../masks.js'
import { checkRef, decode, refOf, signed } from '../wire.js'
import type { Step } from '../events.js'
import type { AggregatorState } from './state.js'

export function onUnmaskShares (state: AggregatorState, from: Identity, bytes: Uint8Array): void {
  const { context } = state
  const roster = state.roster!
  const survivors = state.survivorSet!.members
  if (!state.signatures.has(from.id)) throw new ProtocolViolation('invalid-consistency-proof', 'sent shares without having signed the survivor set')
  if (state.responders.has(from.id)) throw new ProtocolViolation('conflicting-request', 'sent unmask shares twice')
  const message = decode(UnmaskShares, bytes, 'reconstruction-failed', 'unmask shares', { limits: { shares: MAX_SHARES } })
  checkRef(message.ref, context, 'reconstruction-failed')
  const neighbours = new Set(roster.neighboursOf(from.bytes).map(toHex))
  const holderX = roster.xOf(from.bytes)
  const accepted: Array<{ owner: string, share: Uint8Array }> = []
  for (const { owner, kind, share } of message.shares) {
    if (!neighbours.delete(toHex(owner))) throw new ProtocolViolation('reconstruction-failed', 'revealed a share of a peer that is not its neighbour (or twice)')
    const ownerIdentity = roster.identityOf(owner)
    const shared = state.shareKeys.get(ownerIdentity.id)
    // Survivors' self-mask seeds, and mask keys of peers that shared keys but dropped: never both for one peer.
    const wanted = survivors.has(ownerIdentity.id) ? ShareKind.SELF_MASK : shared != null ? ShareKind.MASK_KEY : undefined
    if (kind !== wanted) throw new ProtocolViolation('conflicting-request', `revealed the wrong kind of share of ${ownerIdentity.id}`)
    if (share.length !== SHARE_LENGTH) throw new ProtocolViolation('reconstruction-failed', 'a revealed share has the wrong size')
    if (!isFieldElement(share)) throw new ProtocolViolation('reconstruction-failed', 'a revealed share is not a field element')
    const entry = shared!.shares.find(s => constantTimeEqual(s.peer, from.bytes))!
    const commitment = kind === ShareKind.SELF_MASK ? entry.selfMaskCommitment : entry.maskKeyCommitment
    if (!constantTimeEqual(commitment, shareCommitment(context, owner, from.bytes, kind, share))) {
      throw new ProtocolViolation('reconstruction-failed', `revealed a share of ${ownerIdentity.id} that its owner did not deal`)
    }
    accepted.push({ owner: ownerIdentity.id, share })
  }
  state.responders.add(from.id)
  for (const { owner, share } of accepted) {
    let byHolder = state.revealed.get(owner)
    if (byHolder == null) state.revealed.set(owner, byHolder = new Map())
    byHolder.set(holderX, share)
  }
}

export function unmaskComplete (state: AggregatorState): boolean {
  for (const id of state.signatures.keys()) if (!state.responders.has(id) && !state.excluded.has(id)) return false
  return true
}

/** Rebuilds every needed secret, removes the masks, and signs the result. */
export async function closeUnmask (state: AggregatorState): Promise<Step> {
  const { config, context } = state
  const { crypto, params } = config
  const roster = state.roster!
  if (state.responders.size < roster.minSurvivors) {
    throw new ProtocolViolation('too-many-dropouts', `${state.responders.size} survivors revealed shares, the round needs ${roster.minSurvivors}`)
  }
  const accumulator = state.accumulator!
  const survivors = state.survivorSet!.members
  const coefficientCache = new Map<string, bigint[]>()
  const reconstruct = (owner: Identity): Uint8Array => {
    const byHolder = state.revealed.get(owner.id) ?? new Map<number, Uint8Array>()
    if (byHolder.size < roster.threshold) throw new ProtocolViolation('reconstruction-failed', `${byHolder.size} shares of ${owner.id}'s secret were revealed, ${roster.threshold} are needed`)
    const xs = [...byHolder.keys()].sort((a, b) => a - b).slice(0, roster.threshold)
    const key = xs.join(',')
    let coefficients = coefficientCache.get(key)
    if (coefficients == null) coefficientCache.set(key, coefficients = lagrangeAtZero(xs))
    try {
      return combine(xs.map(x => byHolder.get(x)!), coefficients)
    } catch (err) {
      if (err instanceof InvalidShareError) throw new ProtocolViolation('reconstruction-failed', `${owner.id} dealt shares that rebuild no secret`)
      throw err
    }
  }

  for (const owner of roster.identities) {
    if (survivors.has(owner.id)) {
      const seed = reconstruct(owner)
      if (!constantTimeEqual(selfMaskCommitment(context, owner.bytes, seed), state.advertisements.get(owner.id)!.selfMaskCommitment)) {
        throw new ProtocolViolation('reconstruction-failed', `${owner.id} dealt shares that do not rebuild its committed self-mask seed`)
      }
      await crypto.prg.open(selfMaskKey(context, seed, owner.bytes)).apply(accumulator, 'subtract')
    } else if (state.shareKeys.has(owner.id)) {
      const maskSecret = reconstruct(owner)
      const advertised = state.advertisements.get(owner.id)!
      if (!constantTimeEqual(await crypto.x25519.publicKey(maskSecret), advertised.maskKey)) {
        throw new ProtocolViolation('reconstruction-failed', `${owner.id} dealt shares that do not rebuild its advertised mask key`)
      }
      for (const peer of roster.neighboursOf(owner.bytes)) {
        const neighbour = roster.identityOf(peer)
        if (!survivors.has(neighbour.id)) continue
        const seed = await pairwiseMaskKey(crypto, context, maskSecret, state.advertisements.get(neighbour.id)!.maskKey, owner.bytes, peer)
        await crypto.prg.open(seed).apply(accumulator, inverse(pairwiseMode(peer, owner.bytes)))
      }
    }
  }

  const bits = params.encoding.modulusBits
  const quantizedSum = reduceModulo(accumulator, bits)
  const signatures: PeerSignature[] = roster.identities
    .filter(i => state.signatures.has(i.id))
    .map(i => ({ signer: i.bytes as Uint8Array<ArrayBuffer>, signature: state.signatures.get(i.id) as Uint8Array<ArrayBuffer> }))
  const { bytes } = await signed(RoundResult, {
    ref: refOf(context),
    aggregator: config.identity.bytes as Uint8Array<ArrayBuffer>,
    participants: roster.peers as Array<Uint8Array<ArrayBuffer>>,
    survivorSet: state.survivorSet!.bytes as Uint8Array<ArrayBuffer>,
    signatures,
    sum: pack(quantizedSum, bits) as Uint8Array<ArrayBuffer>
  }, config.privateKey, SignatureDomain.result)
  state.status = 'done'
  return {
    messages: [{ to: 'all', type: 'result', bytes }],
    events: [{
      type: 'result',
      outcome: {
        round: context.round,
        attempt: context.attempt,
        aggregator: config.identity.id,
        participants: roster.identities.map(i => i.id),
        survivors: roster.identities.filter(i => survivors.has(i.id)).map(i => i.id),
        quantizedSum,
        signedResult: bytes,
        ...decodeAggregate(quantizedSum, params.encoding)
      }
    }]
  }
}

function isFieldElement (share: Uint8Array): boolean {
  try {
    shareValue(share)
    return true
  } catch {
    return false
  }
}

/** The accumulator (mod 2^32) reduced mod 2^m, in place. */
function reduceModulo (accumulator: Uint32Array, bits: number): Uint32Array {
  if (bits === 32) return accumulator
  const mask = 2 ** bits - 1
  for (let i = 0; i < accumulator.length; i++) accumulator[i] &= mask
  return accumulator
}
