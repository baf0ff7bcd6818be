/**
 * masked-input: y_u = x_u + PRG(b_u) + sum over neighbours v in U2 of +/- PRG(s_uv) mod 2^m, produced
 * chunk by chunk: each chunk is quantized, every mask's keystream is added into it as it is generated
 * (never stored), it is packed at m bits, and it goes into the commitment to y_u, which the last chunk
 * carries, signed. Memory is one chunk, whatever the dimension; in a DP session, whose rotation mixes
 * every coordinate, x_u is encoded whole first (dp/pipeline.ts).
 */
import { applyKeystreams, PRG_CHUNK_WORDS, type MaskStream } from '../../crypto/prg.js'
import { compareBytes } from '../../crypto/bytes.js'
import { SignatureDomain } from '../../crypto/identity.js'
import { pack } from '../../encoding/bit-pack.js'
import { quantizeInto, quantizeWeight } from '../../encoding/quantize.js'
import { encodePrivately, rotationKey } from '../../dp/pipeline.js'
import { vectorWords } from '../params.js'
import { InputCommitment, MaskedInputChunk, type Signed } from '../../pb/messages.js'
import { commitmentContext, Committer } from '../../verification/commitment.js'
import { pairwiseMode, PRG_KEY_LENGTH, selfMaskKey } from '../masks.js'
import { refOf, signedDigest, signedEnvelope } from '../wire.js'
import type { ParticipantState } from './state.js'

/** Coordinates per chunk: a multiple of 32, so packed chunks concatenate exactly. */
export const MASKED_CHUNK_COORDINATES = PRG_CHUNK_WORDS

export interface MaskedChunk {
  bytes: Uint8Array
  /** Values clipped so far, final on the last chunk. */
  clipped: number
  last: boolean
}

export async function * maskedInputChunks (state: ParticipantState, chunkCoordinates: number): AsyncGenerator<MaskedChunk> {
  const { config, context } = state
  const { encoding, dimension } = config.params
  const self = config.identity.bytes
  const ref = refOf(context)
  const total = vectorWords(config.params)
  const roundingSeed = config.roundingSeed ?? config.random(PRG_KEY_LENGTH)
  const rounding = config.crypto.prg.open(roundingSeed)
  const encoded = encoding.privacy === undefined
    ? undefined
    : await encodePrivately(config.update, config.weight, encoding, config.crypto.prg, rotationKey(context.sessionId, context.round, config.beacon), roundingSeed)
  const masks: MaskStream[] = [
    { stream: config.crypto.prg.open(selfMaskKey(context, state.keys!.selfMaskSeed, self)), mode: 'add' }
  ]
  const maskedWith: Uint8Array[] = []
  for (const neighbour of state.neighbours.values()) {
    if (!neighbour.inU2) continue
    masks.push({ stream: config.crypto.prg.open(neighbour.maskSeed), mode: pairwiseMode(self, neighbour.identity.bytes) })
    maskedWith.push(neighbour.identity.bytes)
  }
  const committer = new Committer(config.crypto.prg, commitmentContext(config.params, context), total)
  const mask = encoding.modulusBits === 32 ? undefined : 2 ** encoding.modulusBits - 1
  const buffer = new Uint32Array(chunkCoordinates)
  const uniforms = new Uint32Array(chunkCoordinates)
  let clipped = 0
  for (let offset = 0; offset < total; offset += chunkCoordinates) {
    const count = Math.min(chunkCoordinates, total - offset)
    const chunk = buffer.subarray(0, count)
    const last = offset + count === total
    if (encoded !== undefined) {
      chunk.set(encoded.words.subarray(offset, offset + count))
      clipped = encoded.clipped
    } else {
      const inputs = Math.max(0, Math.min(count, dimension - offset))
      await rounding.apply(uniforms.subarray(0, count), 'fill')
      clipped += quantizeInto(config.update.subarray(offset, offset + inputs), config.weight, encoding, uniforms, chunk)
      if (last) chunk[count - 1] = quantizeWeight(config.weight, encoding, uniforms[count - 1])
    }
    await applyKeystreams(chunk, masks)
    // y_u as sent: the masks summed mod 2^32, read mod 2^m
    if (mask !== undefined) for (let i = 0; i < count; i++) chunk[i] &= mask
    await committer.absorb(chunk)
    const commitment = last ? await signedCommitment(state, await committer.finish(), maskedWith) : undefined
    const bytes = MaskedInputChunk.encode({ ref, offset, count, data: pack(chunk, encoding.modulusBits) as Uint8Array<ArrayBuffer>, commitment })
    yield { bytes, clipped, last }
  }
}

async function signedCommitment (state: ParticipantState, commitment: Uint8Array, maskedWith: Uint8Array[]): Promise<Signed> {
  const { config, context } = state
  const body = {
    ref: refOf(context),
    peer: config.identity.bytes as Uint8Array<ArrayBuffer>,
    commitment: commitment as Uint8Array<ArrayBuffer>,
    maskedWith: maskedWith.sort(compareBytes) as Array<Uint8Array<ArrayBuffer>>,
    maskKey: state.keys!.maskPublic as Uint8Array<ArrayBuffer>,
    dealerCommitments: state.dealerCommitmentsDigest! as Uint8Array<ArrayBuffer>
  }
  const envelope = await signedEnvelope(InputCommitment, body, config.privateKey, SignatureDomain.inputCommitment)
  state.commitmentDigest = signedDigest(envelope, config.crypto.sha256)
  return envelope
}
