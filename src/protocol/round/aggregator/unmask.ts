/**
 * unmask: collect the survivors' revealed shares, checking each against its owner's hash commitment and
 * taking none from a holder that complained about its owner; rebuild every survivor's self-mask seed and
 * every dropped peer's mask key, checking each against its Feldman commitment; strip those masks from
 * the accumulator; and publish the signed sum.
 */
import { constantTimeEqual, EMPTY_BYTES, toHex } from '../../crypto/bytes.js'
import { SignatureDomain, type Identity } from '../../crypto/identity.js'
import { combine, lagrangeAtZero, MAX_SHARES, scalarFromBytes, SHARE_LENGTH, shareValue } from '../../crypto/shamir.js'
import { decodeCommitments, verifySecret, verifyShare, type CommittedPolynomial } from '../../crypto/feldman.js'
import { rebuildMaskKey } from '../../crypto/mask-key.js'
import type { MaskKey } from '../../crypto/prg.js'
import { applyMasks } from '../../crypto/suite.js'
import { pack } from '../../encoding/bit-pack.js'
import { decodeRoundSum } from '../decoded-sum.js'
import { RoundResult, RoundTranscript, ShareKind, UnmaskShares, type PeerSignature, type RevealedSecret } from '../../pb/messages.js'
import { carriesOf, carryBits } from './integer-sum.js'
import { ProtocolViolation } from '../errors.js'
import { inverse, pairwiseMaskKeyFromSecret, pairwiseMode, selfMaskKey, shareCommitments } from '../masks.js'
import { checkRef, decode, refOf, signed } from '../wire.js'
import { resultDeadline } from '../result-checks.js'
import { vrfProve, vrfSecretKeyOf } from '../../crypto/ecvrf.js'
import { beaconInput } from '../../election.js'
import type { Step } from '../events.js'
import { isGone, type AggregatorState, type Dealing } from './state.js'

export function onUnmaskShares (state: AggregatorState, from: Identity, bytes: Uint8Array): void {
  const { context } = state
  const roster = state.roster!
  const survivors = state.survivorSet!.members
  if (!state.signatures.has(from.id)) throw new ProtocolViolation('invalid-consistency-proof', 'sent shares without having signed the survivor set')
  if (state.responders.has(from.id)) throw new ProtocolViolation('conflicting-request', 'sent unmask shares twice')
  const message = decode(UnmaskShares, bytes, 'reconstruction-failed', 'unmask shares', { limits: { shares: MAX_SHARES } })
  checkRef(message.ref, context, 'reconstruction-failed')
  const neighbours = roster.neighboursByHex(from.bytes)
  const holderX = roster.xOf(from.bytes)
  const complainedAbout = state.checks.get(from.id) ?? new Set<string>()
  const commitmentOf = shareCommitments(context, state.config.crypto.sha256)
  const accepted: Array<{ owner: string, share: Uint8Array }> = []
  // Absent fields read as empty, as in any message (RevealedShare's are optional: messages.proto says why).
  for (const { owner = EMPTY_BYTES, kind, share = EMPTY_BYTES } of message.shares) {
    const hex = toHex(owner)
    const ownerIdentity = neighbours.get(hex)
    if (ownerIdentity === undefined) throw new ProtocolViolation('reconstruction-failed', 'revealed a share of a peer that is not its neighbour (or twice)')
    neighbours.delete(hex)
    const dealing = state.shareKeys.get(ownerIdentity.id)
    // Survivors' self-mask seeds, and mask keys of peers that shared keys but dropped: never both for one peer.
    const wanted = survivors.has(ownerIdentity.id) ? ShareKind.SELF_MASK : dealing != null ? ShareKind.MASK_KEY : undefined
    if (kind !== wanted) throw new ProtocolViolation('conflicting-request', `revealed the wrong kind of share of ${ownerIdentity.id}`)
    if (share.length !== SHARE_LENGTH) throw new ProtocolViolation('reconstruction-failed', 'a revealed share has the wrong size')
    if (!isScalar(share)) throw new ProtocolViolation('reconstruction-failed', 'a revealed share is not a scalar below the group order')
    const entry = dealing!.entries[dealing!.indexOf.get(from.id)!]
    const commitment = kind === ShareKind.SELF_MASK ? entry.selfMaskCommitment : entry.maskKeyCommitment
    if (!constantTimeEqual(commitment, commitmentOf(owner, from.bytes, kind, share))) {
      throw new ProtocolViolation('reconstruction-failed', `revealed a share of ${ownerIdentity.id} that its owner did not deal`)
    }
    // A holder that complained about the owner said its share was bad, and holds none: nothing of it is used.
    if (complainedAbout.has(ownerIdentity.id)) continue
    accepted.push({ owner: ownerIdentity.id, share })
  }
  state.responders.add(from.id)
  for (const { owner, share } of accepted) {
    let byHolder = state.revealed.get(owner)
    if (byHolder == null) state.revealed.set(owner, byHolder = new Map())
    byHolder.set(holderX, share)
  }
}

