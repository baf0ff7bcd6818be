/**
 * A proof that a revealed X25519 shared secret is the one the prover's advertised key gives with a
 * peer's advertised key, without revealing the prover's secret key: a Chaum-Pedersen proof of equal
 * discrete logarithms (CRYPTO 1992) over the ed25519 group, made non-interactive with Fiat-Shamir.
 *
 * The prover's clamped X25519 key c is a multiple of 8; with x = c / 8 mod l (sign-adjusted, below),
 * its public key is E = x * (8B) and its shared secret with the peer's key D is the u-coordinate of
 * Z = c * D = x * (8D). The proof shows log_{8B}(E) = log_{8D}(Z). Working with 8B and 8D, which have
 * prime order whatever torsion D carries, and requiring Z to be torsion-free, leaves a prover no room
 * to reveal any Z but the one the peer computes: u(c_peer * E) = u(Z) for every prover key E on the curve.
 *
 * X25519 keys are u-coordinates, each shared by two Edwards points +-P; both sides take the one with
 * even x (edwardsFromU), and the prover negates x when its own c * B came out odd.
 */
import { sha512 } from '@noble/hashes/sha2.js'
import { frame } from './bytes.js'
import { clearCofactor, edwardsFromU, montgomeryU, Point } from './ed25519-group.js'
import { ed25519Kernel } from './wasm/ed25519.js'
import { InvalidSharedSecretProofError } from './errors.js'
import { SCALAR_ORDER, scalarToBytes, type RandomSource } from './shamir.js'

/** The revealed point Z (32 bytes, compressed as RFC 8032 encodes points), the challenge and the response. */
export const SHARED_SECRET_PROOF_LENGTH = 96

const CHALLENGE_LABEL = 'libp2p-secagg/1/shared-secret-proof'
const NONCE_LABEL = 'libp2p-secagg/1/shared-secret-proof-nonce'

function littleEndian (bytes: Uint8Array): bigint {
  let value = 0n
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i])
  return value
}

function reduce (bytes: Uint8Array): bigint {
  return littleEndian(bytes) % SCALAR_ORDER
}

/** k * 8B through the base point's precomputed table. */
function timesEightBase (k: bigint): Point {
  const scalar = (8n * k) % SCALAR_ORDER
  return scalar === 0n ? Point.ZERO : Point.BASE.multiply(scalar)
}

function challenge (context: Uint8Array, points: readonly Point[]): bigint {
  return reduce(sha512(frame([CHALLENGE_LABEL, context, ...points.map(p => p.toBytes())])))
}

/** The X25519 secret key as RFC 7748 clamps it. */
function clamp (secretKey: Uint8Array): bigint {
  const bytes = secretKey.slice()
  bytes[0] &= 248
  bytes[31] &= 127
  bytes[31] |= 64
  return littleEndian(bytes)
}

/**
 * True when a complaint could prove a shared secret with this X25519 public key: it is the canonical
 * u-coordinate of a point of the curve, whose Edwards point the proof works with (edwardsFromU), not one
 * of the twist. A Legendre symbol in ed25519.wat where WebAssembly runs (about 13 us against 255 for
 * the square root and inversion edwardsFromU takes on the 2-core machine); `wasm` false takes that path.
 */
export function isProvableKey (publicKey: Uint8Array, wasm = true): boolean {
  const kernel = wasm ? ed25519Kernel() : undefined
  if (kernel !== undefined && publicKey instanceof Uint8Array) return kernel.onCurveU(publicKey)
  return edwardsFromU(publicKey) !== undefined
}

function keyPoint (publicKey: Uint8Array, whose: string): Point {
  const point = edwardsFromU(publicKey)
  if (point === undefined) throw new InvalidSharedSecretProofError(`${whose} key is not a canonical point of the curve`)
  return point
}

/**
 * The X25519 shared secret of `secretKey` with `peerPublicKey`, and a proof of it that anyone holding
 * both public keys and `context` (what the proof is about, bound into its challenge) can check.
 */
export function proveSharedSecret (secretKey: Uint8Array, peerPublicKey: Uint8Array, context: Uint8Array, random: RandomSource): { sharedSecret: Uint8Array, proof: Uint8Array } {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) throw new InvalidSharedSecretProofError('secret key must be 32 bytes')
  let x = (clamp(secretKey) / 8n) % SCALAR_ORDER
  const own = timesEightBase(x)
  const E = keyPoint(montgomeryU(own)!, 'own')
  if (!own.equals(E)) x = SCALAR_ORDER - x
  const G = clearCofactor(keyPoint(peerPublicKey, 'the peer\'s'))
  if (G.is0()) throw new InvalidSharedSecretProofError('the peer\'s key is of small order')
  const Z = G.multiply(x)
  // The nonce hashes fresh randomness with the secret, so that a repeating random source alone cannot repeat it.
  const k = reduce(sha512(frame([NONCE_LABEL, random(32), scalarToBytes(x), context, G.toBytes()])))
  const R1 = timesEightBase(k)
  const R2 = k === 0n ? Point.ZERO : G.multiply(k)
  const c = challenge(context, [E, G, Z, R1, R2])
  const s = (k + c * x) % SCALAR_ORDER
  const proof = new Uint8Array(SHARED_SECRET_PROOF_LENGTH)
  proof.set(Z.toBytes(), 0)
  proof.set(scalarToBytes(c), 32)
  proof.set(scalarToBytes(s), 64)
  return { sharedSecret: montgomeryU(Z)!, proof }
}

/**
 * Checks a proof that the owner of `proverPublicKey` and the owner of `peerPublicKey` share the X25519
 * secret it reveals, and returns that secret. Throws InvalidSharedSecretProofError if it does not hold.
 */
export function verifySharedSecret (proverPublicKey: Uint8Array, peerPublicKey: Uint8Array, context: Uint8Array, proof: Uint8Array): Uint8Array {
  if (!(proof instanceof Uint8Array) || proof.length !== SHARED_SECRET_PROOF_LENGTH) throw new InvalidSharedSecretProofError(`a proof must be ${SHARED_SECRET_PROOF_LENGTH} bytes`)
  const E = keyPoint(proverPublicKey, 'the prover\'s')
  const G = clearCofactor(keyPoint(peerPublicKey, 'the peer\'s'))
  if (G.is0()) throw new InvalidSharedSecretProofError('the peer\'s key is of small order')
  let Z: Point
  try {
    Z = Point.fromBytes(proof.subarray(0, 32))
  } catch {
    throw new InvalidSharedSecretProofError('the revealed point does not decode')
  }
  // A torsion part in Z would change its u-coordinate without changing anything the proof checks.
  if (Z.is0() || !Z.isTorsionFree()) throw new InvalidSharedSecretProofError('the revealed point is not in the prime-order subgroup')
  const c = littleEndian(proof.subarray(32, 64))
  const s = littleEndian(proof.subarray(64, 96))
  if (c >= SCALAR_ORDER || s >= SCALAR_ORDER) throw new InvalidSharedSecretProofError('a proof scalar is not below the group order')
  const R1 = timesEightBase(s).subtract(E.multiplyUnsafe(c))
  const R2 = G.multiplyUnsafe(s).subtract(Z.multiplyUnsafe(c))
  if (challenge(context, [E, G, Z, R1, R2]) !== c) throw new InvalidSharedSecretProofError('the proof does not hold')
  return montgomeryU(Z)!
}
