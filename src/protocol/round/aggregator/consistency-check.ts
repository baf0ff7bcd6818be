/** consistency-check: collect the survivors' signatures on U3, then send each its neighbours' signatures. */
import { SignatureDomain, verify, type Identity } from '../../crypto/identity.js'
import { ConsistencyProof, ConsistencySignature, type PeerSignature } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { decode } from '../wire.js'
import type { Outbound, Step } from '../events.js'
import { isGone, type AggregatorState } from './state.js'

export async function onConsistencySignature (state: AggregatorState, from: Identity, bytes: Uint8Array): Promise<void> {
  const set = state.survivorSet!
  if (!set.members.has(from.id)) throw new ProtocolViolation('invalid-consistency-proof', 'signed a survivor set it is not in')
  if (state.signatures.has(from.id)) throw new ProtocolViolation('conflicting-request', 'signed the survivor set twice')
  const { signature } = decode(ConsistencySignature, bytes, 'invalid-consistency-proof', 'consistency signature')
  if (!await verify(from, SignatureDomain.survivorSet, set.bytes, signature)) {
    throw new ProtocolViolation('invalid-consistency-proof', 'consistency signature does not verify')
  }
  state.signatures.set(from.id, signature)
}

/** The survivors whose signature on U3 is still due. */
export function awaitedSignatures (state: AggregatorState): string[] {
  return [...state.survivorSet!.members].filter(id => !state.signatures.has(id) && !isGone(state, id))
}

/** Fixes U4 (the signers) and sends each of them the signatures of its neighbours. */
export function closeConsistencyCheck (state: AggregatorState): Step {
  const roster = state.roster!
  const signers = roster.identities.filter(i => state.signatures.has(i.id))
  if (signers.length < roster.minSurvivors) throw new ProtocolViolation('too-many-dropouts', `${signers.length} survivors signed, the round needs ${roster.minSurvivors}`)
  const survivorSet = state.survivorSet!.bytes as Uint8Array<ArrayBuffer>
  const messages: Outbound[] = signers.map(signer => {
    const signatures: PeerSignature[] = []
    for (const peer of roster.neighboursOf(signer.bytes)) {
      const neighbour = roster.identityOf(peer)
      const signature = state.signatures.get(neighbour.id)
      if (signature != null) signatures.push({ signer: neighbour.bytes as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
    }
    return { to: signer.bytes, type: 'consistency-proof', bytes: ConsistencyProof.encode({ survivorSet, signatures }) }
  })
  state.status = 'unmask'
  return { messages, events: [{ type: 'phase', phase: 'unmask' }] }
}