/** The signers whose unmask shares are still due. */
export function awaitedUnmaskShares (state: AggregatorState): string[] {
  return [...state.signatures.keys()].filter(id => !state.responders.has(id) && !isGone(state, id))
}

/** A secret unmask must rebuild: a survivor's self-mask seed, or the mask key of a dropped member of U2 a survivor masked with. */
interface NeededSecret {
  owner: Identity
  kind: 'self-mask' | 'mask-key'
  dealing: Dealing
  /** For a mask key: the survivors that masked with it. */
  neighbours: Uint8Array[]
}

function neededSecrets (state: AggregatorState): NeededSecret[] {
  const roster = state.roster!
  const survivors = state.survivorSet!.members
  const needed: NeededSecret[] = []
  for (const owner of roster.identities) {
    const dealing = state.shareKeys.get(owner.id)
    if (dealing == null) continue
    if (survivors.has(owner.id)) {
      needed.push({ owner, kind: 'self-mask', dealing, neighbours: [] })
      continue
    }
    const neighbours = roster.neighboursOf(owner.bytes).filter(peer => survivors.has(roster.identityOf(peer).id))
    // No survivor masked with it: there is nothing of it to remove.
    if (neighbours.length > 0) needed.push({ owner, kind: 'mask-key', dealing, neighbours })
  }
  return needed
}

/**
 * Whether unmask may close before every signer has answered: enough survivors revealed, and every
 * secret to rebuild already rebuilds from the shares in hand and checks against its commitment, so the
 * shares still expected would change nothing. A secret that does not check yet (a dealer and a holder
 * acting together slipped in a bad share) waits for more shares or the deadline. What is rebuilt here
 * is kept for closeUnmask.
 */
export async function unmaskRebuildable (state: AggregatorState): Promise<boolean> {
  const roster = state.roster!
  if (state.responders.size < roster.minSurvivors) return false
  const needed = neededSecrets(state).filter(secret => !state.rebuilt.has(secret.owner.id))
  if (needed.some(({ owner }) => (state.revealed.get(owner.id)?.size ?? 0) < roster.threshold)) return false
  const rebuild = new SecretRebuilder(roster.threshold)
  for (const secret of needed) {
    try {
      state.rebuilt.set(secret.owner.id, await rebuildSecret(state, rebuild, secret))
    } catch (err) {
      if (err instanceof ProtocolViolation) return false
      throw err
    }
  }
  return true
}

/** Rebuilds one secret from the revealed shares and checks it; throws a ProtocolViolation if it cannot. */
async function rebuildSecret (state: AggregatorState, rebuild: SecretRebuilder, { owner, kind, dealing }: NeededSecret): Promise<Uint8Array> {
  const { crypto } = state.config
  const byHolder = state.revealed.get(owner.id) ?? new Map<number, Uint8Array>()
  if (kind === 'self-mask') {
    const commitments = decodeCommitments(dealing.selfMaskCommitments)
    return rebuild.secret(owner, byHolder, () => commitments, value => verifySecret(commitments, value))
  }
  const advertised = state.advertisements.get(owner.id)!.maskKey
  const matches = async (value: Uint8Array): Promise<boolean> => constantTimeEqual(await rebuildMaskKey(crypto.x25519, scalarFromBytes(value)).publicKey(), advertised)
  return rebuild.secretAsync(owner, byHolder, () => decodeCommitments(dealing.maskKeyCommitments), matches)
}

