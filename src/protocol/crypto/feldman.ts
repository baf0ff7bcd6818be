/**
 * Feldman's verifiable secret sharing (FOCS 1987) over the ed25519 group: the dealer of a Shamir
 * sharing (shamir.ts) publishes C_i = a_i * B for each coefficient a_i of its polynomial f, and a holder
 * of the share s at x checks s * B = sum_i x^i * C_i, which holds exactly when s = f(x). So a dealer
 * cannot hand out shares that lie on no one polynomial of degree < t, nor one whose constant term is not
 * the secret C_0 commits to. The commitments reveal a_i * B, so the secret is hidden computationally
 * (under the discrete-logarithm assumption) where plain Shamir hides it unconditionally; Pedersen's
 * scheme would not, but neither could it bind the mask key, whose public key is (2^254 + 8 a_0) * B anyway.
 *
 * Commitments travel uncompressed (ed25519-group.ts): a holder decodes 2t points of each of its k
 * dealers per round, and the 85-125 us square root of a compressed point would cost more than its
 * checks. Verification is not constant-time, nor need it be: shares are checked by their own holder.
 */
import { MAX_SHARES, randomPolynomial, SCALAR_ORDER, scalarToBytes, sharesOf, shareValue, type RandomSource } from './shamir.js'
import { AFFINE_POINT_LENGTH, clearCofactor, decodeAffine, encodeAffine, Point } from './ed25519-group.js'
import { InvalidCommitmentError } from './errors.js'
import { ed25519Kernel } from './wasm/ed25519.js'

/** Bytes of one commitment: an uncompressed point. */
export const COMMITMENT_LENGTH = AFFINE_POINT_LENGTH

/** A dealt sharing: one share per x-coordinate, and the commitments (t points) every share checks against. */
export interface Dealing {
  shares: Uint8Array[]
  commitments: Uint8Array[]
}

/**
 * The commitments C_i = a_i * B to a polynomial's coefficients, encoded. a_i is secret: ed25519.wat's
 * base-point multiplication, whose branches and memory reads do not depend on it (about 95 us where
 * @noble/curves' constant-time one takes 600 on the 2-core machine), or with `wasm` false that one.
 */
export function commit (coefficients: readonly bigint[], wasm = true): Uint8Array[] {
  const kernel = wasm ? ed25519Kernel() : undefined
  if (kernel === undefined) return encodeAffine(coefficients.map(a => a === 0n ? Point.ZERO : Point.BASE.multiply(a)))
  return encodeAffine(coefficients.map(a => {
    const { X, Y, Z, T } = kernel.baseMultiply(scalarToBytes(a))
    return new Point(X, Y, Z, T)
  }))
}

/** Shares `secret` (a 32-byte scalar) at `xs` with threshold t, and commits to the polynomial. */
export function deal (secret: Uint8Array, xs: readonly number[], threshold: number, random: RandomSource): Dealing {
  const coefficients = randomPolynomial(secret, threshold, random)
  const shares = sharesOf(coefficients, xs)
  return { shares, commitments: commit(coefficients) }
}

/**
 * A dealer's commitments to one polynomial, as decodeCommitments checked them: each a canonical point
 * on the curve. Where WebAssembly runs, they are used in ed25519.wat's limbs and decoded as
 * @noble/curves points only when asked. The encodings are its own copies, so that bytes a caller
 * changes after the check are not used unchecked.
 */
export class CommittedPolynomial {
  readonly encoded: readonly Uint8Array[]
  private readonly points: Array<Point | undefined>

  constructor (encoded: readonly Uint8Array[], points: Array<Point | undefined> = []) {
    this.encoded = encoded.map(bytes => bytes.slice())
    this.points = points
  }

  /** C_i as a point. */
  point (i: number): Point {
    return this.points[i] ??= decodeAffine(this.encoded[i])
  }

  /** C_0 alone: the commitment to the secret. */
  constantTerm (): CommittedPolynomial {
    return new CommittedPolynomial(this.encoded.slice(0, 1), this.points.slice(0, 1))
  }
}

/**
 * Decodes a dealer's commitments; with `threshold`, there must be exactly that many. Throws
 * InvalidCommitmentError for a wrong count or any point that is malformed or off the curve. `wasm`
 * false checks them with @noble/curves where WebAssembly would run.
 */
