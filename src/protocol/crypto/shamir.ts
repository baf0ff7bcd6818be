/**
 * Shamir secret sharing of 32-byte secrets over the prime field p = 2^256 + 297, the smallest prime
 * above 2^256, so that every 32-byte string is a valid secret. Shares are field elements, 33 bytes
 * big-endian; the x-coordinate of a share is implicit (the holder's position in the round's roster).
 *
 * Not constant-time: BigInt arithmetic takes time that depends on the values, so split (which
 * evaluates polynomials with secret coefficients) and combine leak timing to a co-located observer.
 * JavaScript cannot zeroize BigInts either. See the README's security notes.
 */
import { InvalidShareError } from './errors.js'

export const FIELD_PRIME = (1n << 256n) + 297n
export const SECRET_LENGTH = 32
export const SHARE_LENGTH = 33

/** The largest number of shares of one secret (x-coordinates 1..MAX_SHARES). */
export const MAX_SHARES = 65535

/** A source of uniformly random bytes; the round injects it so tests are deterministic. */
export type RandomSource = (length: number) => Uint8Array

// 48 random bytes reduced mod p give a coefficient within 2^-128 of uniform.
const COEFFICIENT_BYTES = 48

function mod (a: bigint): bigint {
  const r = a % FIELD_PRIME
  return r < 0n ? r + FIELD_PRIME : r
}

function bytesToBigInt (bytes: Uint8Array): bigint {
  let value = 0n
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i])
  return value
}

function bigIntToBytes (value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return out
}

/** a^-1 mod p by Fermat; only ever called once per batch. */
function invert (a: bigint): bigint {
  let result = 1n
  let base = mod(a)
  let exponent = FIELD_PRIME - 2n
  while (exponent > 0n) {
    if ((exponent & 1n) === 1n) result = (result * base) % FIELD_PRIME
    base = (base * base) % FIELD_PRIME
    exponent >>= 1n
  }
  return result
}

/** Inverts every element with one field inversion (Montgomery's trick). */
function invertAll (values: readonly bigint[]): bigint[] {
  const prefix = new Array<bigint>(values.length)
  let acc = 1n
  for (let i = 0; i < values.length; i++) {
    prefix[i] = acc
    acc = (acc * values[i]) % FIELD_PRIME
  }
  let inv = invert(acc)
  const out = new Array<bigint>(values.length)
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (inv * prefix[i]) % FIELD_PRIME
    inv = (inv * values[i]) % FIELD_PRIME
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
 * Splits a 32-byte secret into one share per x-coordinate, any `threshold` of which reconstruct it
 * and fewer of which reveal nothing: the coefficients of a random polynomial of degree threshold-1.
 */
export function split (secret: Uint8Array, xs: readonly number[], threshold: number, random: RandomSource): Uint8Array[] {
  if (secret.length !== SECRET_LENGTH) throw new InvalidShareError(`secret must be ${SECRET_LENGTH} bytes`)
  assertXs(xs)
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > xs.length) {
    throw new InvalidShareError(`threshold ${threshold} is not in 1..${xs.length}`)
  }
  const coefficients = [bytesToBigInt(secret)]
  for (let i = 1; i < threshold; i++) coefficients.push(mod(bytesToBigInt(random(COEFFICIENT_BYTES))))
  return xs.map(x => {
    const bx = BigInt(x)
    let y = 0n
    for (let i = coefficients.length - 1; i >= 0; i--) y = (y * bx + coefficients[i]) % FIELD_PRIME
    return bigIntToBytes(y, SHARE_LENGTH)
  })
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
  for (const x of xs) numerator = (numerator * BigInt(x)) % FIELD_PRIME
  const denominators = xs.map((xi, i) => {
    let acc = BigInt(xi)
    let small = 1
    for (let j = 0; j < xs.length; j++) {
      if (j === i) continue
      const factor = xs[j] - xi
      if (Math.abs(small * factor) >= EXACT_LIMIT) {
        acc = (acc * BigInt(small)) % FIELD_PRIME
        small = 1
      }
      small *= factor
    }
    return mod(acc * BigInt(small))
  })
  return invertAll(denominators).map(inv => (numerator * inv) % FIELD_PRIME)
}

/** Parses a 33-byte share; throws InvalidShareError unless it is a field element. */
export function shareValue (share: Uint8Array): bigint {
  if (share.length !== SHARE_LENGTH) throw new InvalidShareError(`share must be ${SHARE_LENGTH} bytes`)
  const value = bytesToBigInt(share)
  if (value >= FIELD_PRIME) throw new InvalidShareError('share is not a field element')
  return value
}

/**
 * Reconstructs a secret from shares at the x-coordinates `coefficients` were computed for. Throws
 * InvalidShareError when the result is not a 32-byte secret, which inconsistent shares usually cause.
 */
export function combine (shares: readonly Uint8Array[], coefficients: readonly bigint[]): Uint8Array {
  if (shares.length !== coefficients.length) throw new InvalidShareError('one share is needed per coefficient')
  let secret = 0n
  for (let i = 0; i < shares.length; i++) secret += shareValue(shares[i]) * coefficients[i]
  secret = mod(secret)
  if (secret >> 256n !== 0n) throw new InvalidShareError('shares do not reconstruct a 32-byte secret')
  return bigIntToBytes(secret, SECRET_LENGTH)
}

/** Reconstructs a secret from shares at `xs` (at least the threshold of them). */
export function reconstruct (xs: readonly number[], shares: readonly Uint8Array[]): Uint8Array {
  return combine(shares, lagrangeAtZero(xs))
}
