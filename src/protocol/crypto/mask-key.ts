/**
 * X25519 mask keys whose secret can be shared with Feldman commitments. A mask secret key is
 * sk = 2^254 + 8m with m uniform in [0, 2^251): X25519's clamping (RFC 7748 section 5) leaves such a
 * key as it is, so the key agreement multiplies by exactly sk, and the public key is the u-coordinate of
 * sk * B = 2^254 * B + 8 * (m * B). The dealer shares m and commits C_0 = m * B; anyone can then check
 * that the advertised public key is the u-coordinate of 2^254 * B + 8 * C_0 (the cofactor 8 also clears
 * any torsion a dealer put into C_0), so the shares rebuild the key it masks with.
 *
 * Shares live mod l, so what the aggregator rebuilds is m* = m mod l. For an honest dealer m < 2^251 < l
 * and m* = m: the same key, byte for byte. A dealer may have committed to any scalar; rebuildMaskKey
 * finds a key with the same Diffie-Hellman results for every such scalar (see there).
 */
import { SCALAR_ORDER, type RandomSource } from './shamir.js'
import { montgomeryU, Point, U_LENGTH } from './ed25519-group.js'
import { isAllZero } from './bytes.js'
import { InvalidPublicKeyError } from './errors.js'
import type { X25519 } from './x25519.js'

const MASK_SCALAR_LIMIT = 1n << 251n
const TWO_254 = 1n << 254n

/** 2^254 * B, the part of every mask public key that does not depend on m. */
const FIXED_PART = Point.BASE.multiply(TWO_254 % SCALAR_ORDER)

/** A uniform m in [0, 2^251), the scalar a mask key is made from and that its owner shares. */
export function randomMaskScalar (random: RandomSource): bigint {
  const bytes = random(32)
  let value = 0n
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i])
  return value & (MASK_SCALAR_LIMIT - 1n)
}

/** The X25519 secret key 2^254 + 8m (32 bytes little-endian), which clamping leaves unchanged. */
export function maskSecretKey (m: bigint): Uint8Array {
  if (m < 0n || m >= MASK_SCALAR_LIMIT) throw new RangeError('a mask scalar must be in [0, 2^251)')
  const out = new Uint8Array(32)
  let value = TWO_254 + 8n * m
  for (let i = 0; i < 32; i++) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return out
}

/**
 * The X25519 public key that a dealer's commitment C_0 to its mask scalar binds it to: the u-coordinate
 * of 2^254 * B + 8 * C_0. Undefined if that point is the identity (no key can match it).
 */
export function maskPublicKeyOf (c0: Point): Uint8Array | undefined {
  return montgomeryU(FIXED_PART.add(c0.double().double().double()))
}

/** The mask key the aggregator rebuilds from shares: enough of it to remove a dropped peer's pairwise masks. */
export interface RebuiltMaskKey {
  /** The X25519 public key it gives, to check against the one its owner advertised. */
  publicKey: () => Promise<Uint8Array>
  /** Its X25519 shared secret with a peer's public key; throws InvalidPublicKeyError for a small-order one. */
  sharedSecret: (publicKey: Uint8Array) => Promise<Uint8Array>
}

/**
 * A key with the Diffie-Hellman results of sk = 2^254 + 8m for the rebuilt m* = m mod l.
 *
 * On the curve's main subgroup only sk mod l matters, and +-sk give the same u-coordinates. So for
 * m* < 2^251 the key is 2^254 + 8m* (an honest dealer's own key), and otherwise 2^254 + 8m' with
 * m' = (-2^252 - m*) mod l, whose sk' = -sk mod l, if m' < 2^251. A dealer that committed to a scalar in
 * the narrow range where neither fits (about 2^126 scalars just above 2^251, which no honest dealer picks
 * but a cheating one can) gets the general case: the ladder with the unclamped scalar e = 8j, where
 * j = +-(2^251 + m*) mod l is below 2^252, so that e is below 2^255, is a multiple of 8 (no torsion of the
 * peer's point survives it, as with any clamped key) and e = +-sk mod l.
 */
