/**
 * masked-input: y_u = x_u + PRG(b_u) + sum over neighbours v in U2 of +/- PRG(s_uv) mod 2^m, produced
 * chunk by chunk: each chunk is quantized, every mask's keystream is added into it as it is generated
 * (never stored), it is packed at m bits, and it goes into the commitment to y_u, which the last chunk
 * carries, signed. Memory is one chunk, whatever the dimension; in a DP session, whose rotation mixes
 * every coordinate, x_u is encoded whole first (dp/pipeline.ts).
 */
import { maskInKernel, PRG_CHUNK_WORDS, type MaskStream } from '../../crypto/prg.js'
import { KERNEL_WORDS, wordKernels } from '../../crypto/wasm/words.js'
import { compareBytes } from '../../crypto/bytes.js'
import { SignatureDomain } from '../../crypto/identity.js'
import { pack } from '../../encoding/bit-pack.js'
import { quantizeMultiplier, quantizeWeight } from '../../encoding/quantize.js'
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
  const multiplier = quantizeMultiplier(config.weight, encoding)
  const buffer = new Uint32Array(chunkCoordinates)
  // Each piece of a chunk is made in a word kernel's memory: quantized there (or copied in, encoded),
  // masked there, cut to m bits there, and copied out once. applyKeystreams would copy a chunk in that
  // is quantized outside; so the kernel is held here, and maskInKernel shared with it.
  const kernel = wordKernels.acquire()
  let clipped = 0
  try {
    for (let offset = 0; offset < total; offset += chunkCoordinates) {
      const count = Math.min(chunkCoordinates, total - offset)
      const chunk = buffer.subarray(0, count)
      const last = offset + count === total
      for (let start = 0; start < count; start += KERNEL_WORDS) {
        const words = Math.min(KERNEL_WORDS, count - start)
        const at = offset + start
        if (encoded !== undefined) {
          kernel.sum.set(encoded.words.subarray(at, at + words))
        } else {
          const uniforms = kernel.keystream.subarray(0, words)
          await rounding.apply(uniforms, 'fill')
          clipped += kernel.quantize(config.update.subarray(at, Math.min(at + words, dimension)), multiplier, encoding.clip)
          if (at + words === total) kernel.sum[words - 1] = quantizeWeight(config.weight, encoding, uniforms[words - 1])
        }
        await maskInKernel(kernel, words, masks)
        // y_u as sent: the masks summed mod 2^32, read mod 2^m
        if (mask !== undefined) kernel.keepLow(words, mask)
        chunk.set(kernel.sum.subarray(0, words), start)
      }
      if (encoded !== undefined) clipped = encoded.clipped
      await committer.absorb(chunk)
      const commitment = last ? await signedCommitment(state, await committer.finish(), maskedWith) : undefined
      const bytes = MaskedInputChunk.encode({ ref, offset, count, data: pack(chunk, encoding.modulusBits) as Uint8Array<ArrayBuffer>, commitment })
      yield { bytes, clipped, last }
    }
  } finally {
    wordKernels.release(kernel)
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