export function decodeCommitments (commitments: readonly Uint8Array[], threshold?: number, wasm = true): CommittedPolynomial {
  if (commitments.length === 0) throw new InvalidCommitmentError('no commitments')
  if (threshold !== undefined && commitments.length !== threshold) {
    throw new InvalidCommitmentError(`${commitments.length} commitments, the threshold is ${threshold}`)
  }
  const kernel = wasm ? ed25519Kernel() : undefined
  if (kernel === undefined || commitments.some(c => !(c instanceof Uint8Array) || c.length !== AFFINE_POINT_LENGTH)) {
    return new CommittedPolynomial(commitments, commitments.map(decodeAffine))
  }
  const polynomial = new CommittedPolynomial(commitments)
  const valid = kernel.load(polynomial.encoded)
  if (valid < commitments.length) {
    // decodeAffine refuses it too, saying why (the two agree: test/protocol/crypto/ed25519-wasm.test.ts)
    decodeAffine(polynomial.encoded[valid])
    throw new InvalidCommitmentError('a point is not on the curve')
  }
  return polynomial
}

/**
 * x as signed binary digits (non-adjacent form), most significant first: multiplying a point by x then
 * costs its bit length in doublings and about a third of it in additions.
 */
export function nafDigits (x: number): number[] {
  const digits: number[] = []
  while (x > 0) {
    let digit = 0
    if (x % 2 === 1) {
      digit = 2 - (x % 4)
      x -= digit
    }
    digits.push(digit)
    x /= 2
  }
  return digits.reverse()
}

/** digits(x) * P, for a small x given by nafDigits (its leading digit is 1). */
function timesSmall (point: Point, digits: readonly number[]): Point {
  let acc = point
  for (let i = 1; i < digits.length; i++) {
    acc = acc.double()
    if (digits[i] === 1) acc = acc.add(point)
    else if (digits[i] === -1) acc = acc.subtract(point)
  }
  return acc
}

/**
 * True when `share` is the value at x of the polynomial the commitments commit to:
 * 8 * (s * B - sum_i x^i * C_i) is the identity. The sum is evaluated by Horner's rule in the small
 * integer x (at most MAX_SHARES), with a signed-digit double-and-add per coefficient: about a third
 * cheaper than a general scalar multiplication, which builds a table of multiples first. A dealer may add
 * torsion points to its commitments; multiplying by the cofactor 8 removes them (8T = 0 for every
 * torsion point T), and as 8 is invertible mod l what is left is the identity exactly when s = f(x) mod l
 * for the prime-order parts a_i * B. Torsion therefore changes nothing a holder or the aggregator relies
 * on: shares, Lagrange interpolation and the committed secret all live mod l.
 *
 * The whole check runs in ed25519.wat where WebAssembly does; `wasm` false runs it with @noble/curves.
 */
export function verifyShare (commitments: CommittedPolynomial, x: number, share: Uint8Array | bigint, wasm = true): boolean {
  const count = commitments.encoded.length
  if (count === 0 || !Number.isInteger(x) || x < 1 || x > MAX_SHARES) return false
  const s = scalarOf(share)
  if (s === undefined) return false
  const digits = nafDigits(x)
  const kernel = wasm ? ed25519Kernel() : undefined
  // A polynomial not from decodeCommitments may hold malformed points: it verifies nothing, and throws nothing.
  try {
    if (kernel !== undefined) {
      if (kernel.load(commitments.encoded) !== count) return false
      kernel.horner(digits)
      return kernel.commits(scalarToBytes(s))
    }
    let sum = commitments.point(count - 1)
    for (let i = count - 2; i >= 0; i--) sum = timesSmall(sum, digits).add(commitments.point(i))
    return isCommitted(sum, s)
  } catch (err) {
    if (err instanceof RangeError || err instanceof InvalidCommitmentError) return false
    throw err
  }
}

/** True when `secret` is the constant term C_0 commits to (up to torsion): what a rebuilt secret is checked against. */
export function verifySecret (commitments: CommittedPolynomial, secret: Uint8Array | bigint, wasm = true): boolean {
  return verifyShare(commitments.constantTerm(), 1, secret, wasm)
}

/** A share or secret as a canonical scalar, or undefined. */
function scalarOf (share: Uint8Array | bigint): bigint | undefined {
  let s: bigint
  try {
    s = typeof share === 'bigint' ? share : shareValue(share)
  } catch {
    return undefined
  }
  return s >= 0n && s < SCALAR_ORDER ? s : undefined
}

/** 8 (s B - committed) is the identity. */
function isCommitted (committed: Point, s: bigint): boolean {
  return clearCofactor(Point.BASE.multiplyUnsafe(s).subtract(committed)).is0()
}
