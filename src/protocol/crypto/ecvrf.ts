/**
 * ECVRF-EDWARDS25519-SHA512-ELL2 (RFC 9381, section 5.5, suite_string 0x04) on the peers' Ed25519
 * identity keys. Its output (beta) is unique for a key and an input, so the holder of the key cannot
 * choose among outputs the way a signer can choose among signatures; anyone checks it against the
 * prover's PeerId, which embeds the public key.
 *
 * Choices the RFC leaves open, and why:
 * - ELL2 rather than TAI: hashing to the curve is RFC 9380 encode_to_curve (the NU suite), which
 *   @noble/curves implements and tests against RFC 9380's vectors; TAI would be a try-and-increment
 *   loop written here, with a running time that depends on the input.
 * - verify runs ECVRF_validate_key (section 5.4.5) every time: a public key of small order is
 *   refused, because under one anyone can forge a proof for any input (see the tests).
 * - Points decode as RFC 8032 section 5.1.3 says, strictly (y < p; no x = 0 with the sign bit set),
 *   which is what section 5.5 asks of string_to_point; a non-canonical public key or Gamma is refused.
 * - Gamma is not checked to lie in the prime-order subgroup (the RFC does not ask it): beta hashes
 *   cofactor * Gamma, so a torsion component added to Gamma cannot change beta. The proof string is
 *   therefore not unique (a prover can grind one with a torsion component in 8 tries): only beta is,
 *   so a protocol must derive anything that has to be unique from beta, never from pi.
 *
 * Constant time: the secret scalar and the nonce are multiplied with noble's constant-time ladder,
 * but s = k + c * x mod q is BigInt arithmetic, as in noble's own Ed25519 signing; JavaScript can
 * neither promise constant-time BigInt nor zeroize the seed or the scalars.
 */
import { ed25519, ed25519_hasher } from '@noble/curves/ed25519.js'
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js'
import { sha512 } from '@noble/hashes/sha2.js'
import { concat, utf8 } from './bytes.js'
import { InvalidVrfProofError, NotEd25519KeyError } from './errors.js'
import type { EdwardsPoint } from '@noble/curves/abstract/edwards.js'
import type { PeerId, PrivateKey } from '@libp2p/interface'

/** The 32-byte Ed25519 seed vrfProve takes (RFC 8032's private key). */
export const VRF_SECRET_KEY_LENGTH = 32
/** An encoded Ed25519 public key (ptLen). */
export const VRF_PUBLIC_KEY_LENGTH = 32
/** pi = Gamma (ptLen = 32) || c (cLen = 16) || s (qLen = 32). */
export const VRF_PROOF_LENGTH = 80
/** beta, a SHA-512 digest (hLen). */
export const VRF_OUTPUT_LENGTH = 64

const PT_LEN = 32
const C_LEN = 16
const Q_LEN = 32
const SUITE_STRING = 0x04
// A libp2p Ed25519 private key's raw bytes are seed || public key, a layout kept for history's sake.
const LIBP2P_ED25519_PRIVATE_KEY_LENGTH = 64

// Section 5.4.1.2: DST = "ECVRF_" || h2c_suite_ID_string || suite_string.
const ENCODE_TO_CURVE_DST = concat([utf8('ECVRF_edwards25519_XMD:SHA-512_ELL2_NU_'), Uint8Array.of(SUITE_STRING)])
// Domain separators of challenge_generation (section 5.4.3) and proof_to_hash (section 5.2).
const CHALLENGE_FRONT = Uint8Array.of(SUITE_STRING, 0x02)
const PROOF_TO_HASH_FRONT = Uint8Array.of(SUITE_STRING, 0x03)
const BACK = Uint8Array.of(0x00)

const Point = ed25519.Point
const Fn = Point.Fn

/** Proves `alpha` under an Ed25519 seed (ECVRF_prove, section 5.1); the 80-byte proof pi. */
export function vrfProve (secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== VRF_SECRET_KEY_LENGTH) {
    throw new RangeError(`VRF secret key must be a ${VRF_SECRET_KEY_LENGTH}-byte Ed25519 seed`)
  }
  if (!(alpha instanceof Uint8Array)) throw new TypeError('VRF input must be bytes')
  // Section 5.5: x and Y as in RFC 8032 section 5.1.5 (SHA-512 of the seed, clamped, mod q).
  const { prefix, scalar: x, pointBytes: publicKey } = ed25519.utils.getExtendedPublicKey(secretKey)
  const h = encodeToCurve(publicKey, alpha)
  const hString = h.toBytes()
  const gammaString = h.multiply(x).toBytes()
  // Section 5.4.2.2: k = SHA-512(second half of SHA-512(seed) || h_string) mod q, as RFC 8032 derives r.
  const k = Fn.create(bytesToNumberLE(sha512(concat([prefix, hString]))))
  const c = challenge([publicKey, hString, gammaString, Point.BASE.multiply(k).toBytes(), h.multiply(k).toBytes()])
  const s = Fn.add(k, Fn.mul(c, x))
  return concat([gammaString, numberToBytesLE(c, C_LEN), numberToBytesLE(s, Q_LEN)])
}