/** Rebuilds every needed secret, removes the masks, and signs the result. */
export async function closeUnmask (state: AggregatorState): Promise<Step> {
  const { config, context } = state
  const { crypto, params } = config
  const roster = state.roster!
  if (state.responders.size < roster.minSurvivors) {
    throw new ProtocolViolation('too-many-dropouts', `${state.responders.size} survivors revealed shares, the round needs ${roster.minSurvivors}`)
  }
  // A sum finished after the participants stop waiting for it is never signed: they may have gone on to
  // an attempt that sums without this aggregator, and the two sums together would give its input.
  if (config.now() > resultDeadline(state.deadlines)) throw new ProtocolViolation('timeout', 'the sum was ready after the participants\' result deadline; it is not signed')
  const { accumulator, overflows } = state.sum!
  const survivors = state.survivorSet!.members
  const rebuild = new SecretRebuilder(roster.threshold)
  const bits = params.encoding.modulusBits
  // Before the masks come off, the accumulator holds the integer sum's low bits: its carries past 2^m.
  const carries = carriesOf(accumulator, overflows, bits)
  const secrets: RevealedSecret[] = []
  const masks: MaskKey[] = []

  for (const secret of neededSecrets(state)) {
    const { owner, kind, neighbours } = secret
    const value = state.rebuilt.get(owner.id) ?? await rebuildSecret(state, rebuild, secret)
    secrets.push({ owner: owner.bytes as Uint8Array<ArrayBuffer>, kind: kind === 'self-mask' ? ShareKind.SELF_MASK : ShareKind.MASK_KEY, value: value as Uint8Array<ArrayBuffer> })
    if (kind === 'self-mask') {
      masks.push({ key: selfMaskKey(context, value, owner.bytes), mode: 'subtract' })
      continue
    }
    const maskKey = rebuildMaskKey(crypto.x25519, scalarFromBytes(value))
    for (const peer of neighbours) {
      const shared = await maskKey.sharedSecret(state.advertisements.get(roster.identityOf(peer).id)!.maskKey)
      const seed = pairwiseMaskKeyFromSecret(context, shared, owner.bytes, peer)
      masks.push({ key: seed, mode: inverse(pairwiseMode(peer, owner.bytes)) })
    }
  }
  // every mask off each chunk of the sum while the chunk is in cache, not each mask over the whole sum
  await applyMasks(crypto, accumulator, masks)

  const quantizedSum = reduceModulo(accumulator, bits)
  const survivorIdentities = roster.identities.filter(i => survivors.has(i.id))
  // Every consistency signature (U4, fixed before anyone revealed), in signer order: nothing to vary, and
  // no signer that revealed finds its own missing because its shares came after the phase had closed.
  const signatures: PeerSignature[] = roster.identities
    .filter(i => state.signatures.has(i.id))
    .map(i => ({ signer: i.bytes as Uint8Array<ArrayBuffer>, signature: state.signatures.get(i.id) as Uint8Array<ArrayBuffer> }))
  const { bytes } = await signed(RoundResult, {
    ref: refOf(context),
    aggregator: config.identity.bytes as Uint8Array<ArrayBuffer>,
    participants: roster.peers as Array<Uint8Array<ArrayBuffer>>,
    survivorSet: state.survivorSet!.bytes as Uint8Array<ArrayBuffer>,
    signatures,
    sum: pack(quantizedSum, bits) as Uint8Array<ArrayBuffer>,
    beacon: config.beacon as Uint8Array<ArrayBuffer>,
    beaconProof: vrfProve(vrfSecretKeyOf(config.privateKey), beaconInput(config.params.parentSessionId ?? context.sessionId, context.round, context.attempt, config.beacon)) as Uint8Array<ArrayBuffer>,
    carries: pack(carries, carryBits(survivorIdentities.length)) as Uint8Array<ArrayBuffer>
  }, config.privateKey, SignatureDomain.result)
  state.status = 'done'
  const transcript = transcriptOf(state, bytes, survivorIdentities, secrets)
  return {
    // the result travels as its transcript, which holds it: every participant checks the sum before taking it
    messages: [{ to: 'all', type: 'result', bytes: transcript }],
    events: [{
      type: 'result',
      outcome: {
        round: context.round,
        attempt: context.attempt,
        aggregator: config.identity.id,
        participants: roster.identities.map(i => i.id),
        survivors: survivorIdentities.map(i => i.id),
        quantizedSum,
        signedResult: bytes,
        transcript,
        ...await decodeRoundSum(quantizedSum, params, config.crypto.prg, context.round, config.beacon)
      }
    }]
  }
}

