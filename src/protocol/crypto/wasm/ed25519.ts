/**
 * Feldman's verifiable secret sharing in WebAssembly (ed25519.wat): a holder's check of its shares (the
 * commitments decoded and checked on the curve, the sum of x^i C_i by Horner's rule, s B from a table
 * of multiples of B), a dealer's commitments a_i B, and the check that an X25519 key is not on the twist,
 * in 64-bit limbs instead of @noble/curves' BigInt (about 0.85 us a point operation against 5 on the
 * 2-core machine). A holder at n = 100 on a complete graph checks 99 dealers' two polynomials of 51
 * commitments each, about 90,000 point operations a round. @noble/curves stays the reference, and the
 * fallback where WebAssembly is missing (crypto/feldman.ts); test/protocol/crypto/ed25519-wasm.test.ts
 * checks one against the other.
 *
 * Timing: a holder's check skips its share's zero digits and reads the table at the others, as
 * @noble/curves' multiplyUnsafe did before it. A dealer's a_i B takes every digit and reads whole table
 * rows under masks, so that no branch or memory address depends on a_i; WebAssembly does not promise
 * that the machine code keeps this (the README's security notes).
 */
import { ED25519_WASM_BASE64 } from './ed25519-module.js'
import { compileKernel, instantiateKernel } from './module.js'
import { Point } from '../ed25519-group.js'

/** ed25519.wat's layout: field elements of ten 8-byte limbs, points of four, where its comment puts them. */
const LIMBS = 10
const ELEMENT_BYTES = 8 * LIMBS
const POINT_BYTES = 4 * ELEMENT_BYTES
const ENCODED_BYTES = 64
// byte offsets, in the order of the .wat's layout comment
const TWICE_D = 0
const D = 80
const ONE = 960
const ACCUMULATOR = 1040
const BASE_POINT = 2000
const DIGITS = 2400
const MAX_DIGITS = 40
const SCALAR = 2816
const RESULT = 3072
const MONTGOMERY_A = 3840
const POINTS = 167936
/** load reads 4 bytes past the last encoding. */
const SLACK = 8

/** Limb i holds bits from 26i - floor(i/2) up: widths 26, 25, 26, 25, ... */
const WIDTHS = Array.from({ length: LIMBS }, (_, i) => BigInt(26 - (i % 2)))
const { p: FIELD_PRIME, d: CURVE_D } = Point.CURVE()

/** Extended coordinates (X : Y : Z : T), each in [0, p). */
export interface ExtendedCoordinates {
  X: bigint
  Y: bigint
  Z: bigint
  T: bigint
}

export interface EdwardsKernel {
  /**
   * Loads the encoded points (64 bytes each: x then y, little-endian) for `horner`; returns how many
   * lead the list that are canonical and on the curve, all of them when all are.
   */
  load: (encoded: readonly Uint8Array[]) => number
  /** Sums x^i P_i over the points last loaded, x given by its signed binary digits (nafDigits in feldman.ts). */
  horner: (digits: readonly number[]) => void
  /** The last sum. */
  sum: () => ExtendedCoordinates
  /** True when 8 (s B - the last sum) is the identity, for a scalar s < 2^255 (32 bytes, little-endian). */
  commits: (scalar: Uint8Array) => boolean
  /**
   * s B for a secret scalar s < 2^255 (32 bytes, little-endian), with no branch or memory read that
   * depends on s.
   */
  baseMultiply: (scalar: Uint8Array) => ExtendedCoordinates
  /** True when u (32 bytes, little-endian) is the canonical u-coordinate of a point of the curve, not its twist (as edwardsFromU finds). */
  onCurveU: (u: Uint8Array) => boolean
}

interface Ed25519Exports {
  memory: WebAssembly.Memory
  init: () => void
  load: (dst: number, src: number, count: number) => number
  horner: (points: number, count: number, ndigits: number) => void
  commits: () => number
  base_multiply: () => void
  on_curve_u: (src: number) => number
}

const module = compileKernel(ED25519_WASM_BASE64)

function limbsOf (value: bigint): BigInt64Array {
  const limbs = new BigInt64Array(LIMBS)
  for (let i = 0; i < LIMBS; i++) {
    limbs[i] = value & ((1n << WIDTHS[i]) - 1n)
    value >>= WIDTHS[i]
  }
  return limbs
}

