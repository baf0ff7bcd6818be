/**
 * The ed25519 group (RFC 8032 section 5.1, through @noble/curves) as the verifiable secret sharing
 * uses it: points in an uncompressed encoding that decodes without a square root, and the map between
 * Edwards points and the u-coordinates X25519 keys are (RFC 7748 section 4.1: u = (1 + y) / (1 - y)).
 *
 * The group has order 8l: every point is a point of the prime-order subgroup plus one of 8 torsion
 * points. Honest points (multiples of the base point B) have no torsion part; a peer's point may, and
 * callers that take one from a peer multiply by the cofactor 8 (or check it is torsion-free) before
 * relying on its discrete logarithm.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import type { EdwardsPoint } from '@noble/curves/abstract/edwards.js'
import { InvalidCommitmentError } from './errors.js'

export type Point = EdwardsPoint

export const Point = ed25519.Point
const Fp = Point.Fp
const { p: FIELD_PRIME, d: CURVE_D } = Point.CURVE()

/** Bytes of an uncompressed point: x then y, each 32 bytes little-endian and below p. */
export const AFFINE_POINT_LENGTH = 64

/** Bytes of an X25519 key or Montgomery u-coordinate. */
export const U_LENGTH = 32

// A holder parses 4kt coordinates per round: four 64-bit reads are several times faster than 32 byte steps.
function littleEndian (bytes: Uint8Array, from: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + from, 32)
  return view.getBigUint64(0, true) | (view.getBigUint64(8, true) << 64n) | (view.getBigUint64(16, true) << 128n) | (view.getBigUint64(24, true) << 192n)
}

function writeLittleEndian (value: bigint, out: Uint8Array, at: number): void {
  for (let i = 0; i < 32; i++) {
    out[at + i] = Number(value & 0xffn)
    value >>= 8n
  }
}

/**
 * Encodes points as x || y, each 32 bytes little-endian: one field inversion for the whole batch
 * (Montgomery's trick), where compressing them would cost a square root each to decode.
 */
export function encodeAffine (points: readonly Point[]): Uint8Array[] {
  const inverses = Fp.invertBatch(points.map(point => point.Z))
  return points.map((point, i) => {
    const out = new Uint8Array(AFFINE_POINT_LENGTH)
    writeLittleEndian(Fp.mul(point.X, inverses[i]), out, 0)
    writeLittleEndian(Fp.mul(point.Y, inverses[i]), out, 32)
    return out
  })
}

/**
 * Decodes an uncompressed point. Throws InvalidCommitmentError unless the bytes are 64 long, both
 * coordinates are canonical (below p) and the point is on the curve: -x^2 + y^2 = 1 + d x^2 y^2.
 * Any point of the curve passes, the identity and torsion points included; see the module comment.
 */
export function decodeAffine (bytes: Uint8Array): Point {
  if (!(bytes instanceof Uint8Array) || bytes.length !== AFFINE_POINT_LENGTH) throw new InvalidCommitmentError(`a point must be ${AFFINE_POINT_LENGTH} bytes`)
  const x = littleEndian(bytes, 0)
  const y = littleEndian(bytes, 32)
  if (x >= FIELD_PRIME || y >= FIELD_PRIME) throw new InvalidCommitmentError('a point coordinate is not below p')
  const x2 = Fp.sqr(x)
  const y2 = Fp.sqr(y)
  if (!Fp.eql(Fp.sub(y2, x2), Fp.add(Fp.ONE, Fp.mul(CURVE_D, Fp.mul(x2, y2))))) throw new InvalidCommitmentError('a point is not on the curve')
  return Point.fromAffine({ x, y })
}

/** The X25519 u-coordinate (32 bytes little-endian) of a point; undefined for the identity, which has none. */
export function montgomeryU (point: Point): Uint8Array | undefined {
  const denominator = Fp.sub(point.Z, point.Y)
  if (Fp.is0(denominator)) return undefined
  const out = new Uint8Array(U_LENGTH)
  writeLittleEndian(Fp.mul(Fp.add(point.Z, point.Y), Fp.inv(denominator)), out, 0)
  return out
}

/**
 * The Edwards point with even x whose u-coordinate is the given canonical X25519 key (its negation has
 * the same u). Undefined when there is none: u not below p, u = -1, or u on the quadratic twist, where
 * X25519 still computes but no Edwards point, and so no proof about it, exists.
 */
export function edwardsFromU (u: Uint8Array): Point | undefined {
  if (!(u instanceof Uint8Array) || u.length !== U_LENGTH) return undefined
  const value = littleEndian(u, 0)
  if (value >= FIELD_PRIME) return undefined
  const denominator = Fp.add(value, Fp.ONE)
  if (Fp.is0(denominator)) return undefined
  const y = Fp.mul(Fp.sub(value, Fp.ONE), Fp.inv(denominator))
  const compressed = new Uint8Array(32)
  writeLittleEndian(y, compressed, 0)
  try {
    return Point.fromBytes(compressed)
  } catch {
    return undefined
  }
}

/** The point's prime-order part times 8: 8P, which no torsion survives. */
export function clearCofactor (point: Point): Point {
  return point.double().double().double()
}