/**
 * What anyone needs to check the sum: the signed result, the survivors' signed commitments and dealer
 * commitments, the advertised keys of the dropped peers a survivor masked with, and the secrets
 * rebuilt. All of it is the aggregator's own view, less the masked vectors themselves.
 */
function transcriptOf (state: AggregatorState, result: Uint8Array, survivors: readonly Identity[], secrets: RevealedSecret[]): Uint8Array {
  const dropped = new Set(secrets.filter(s => s.kind === ShareKind.MASK_KEY).map(s => toHex(s.owner)))
  return RoundTranscript.encode({
    result: result as Uint8Array<ArrayBuffer>,
    commitments: survivors.map(i => state.commitments.get(i.id)!.envelope),
    dealerCommitments: survivors.map(i => state.shareKeys.get(i.id)!.commitments),
    advertisements: state.roster!.identities.filter(i => dropped.has(toHex(i.bytes))).map(i => state.advertisements.get(i.id)!.envelope),
    secrets
  })
}

function isScalar (share: Uint8Array): boolean {
  try {
    shareValue(share)
    return true
  } catch {
    return false
  }
}

/**
 * Rebuilds secrets from revealed shares with one set of Lagrange coefficients per set of holders, and
 * checks each against its dealer's commitment. Every revealed share matched its hash commitment and came
 * from a holder that verified it, so the first t rebuild the secret; only a dealer and a holder acting
 * together could slip in a bad one, and then each share is checked against the Feldman commitments and
 * the good ones are used (if t remain).
 */
class SecretRebuilder {
  private readonly coefficients = new Map<string, bigint[]>()

  constructor (private readonly threshold: number) {}

  secret (owner: Identity, byHolder: Map<number, Uint8Array>, commitments: () => CommittedPolynomial, check: (value: Uint8Array) => boolean): Uint8Array {
    const first = this.combine(owner, byHolder)
    if (check(first)) return first
    const good = this.goodShares(byHolder, commitments())
    const value = this.combine(owner, good)
    if (!check(value)) throw new ProtocolViolation('reconstruction-failed', `the shares of ${owner.id}'s secret do not rebuild what it committed to`)
    return value
  }

  async secretAsync (owner: Identity, byHolder: Map<number, Uint8Array>, commitments: () => CommittedPolynomial, check: (value: Uint8Array) => Promise<boolean>): Promise<Uint8Array> {
    const first = this.combine(owner, byHolder)
    if (await check(first)) return first
    const value = this.combine(owner, this.goodShares(byHolder, commitments()))
    if (!await check(value)) throw new ProtocolViolation('reconstruction-failed', `the shares of ${owner.id}'s secret do not rebuild what it committed to`)
    return value
  }

  private goodShares (byHolder: Map<number, Uint8Array>, commitments: CommittedPolynomial): Map<number, Uint8Array> {
    return new Map([...byHolder].filter(([x, share]) => verifyShare(commitments, x, share)))
  }

  private combine (owner: Identity, byHolder: Map<number, Uint8Array>): Uint8Array {
    if (byHolder.size < this.threshold) throw new ProtocolViolation('reconstruction-failed', `${byHolder.size} good shares of ${owner.id}'s secret were revealed, ${this.threshold} are needed`)
    const xs = [...byHolder.keys()].sort((a, b) => a - b).slice(0, this.threshold)
    const key = xs.join(',')
    let coefficients = this.coefficients.get(key)
    if (coefficients == null) this.coefficients.set(key, coefficients = lagrangeAtZero(xs))
    return combine(xs.map(x => byHolder.get(x)!), coefficients)
  }
}

/**
 * The accumulator (mod 2^32) reduced mod 2^m, as an array of its own: the accumulator may be a view of
 * a WebAssembly instance's memory (UploadCheck.sum), which the round's outcome must not hold on to.
 */
function reduceModulo (accumulator: Uint32Array, bits: number): Uint32Array {
  const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1
  const reduced = new Uint32Array(accumulator.length)
  for (let i = 0; i < accumulator.length; i++) reduced[i] = accumulator[i] & mask
  return reduced
}