export function rebuildMaskKey (x25519: X25519, m: bigint): RebuiltMaskKey {
  if (m < 0n || m >= SCALAR_ORDER) throw new RangeError('a rebuilt mask scalar must be below the group order')
  const flipped = ((-(1n << 252n) - m) % SCALAR_ORDER + SCALAR_ORDER) % SCALAR_ORDER
  const clamped = m < MASK_SCALAR_LIMIT ? m : flipped < MASK_SCALAR_LIMIT ? flipped : undefined
  if (clamped !== undefined) {
    const secretKey = maskSecretKey(clamped)
    return {
      publicKey: async () => x25519.publicKey(secretKey),
      sharedSecret: async (publicKey) => x25519.sharedSecret(secretKey, publicKey)
    }
  }
  let j = ((1n << 251n) + m) % SCALAR_ORDER
  if (j >= 1n << 252n) j = SCALAR_ORDER - j
  const e = 8n * j
  return {
    publicKey: async () => unclampedX25519(e, BASE_U),
    sharedSecret: async (publicKey) => {
      if (!(publicKey instanceof Uint8Array) || publicKey.length !== U_LENGTH) throw new InvalidPublicKeyError(`X25519 public key must be ${U_LENGTH} bytes`)
      const shared = unclampedX25519(e, publicKey)
      if (isAllZero(shared)) throw new InvalidPublicKeyError('X25519 public key is of small order')
      return shared
    }
  }
}

const P = (1n << 255n) - 19n
const A24 = 121665n
const BASE_U = (() => { const u = new Uint8Array(32); u[0] = 9; return u })()

function modP (a: bigint): bigint {
  const r = a % P
  return r < 0n ? r + P : r
}

function powP (base: bigint, exponent: bigint): bigint {
  let result = 1n
  base = modP(base)
  while (exponent > 0n) {
    if ((exponent & 1n) === 1n) result = (result * base) % P
    base = (base * base) % P
    exponent >>= 1n
  }
  return result
}

/**
 * X25519's Montgomery ladder (RFC 7748 section 5) with a scalar below 2^255 taken as it is, unclamped.
 * Variable-time: only ever run on a cheating dealer's rebuilt key, which is no secret of an honest peer.
 */
export function unclampedX25519 (k: bigint, uBytes: Uint8Array): Uint8Array {
  if (k < 0n || k >= 1n << 255n) throw new RangeError('the scalar must be below 2^255')
  const masked = uBytes.slice()
  masked[31] &= 0x7f
  let x1 = 0n
  for (let i = 31; i >= 0; i--) x1 = (x1 << 8n) | BigInt(masked[i])
  x1 = modP(x1)
  let x2 = 1n
  let z2 = 0n
  let x3 = x1
  let z3 = 1n
  let swap = 0n
  for (let t = 254n; t >= 0n; t--) {
    const bit = (k >> t) & 1n
    if ((swap ^ bit) === 1n) {
      const x = x2
      x2 = x3
      x3 = x
      const z = z2
      z2 = z3
      z3 = z
    }
    swap = bit
    const a = modP(x2 + z2)
    const aa = (a * a) % P
    const b = modP(x2 - z2)
    const bb = (b * b) % P
    const e = modP(aa - bb)
    const c = modP(x3 + z3)
    const d = modP(x3 - z3)
    const da = (d * a) % P
    const cb = (c * b) % P
    x3 = modP((da + cb) * (da + cb))
    z3 = modP(x1 * modP((da - cb) * (da - cb)))
    x2 = (aa * bb) % P
    z2 = modP(e * (aa + A24 * e))
  }
  if (swap === 1n) {
    x2 = x3
    z2 = z3
  }
  return scalarLittleEndian(modP(x2 * powP(z2, P - 2n)))
}

function scalarLittleEndian (value: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return out
}
