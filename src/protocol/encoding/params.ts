/**
 * Fixed-point encoding parameters. A coordinate is clipped to [-clip, clip], scaled so that clip maps
 * to 2^(bits-1), rounded stochastically to an integer, and summed mod 2^m, where m leaves room for
 * maxParticipants such integers: |sum| <= maxParticipants * 2^(bits-1) < 2^(m-1), so the sum never wraps.
 */
import { EncodingOverflowError, InvalidEncodingError } from './errors.js'
import { calibrate, type DpCalibration, type DpParams } from '../dp/calibration.js'

export interface EncodingParams {
  /** Coordinates are clipped to [-clip, clip] before scaling. */
  clip: number
  /** Resolution: clip maps to 2^(bits-1). At most 24, the float32 mantissa. */
  bits: number
  /** The most participants a round may have; fixes the modulus. */
  maxParticipants: number
  /** Weights are in [0, maxWeight]; 1 for a plain mean. */
  maxWeight: number
  /**
   * Distributed differential privacy: each update is clipped in L2, rotated, rounded and noised before
   * masking (src/protocol/dp). `clip` and `bits` are then unused: the modulus is privacy.modulusBits.
   */
  privacy?: DpParams
}

/**
 * 16 bits over [-1, 1]; sessions of up to 100 peers, so sums travel mod 2^23 (0.72 of a float32).
 * maxParticipants is also the session size the graph plans corrupt peers against: set it to the real one.
 */
export const DEFAULT_ENCODING: EncodingParams = {
  clip: 1,
  bits: 16,
  maxParticipants: 100,
  maxWeight: 1
}

export const MAX_BITS = 24
export const MAX_MODULUS_BITS = 32

/** Encoding parameters with everything derived from them. */
export interface Encoding extends Omit<EncodingParams, 'privacy'> {
  /** m: values travel and sum mod 2^m. */
  modulusBits: number
  /** Fixed-point scale of a coordinate: 2^(bits-1) / clip. */
  scale: number
  /** Fixed-point scale of the weight coordinate w / maxWeight in [0, 1]. */
  weightScale: number
  /** A DP session's calibration: the scale, the norm bounds and each peer's noise. */
  privacy?: DpCalibration
}

/** What a DP encoding is calibrated for besides its own settings. */
export interface PrivacyNumbers {
  dimension: number
  /** The fewest peers whose noise any accepted round's sum carries. */
  honestPeers: number
}

/** Checks parameters and derives the modulus and scales (and, for a DP session, the noise). */
export function resolveEncoding (params: EncodingParams, numbers?: PrivacyNumbers): Encoding {
  const { clip, bits, maxParticipants, maxWeight } = params
  if (!Number.isInteger(bits) || bits < 2 || bits > MAX_BITS) throw new InvalidEncodingError(`encoding bits must be an integer in 2..${MAX_BITS}, got ${bits}`)
  if (!Number.isFinite(clip) || clip <= 0) throw new InvalidEncodingError(`encoding clip must be a positive number, got ${clip}`)
  if (!Number.isInteger(maxParticipants) || maxParticipants < 1) throw new InvalidEncodingError(`encoding maxParticipants must be a positive integer, got ${maxParticipants}`)
  if (!Number.isFinite(maxWeight) || maxWeight <= 0) throw new InvalidEncodingError(`encoding maxWeight must be a positive number, got ${maxWeight}`)
  if (params.privacy !== undefined) {
    if (numbers === undefined) throw new InvalidEncodingError('a DP encoding needs the dimension and the fewest honest peers to calibrate its noise')
    const privacy = calibrate(params.privacy, { ...numbers, maxParticipants })
    // the weight coordinate carries no noise: its sum must fit without wrapping
    const weightScale = Math.floor(2 ** (privacy.modulusBits - 1) / (maxParticipants + 1))
    if (weightScale < 1) throw new InvalidEncodingError(`a ${privacy.modulusBits}-bit modulus cannot sum ${maxParticipants} weights: raise modulusBits`)
    return { clip, bits, maxParticipants, maxWeight, modulusBits: privacy.modulusBits, scale: privacy.scale, weightScale, privacy }
  }
  const modulusBits = bits + Math.ceil(Math.log2(maxParticipants + 1))
  if (modulusBits > MAX_MODULUS_BITS) {
    throw new InvalidEncodingError(`bits ${bits} with up to ${maxParticipants} participants needs a ${modulusBits}-bit modulus; the most is ${MAX_MODULUS_BITS}: lower bits or maxParticipants`)
  }
  const top = 2 ** (bits - 1)
  return { clip, bits, maxParticipants, maxWeight, modulusBits, scale: top / clip, weightScale: top }
}

/** Throws before anything is sent when a round has more participants than the modulus can sum. */
export function checkParticipants (encoding: Encoding, participants: number): void {
  if (participants > encoding.maxParticipants) {
    throw new EncodingOverflowError(`${participants} participants exceed the encoding's maximum of ${encoding.maxParticipants}: their sum could wrap mod 2^${encoding.modulusBits}`)
  }
}