/** The value of canonical limbs, in [0, p). */
function fromLimbs (limbs: BigInt64Array, at: number): bigint {
  let value = limbs[at + LIMBS - 1]
  for (let i = LIMBS - 2; i >= 0; i--) value = (value << WIDTHS[i]) | limbs[at + i]
  return value
}

/**
 * The kernel over one instance: its calls are synchronous, so one instance serves every caller in
 * turn. The memory grows to the longest list of points loaded (a threshold's worth, 25 MB at the
 * most shares). Building its table of multiples of B takes about 600 point operations, once.
 */
function edwardsKernel (exports: Ed25519Exports): EdwardsKernel {
  const { memory } = exports
  const element = (at: number): BigInt64Array => new BigInt64Array(memory.buffer, at, LIMBS)
  element(D).set(limbsOf(CURVE_D))
  element(TWICE_D).set(limbsOf((2n * CURVE_D) % FIELD_PRIME))
  element(ONE).set(limbsOf(1n))
  element(MONTGOMERY_A).set(limbsOf(486662n))
  const { X, Y, Z, T } = Point.BASE
  ;[X, Y, Z, T].forEach((coordinate, i) => element(BASE_POINT + i * ELEMENT_BYTES).set(limbsOf(coordinate)))
  exports.init()
  let loaded = 0
  let summed = false
  const pointAt = (at: number): ExtendedCoordinates => {
    const limbs = new BigInt64Array(memory.buffer, at, 4 * LIMBS)
    return { X: fromLimbs(limbs, 0), Y: fromLimbs(limbs, LIMBS), Z: fromLimbs(limbs, 2 * LIMBS), T: fromLimbs(limbs, 3 * LIMBS) }
  }
  const setScalar = (scalar: Uint8Array): void => {
    if (scalar.length !== 32 || scalar[31] >= 128) throw new RangeError('a scalar is 32 bytes, below 2^255')
    new Uint8Array(memory.buffer, SCALAR, 32).set(scalar)
  }
  return {
    load (encoded) {
      // nothing is loaded until this load succeeds: a failed one must not leave a mix of two lists
      loaded = 0
      summed = false
      const wrong = encoded.find(point => point.length !== ENCODED_BYTES)
      if (wrong !== undefined) throw new RangeError(`an encoded point is ${ENCODED_BYTES} bytes, got ${wrong.length}`)
      const src = POINTS + encoded.length * POINT_BYTES
      const needed = src + encoded.length * ENCODED_BYTES + SLACK
      if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536))
      const bytes = new Uint8Array(memory.buffer)
      encoded.forEach((point, i) => bytes.set(point, src + i * ENCODED_BYTES))
      const valid = exports.load(POINTS, src, encoded.length)
      loaded = valid === encoded.length ? valid : 0
      return valid
    },
    horner (digits) {
      if (loaded === 0) throw new RangeError('no points are loaded')
      if (digits.length > MAX_DIGITS) throw new RangeError(`x has ${digits.length} digits, at most ${MAX_DIGITS} fit`)
      new Int32Array(memory.buffer, DIGITS, digits.length).set(digits)
      exports.horner(POINTS, loaded, digits.length)
      summed = true
    },
    sum () {
      if (!summed) throw new RangeError('nothing is summed')
      return pointAt(ACCUMULATOR)
    },
    baseMultiply (scalar) {
      setScalar(scalar)
      exports.base_multiply()
      return pointAt(RESULT)
    },
    commits (scalar) {
      if (!summed) throw new RangeError('nothing is summed')
      setScalar(scalar)
      return exports.commits() === 1
    },
    onCurveU (u) {
      if (u.length !== 32) return false
      new Uint8Array(memory.buffer, SCALAR, 32).set(u)
      return exports.on_curve_u(SCALAR) === 1
    }
  }
}

let instance: EdwardsKernel | undefined

/** The shared kernel, or undefined where WebAssembly is missing. */
export function ed25519Kernel (): EdwardsKernel | undefined {
  if (module === undefined) return undefined
  instance ??= edwardsKernel(instantiateKernel<Ed25519Exports>(module))
  return instance
}
