/** Errors the crypto primitives throw; tests and callers match on `name`. */

/** A public key is malformed or of small order (its shared secret would be all zeros). */
export class InvalidPublicKeyError extends Error {
  static override name = 'InvalidPublicKeyError'
  override name = InvalidPublicKeyError.name
}

/** A ciphertext failed authentication: wrong key, nonce, associated data, or tampered bytes. */
export class DecryptionError extends Error {
  static override name = 'DecryptionError'
  override name = DecryptionError.name
}

/** A share, secret or field element is out of range or the wrong length. */
export class InvalidShareError extends Error {
  static override name = 'InvalidShareError'
  override name = InvalidShareError.name
}

/** A key that is not Ed25519 was given where an ECVRF-EDWARDS25519 key is needed (a PeerId or a private key). */
export class NotEd25519KeyError extends Error {
  static override name = 'NotEd25519KeyError'
  override name = NotEd25519KeyError.name
}

/** A VRF proof does not decode: wrong length, Gamma not a canonically encoded point, or s not below the group order. */
export class InvalidVrfProofError extends Error {
  static override name = 'InvalidVrfProofError'
  override name = InvalidVrfProofError.name
}

/** A Feldman commitment is malformed: a point not 64 bytes, a coordinate not below p, off the curve, or the wrong number of them. */
export class InvalidCommitmentError extends Error {
  static override name = 'InvalidCommitmentError'
  override name = InvalidCommitmentError.name
}

/** A proof that a revealed X25519 shared secret is the one two advertised keys give does not hold (or cannot be made for them). */
export class InvalidSharedSecretProofError extends Error {
  static override name = 'InvalidSharedSecretProofError'
  override name = InvalidSharedSecretProofError.name
}
