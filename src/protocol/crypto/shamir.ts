/**
 * Shamir secret sharing of 32-byte secrets over the scalar field of the ed25519 group, of prime order
 * l = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 section 5.1), so that every sharing can
 * be committed to with Feldman's scheme in that group (feldman.ts). Secrets and shares are scalars
 * below l, encoded as 32 bytes little-endian as in RFC 8032; an encoding of l or more is refused, so
 * each scalar has exactly one encoding. The x-coordinate of a share is implicit (the holder's position
 * in the round's roster).
 *
 * Not constant-time: BigInt arithmetic takes time that depends on the values, so split (which
 * evaluates polynomials with secret coefficients) and combine leak timing to a co-located observer.
 * JavaScript cannot zeroize BigInts either. See the README's security notes.
 */
import { invert } from '@noble/curves/abstract/modular.js'
import { InvalidShareError } from './errors.js'

/** l, the order of the ed25519 base point: secrets, shares and coefficients are scalars mod l. */
export const SCALAR_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n
export const SECRET_LENGTH = 32
export const SHARE_LENGTH = 32

/** The largest number of shares of one secret (x-coordinates 1..MAX_SHARES). */
export const MAX_SHARES = 65535

/** A source of uniformly random bytes; the round injects it so tests are deterministic. */
export type RandomSource = (length: number) => Uint8Array

// 64 random bytes reduced mod l give a scalar within 2^-259 of uniform (as RFC 8032 reduces its hashes).
const UNIFORM_BYTES = 64

function mod (a: bigint): bigint {
  const r = a % SCALAR_ORDER
  return r < 0n ? r + SCALAR_ORDER : r
}

/**
 * Eight bytes at a time (scalars are 32 bytes, uniform draws 64): a BigInt step per byte made parsing
 * revealed shares 28 ms of an aggregator's unmask at n = 100 on a complete graph (8,910 shares).
 */
function littleEndianToBigInt (bytes: Uint8Array): bigint {
  if (bytes.length % 8 !== 0) throw new RangeError(`${bytes.length} bytes are not whole 64-bit words`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let value = 0n
  for (let i = bytes.length - 8; i >= 0; i -= 8) value = (value << 64n) | view.getBigUint64(i, true)
  return value
}

/** The 32-byte little-endian encoding of a scalar in [0, l). */
export function scalarToBytes (value: bigint): Uint8Array {
  if (value < 0n || value >= SCALAR_ORDER) throw new InvalidShareError('not a scalar below the group order')
  const out = new Uint8Array(SECRET_LENGTH)
  for (let i = 0; i < SECRET_LENGTH; i++) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return out
}

/** Parses a 32-byte little-endian scalar; throws InvalidShareError unless it is below l. */
export function scalarFromBytes (bytes: Uint8Array): bigint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SECRET_LENGTH) throw new InvalidShareError(`a scalar must be ${SECRET_LENGTH} bytes`)
  const value = littleEndianToBigInt(bytes)
  if (value >= SCALAR_ORDER) throw new InvalidShareError('not a canonical scalar (at least the group order)')
  return value
}

/** A uniformly random scalar. */
export function randomScalar (random: RandomSource): bigint {
  return mod(littleEndianToBigInt(random(UNIFORM_BYTES)))
}

/** A 32-byte secret drawn uniformly from the scalars: what a dealer shares. */
export function randomSecret (random: RandomSource): Uint8Array {
  return scalarToBytes(randomScalar(random))
}

/** Inverts every element with one field inversion (Montgomery's trick). */
function invertAll (values: readonly bigint[]): bigint[] {
  const prefix = new Array<bigint>(values.length)
  let acc = 1n
  for (let i = 0; i < values.length; i++) {
    prefix[i] = acc
    acc = (acc * values[i]) % SCALAR_ORDER
  }
  // the extended Euclidean algorithm, once per batch: 23 µs where Fermat's exponentiation took 160 µs
  // (the aggregator rebuilds a secret per survivor and dropped peer: 16 ms a round at n = 100)
  let inv = invert(acc, SCALAR_ORDER)
  const out = new Array<bigint>(values.length)
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (inv * prefix[i]) % SCALAR_ORDER
    inv = (inv * values[i]) % SCALAR_ORDER
  }
  return out
}

function assertXs (xs: readonly number[]): void {
  if (xs.length === 0) throw new InvalidShareError('no share x-coordinates')
  const seen = new Set<number>()
  for (const x of xs) {
    if (!Number.isInteger(x) || x < 1 || x > MAX_SHARES) throw new InvalidShareError(`share x-coordinate ${x} is not in 1..${MAX_SHARES}`)
    if (seen.has(x)) throw new InvalidShareError(`share x-coordinate ${x} repeats`)
    seen.add(x)
  }
}

