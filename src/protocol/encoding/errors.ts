/** Errors of the fixed-point encoding; all are raised before any data leaves the peer. */

/** Encoding parameters that cannot work (bits out of range, a modulus above 32 bits, a bad clip). */
export class InvalidEncodingError extends Error {
  static override name = 'InvalidEncodingError'
  override name = InvalidEncodingError.name
}

/** More participants than the modulus can sum without wrapping. */
export class EncodingOverflowError extends Error {
  static override name = 'EncodingOverflowError'
  override name = EncodingOverflowError.name
}

/** An update that cannot be encoded: wrong length, NaN or infinite values, or a bad weight. */
export class InvalidInputError extends Error {
  static override name = 'InvalidInputError'
  override name = InvalidInputError.name
}