/**
 * Verifies pi for `alpha` under a 32-byte Ed25519 public key (ECVRF_verify, section 5.3, with
 * validate_key); the 64-byte output beta, or undefined for anything invalid. Never throws.
 */
export function vrfVerify (publicKey: Uint8Array, alpha: Uint8Array, proof: Uint8Array): Uint8Array | undefined {
  try {
    if (!isBytes(publicKey, VRF_PUBLIC_KEY_LENGTH) || !(alpha instanceof Uint8Array)) return undefined
    const y = validateKey(publicKey)
    const decoded = decodeProof(proof)
    if (y === undefined || decoded === undefined) return undefined
    const { gamma, c, s } = decoded
    const h = encodeToCurve(publicKey, alpha)
    // Public values only, so the faster variable-time multiplication is fine here.
    const u = Point.BASE.multiplyUnsafe(s).subtract(y.multiplyUnsafe(c))
    const v = h.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c))
    // Strict decoding makes PK_string and gamma_string the canonical encodings of Y and Gamma.
    const expected = challenge([publicKey, h.toBytes(), proof.subarray(0, PT_LEN), u.toBytes(), v.toBytes()])
    return c === expected ? hashGamma(gamma) : undefined
  } catch {
    return undefined
  }
}

/**
 * The output beta of a proof (ECVRF_proof_to_hash, section 5.2), without verifying it: use it only
 * on proofs vrfProve made or vrfVerify accepted. Throws InvalidVrfProofError if pi does not decode.
 */
export function vrfProofToHash (proof: Uint8Array): Uint8Array {
  let decoded: ReturnType<typeof decodeProof>
  try {
    decoded = decodeProof(proof)
  } catch {
    decoded = undefined
  }
  if (decoded === undefined) throw new InvalidVrfProofError('VRF proof does not decode')
  return hashGamma(decoded.gamma)
}

/** The 32-byte Ed25519 seed of a libp2p private key: the secret key vrfProve takes (a fresh copy). */
export function vrfSecretKeyOf (key: PrivateKey): Uint8Array {
  if (key.type !== 'Ed25519' || key.raw.length !== LIBP2P_ED25519_PRIVATE_KEY_LENGTH) {
    throw new NotEd25519KeyError(`a ${key.type} private key cannot make ECVRF-EDWARDS25519 proofs`)
  }
  return key.raw.slice(0, VRF_SECRET_KEY_LENGTH)
}

/** The 32-byte Ed25519 public key a PeerId embeds: what its VRF proofs verify against. */
export function vrfPublicKeyOf (peerId: PeerId): Uint8Array {
  if (peerId.type !== 'Ed25519' || peerId.publicKey == null) {
    throw new NotEd25519KeyError(`peer ${peerId.toString()} is not an Ed25519 PeerId`)
  }
  return peerId.publicKey.raw
}

// Section 5.4.1.2: H = encode_to_curve(PK_string || alpha), cofactor cleared by RFC 9380 itself.
function encodeToCurve (salt: Uint8Array, alpha: Uint8Array): EdwardsPoint {
  return ed25519_hasher.encodeToCurve(concat([salt, alpha]), { DST: ENCODE_TO_CURVE_DST })
}

// Section 5.4.3, over points already encoded: c = the first cLen bytes of the hash, little-endian.
function challenge (points: Uint8Array[]): bigint {
  const digest = sha512(concat([CHALLENGE_FRONT, ...points, BACK]))
  return bytesToNumberLE(digest.subarray(0, C_LEN))
}

// Section 5.2, steps 3 to 5: beta = SHA-512(suite || 0x03 || point_to_string(cofactor * Gamma) || 0x00).
function hashGamma (gamma: EdwardsPoint): Uint8Array {
  return sha512(concat([PROOF_TO_HASH_FRONT, gamma.clearCofactor().toBytes(), BACK]))
}

// Section 5.4.5: the decoded key, unless it does not decode or cofactor * Y is the identity.
function validateKey (publicKey: Uint8Array): EdwardsPoint | undefined {
  const y = Point.fromBytes(publicKey, false)
  return y.isSmallOrder() ? undefined : y
}

// Section 5.4.4: Gamma, c and s, or undefined when pi is not 80 bytes, Gamma does not decode, or s >= q.
function decodeProof (proof: Uint8Array): { gamma: EdwardsPoint, c: bigint, s: bigint } | undefined {
  if (!isBytes(proof, VRF_PROOF_LENGTH)) return undefined
  const gamma = Point.fromBytes(proof.subarray(0, PT_LEN), false)
  const c = bytesToNumberLE(proof.subarray(PT_LEN, PT_LEN + C_LEN))
  const s = bytesToNumberLE(proof.subarray(PT_LEN + C_LEN))
  if (s >= Fn.ORDER) return undefined
  return { gamma, c, s }
}

function isBytes (value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length
}
