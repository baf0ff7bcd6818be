/**
 * consistency-check: sign the survivor set U3 the aggregator announces, once per attempt, after
 * checking it against what this peer saw: it includes this peer, every neighbour in it shared keys,
 * enough peers survive overall, and enough neighbours survive to rebuild this peer's self mask.
 */
import { compareBytes, constantTimeEqual, toHex } from '../../crypto/bytes.js'
import { sign, SignatureDomain } from '../../crypto/identity.js'
import { MAX_SHARES } from '../../crypto/shamir.js'
import { ConsistencySignature, SurvivorSet } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { checkRef, checkSortedUnique, decode } from '../wire.js'
import type { Step } from '../events.js'
import type { ParticipantState } from './state.js'

export async function onSurvivorSet (state: ParticipantState, bytes: Uint8Array): Promise<Step> {
  const { config, context } = state
  const roster = state.roster!
  if (state.signedSurvivors != null && !constantTimeEqual(state.signedSurvivors.bytes, bytes)) {
    throw new ProtocolViolation('conflicting-request', 'a second, different survivor set for the same attempt')
  }
  const set = decode(SurvivorSet, bytes, 'invalid-survivor-set', 'survivor set', { limits: { survivors: MAX_SHARES, commitments: MAX_SHARES } })
  checkRef(set.ref, context, 'invalid-survivor-set')
  checkSortedUnique(set.survivors, 'invalid-survivor-set', 'survivor set', compareBytes)
  const members = new Set<string>()
  for (const peer of set.survivors) {
    if (!roster.has(peer)) throw new ProtocolViolation('invalid-survivor-set', 'survivor set includes a peer outside the roster')
    members.add(toHex(peer))
  }
  if (!members.has(toHex(config.identity.bytes))) throw new ProtocolViolation('excluded', 'the survivor set leaves this peer out')
  if (state.status !== 'consistency-check') throw new ProtocolViolation('invalid-survivor-set', 'survivor set includes this peer before it sent its masked input')
  if (set.commitments.length !== set.survivors.length) throw new ProtocolViolation('invalid-survivor-set', `survivor set has ${set.commitments.length} commitment digests for ${set.survivors.length} survivors`)
  const own = set.survivors.findIndex(peer => constantTimeEqual(peer, config.identity.bytes))
  if (!constantTimeEqual(set.commitments[own], state.commitmentDigest!)) throw new ProtocolViolation('invalid-survivor-set', 'the survivor set lists a commitment other than the one this peer signed')
  const required = config.requiredSurvivors
  if (required !== undefined) {
    const ids = roster.identities.filter(i => members.has(toHex(i.bytes))).map(i => i.id)
    if (ids.length !== required.size || ids.some(id => !required.has(id))) {
      throw new ProtocolViolation('survivors-changed', 'the survivors are not those of the earlier attempt this peer revealed its shares in, less its aggregator')
    }
  }
  if (members.size < roster.minSurvivors) {
    throw new ProtocolViolation('too-many-dropouts', `${members.size} survivors, the round needs ${roster.minSurvivors}`)
  }
  let survivingNeighbours = 0
  for (const neighbour of state.neighbours.values()) {
    if (!members.has(toHex(neighbour.identity.bytes))) continue
    if (!neighbour.inU2) throw new ProtocolViolation('invalid-survivor-set', `survivor set includes ${neighbour.identity.id}, who never shared keys`)
    survivingNeighbours++
  }
  if (survivingNeighbours < roster.threshold) {
    throw new ProtocolViolation('too-few-neighbours', `${survivingNeighbours} neighbours survive, at least ${roster.threshold} must`)
  }
  state.signedSurvivors = { bytes, members }
  const signature = await sign(config.privateKey, SignatureDomain.survivorSet, bytes)
  state.verifiedSignatures.set(config.identity.id, signature)
  return {
    messages: [{ to: config.aggregator.bytes, type: 'consistency-signature', bytes: ConsistencySignature.encode({ signature: signature as Uint8Array<ArrayBuffer> }) }],
    events: []
  }
}
