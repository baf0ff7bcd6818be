/** A round's sum mod 2^m back to floats, as its session encodes: fixed point, or the DP pipeline's inverse. */
import { decodeAggregate, type DecodedAggregate } from '../encoding/dequantize.js'
import { decodePrivately, rotationKey } from '../dp/pipeline.js'
import type { Prg } from '../crypto/prg.js'
import type { ResolvedParams } from './params.js'

/** Decodes the sum of round `round`, whose rotation (in a DP session) the round's beacon keys. */
export async function decodeRoundSum (quantizedSum: Uint32Array, params: ResolvedParams, prg: Prg, round: number, beacon: Uint8Array): Promise<DecodedAggregate> {
  if (params.encoding.privacy === undefined) return decodeAggregate(quantizedSum, params.encoding)
  return await decodePrivately(quantizedSum, params.encoding, params.dimension, prg, rotationKey(params.sessionId, round, beacon))
}