/**
 * The coefficients of a random polynomial of degree threshold-1 whose constant term is `secret`:
 * any `threshold` of its values rebuild the secret, fewer reveal nothing about it.
 */
export function randomPolynomial (secret: Uint8Array, threshold: number, random: RandomSource): bigint[] {
  const constant = scalarFromBytes(secret)
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_SHARES) {
    throw new InvalidShareError(`threshold ${threshold} is not in 1..${MAX_SHARES}`)
  }
  const coefficients = [constant]
  for (let i = 1; i < threshold; i++) coefficients.push(randomScalar(random))
  return coefficients
}

/** The polynomial's value at x (Horner's rule), mod l. */
export function evaluate (coefficients: readonly bigint[], x: number): bigint {
  const bx = BigInt(x)
  let y = 0n
  for (let i = coefficients.length - 1; i >= 0; i--) y = (y * bx + coefficients[i]) % SCALAR_ORDER
  return y
}

/** The shares of a polynomial at each x-coordinate, encoded. */
export function sharesOf (coefficients: readonly bigint[], xs: readonly number[]): Uint8Array[] {
  assertXs(xs)
  if (coefficients.length > xs.length) throw new InvalidShareError(`threshold ${coefficients.length} is not in 1..${xs.length}`)
  return xs.map(x => scalarToBytes(evaluate(coefficients, x)))
}

/**
 * Splits a 32-byte secret (a scalar below l) into one share per x-coordinate, any `threshold` of which
 * reconstruct it and fewer of which reveal nothing.
 */
export function split (secret: Uint8Array, xs: readonly number[], threshold: number, random: RandomSource): Uint8Array[] {
  if (!(secret instanceof Uint8Array) || secret.length !== SECRET_LENGTH) throw new InvalidShareError(`secret must be ${SECRET_LENGTH} bytes`)
  assertXs(xs)
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > xs.length) {
    throw new InvalidShareError(`threshold ${threshold} is not in 1..${xs.length}`)
  }
  return sharesOf(randomPolynomial(secret, threshold, random), xs)
}

// Products of small integers are gathered in a double while they stay exact (< 2^53), so that the
// O(t^2) denominators below cost one BigInt multiplication per few factors instead of one each.
const EXACT_LIMIT = 2 ** 53

/**
 * The Lagrange coefficients that map shares at `xs` to the secret (the polynomial at 0). Computed once
 * per set of share holders and reused for every secret those holders share (batch reconstruction).
 */
export function lagrangeAtZero (xs: readonly number[]): bigint[] {
  assertXs(xs)
  let numerator = 1n
  for (const x of xs) numerator = (numerator * BigInt(x)) % SCALAR_ORDER
  const denominators = xs.map((xi, i) => {
    let acc = BigInt(xi)
    let small = 1
    for (let j = 0; j < xs.length; j++) {
      if (j === i) continue
      const factor = xs[j] - xi
      if (Math.abs(small * factor) >= EXACT_LIMIT) {
        acc = (acc * BigInt(small)) % SCALAR_ORDER
        small = 1
      }
      small *= factor
    }
    return mod(acc * BigInt(small))
  })
  return invertAll(denominators).map(inv => (numerator * inv) % SCALAR_ORDER)
}

/** Parses a 32-byte share; throws InvalidShareError unless it is a canonical scalar. */
export function shareValue (share: Uint8Array): bigint {
  if (!(share instanceof Uint8Array) || share.length !== SHARE_LENGTH) throw new InvalidShareError(`share must be ${SHARE_LENGTH} bytes`)
  return scalarFromBytes(share)
}

/**
 * Reconstructs a secret from shares at the x-coordinates `coefficients` were computed for. Any shares
 * give some scalar: whether it is the dealt secret is for the caller to check (against a commitment).
 */
export function combine (shares: readonly Uint8Array[], coefficients: readonly bigint[]): Uint8Array {
  if (shares.length !== coefficients.length) throw new InvalidShareError('one share is needed per coefficient')
  let secret = 0n
  for (let i = 0; i < shares.length; i++) secret += shareValue(shares[i]) * coefficients[i]
  return scalarToBytes(mod(secret))
}

/** Reconstructs a secret from shares at `xs` (at least the threshold of them). */
export function reconstruct (xs: readonly number[], shares: readonly Uint8Array[]): Uint8Array {
  return combine(shares, lagrangeAtZero(xs))
}
