/**
 * masked-input: stage each participant's packed masked vector as its chunks arrive, in order, and add
 * it into the accumulator when it is whole. A vector that stops halfway is discarded: had its chunks
 * gone straight into the sum, they could never be taken out again without the peer's input. Memory is
 * the accumulator plus one staged vector per upload in progress, which the network layer bounds.
 */
import { allocatePacked, packedLength, unpackInto } from '../../encoding/bit-pack.js'
import { MaskedInputChunk, SurvivorSet } from '../../pb/messages.js'
import { ProtocolViolation } from '../errors.js'
import { checkRef, decode, refOf } from '../wire.js'
import { toHex } from '../../crypto/bytes.js'
import type { Identity } from '../../crypto/identity.js'
import type { Step } from '../events.js'
import type { AggregatorState } from './state.js'

export function onMaskedChunk (state: AggregatorState, from: Identity, bytes: Uint8Array): void {
  const { config, context } = state
  const { dimension, encoding } = config.params
  if (!state.shareKeys.has(from.id)) throw new ProtocolViolation('invalid-shares', 'sent a masked input without having shared keys')
  if (state.completed.has(from.id)) throw new ProtocolViolation('conflicting-request', 'sent a second masked input')
  const chunk = decode(MaskedInputChunk, bytes, 'invalid-shares', 'masked input chunk')
  checkRef(chunk.ref, context, 'invalid-shares')
  const total = dimension + 1
  const bits = encoding.modulusBits
  let upload = state.uploads.get(from.id)
  const received = upload?.received ?? 0
  const { offset, count, data } = chunk
  if (offset !== received) throw new ProtocolViolation('invalid-shares', `masked input chunk at ${offset}, expected ${received}`)
  if (count <= 0 || offset + count > total || (count % 32 !== 0 && offset + count !== total)) {
    throw new ProtocolViolation('invalid-shares', `masked input chunk of ${count} coordinates at ${offset} does not fit a vector of ${total}`)
  }
  if (data.length !== packedLength(count, bits)) throw new ProtocolViolation('invalid-shares', `masked input chunk has ${data.length} bytes for ${count} coordinates`)
  if (upload == null) {
    upload = { staged: allocatePacked(total, bits), received: 0 }
    state.uploads.set(from.id, upload)
  }
  // offset is a multiple of 32 coordinates, so it starts on a byte boundary of the packed vector
  upload.staged.set(data, offset * bits / 8)
  upload.received += count
  if (upload.received === total) {
    unpackInto(upload.staged, bits, state.accumulator!, 'add')
    state.uploads.delete(from.id)
    state.completed.add(from.id)
  }
}

/** Forgets an upload whose stream broke: its sender counts as dropped. */
export function abandonUpload (state: AggregatorState, from: Identity): void {
  state.uploads.delete(from.id)
}

export function maskedInputComplete (state: AggregatorState): boolean {
  for (const id of state.shareKeys.keys()) if (!state.completed.has(id) && !state.excluded.has(id)) return false
  return true
}

/** Fixes U3 and sends it to every survivor to sign. */
export function closeMaskedInput (state: AggregatorState): Step {
  const roster = state.roster!
  state.uploads.clear()
  const survivors = roster.identities.filter(i => state.completed.has(i.id))
  if (survivors.length < roster.minSurvivors) throw new ProtocolViolation('too-many-dropouts', `${survivors.length} masked inputs arrived, the round needs ${roster.minSurvivors}`)
  const members = new Set(survivors.map(i => toHex(i.bytes)))
  for (const survivor of survivors) {
    const left = roster.neighboursOf(survivor.bytes).filter(p => members.has(toHex(p))).length
    if (left < roster.threshold) throw new ProtocolViolation('too-few-neighbours', `${survivor.id} has ${left} surviving neighbours, at least ${roster.threshold} must remain`)
  }
  const bytes = SurvivorSet.encode({ ref: refOf(state.context), survivors: survivors.map(i => i.bytes as Uint8Array<ArrayBuffer>) })
  state.survivorSet = { bytes, members: new Set(survivors.map(i => i.id)) }
  state.status = 'consistency-check'
  return {
    messages: survivors.map(i => ({ to: i.bytes, type: 'survivor-set' as const, bytes })),
    events: [{ type: 'phase', phase: 'consistency-check' }]
  }
}
