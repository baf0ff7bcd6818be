/**
 * The randomized Hadamard rotation R = H·diag(ξ)/√D: orthonormal, so it keeps the L2 norm that the
 * privacy analysis bounds, while it spreads a vector's mass evenly over the D coordinates, so that each
 * coordinate of a sum is sub-Gaussian with variance proxy ||sum||²/D and fits a small modulus.
 */

/** The power of two at least `dimension`. */
export function paddedDimension (dimension: number): number {
  return 2 ** Math.ceil(Math.log2(dimension))
}

/** The in-place fast Walsh-Hadamard transform of a power-of-two length vector, scaled by 1/√D. */
function walshHadamard (x: Float64Array): void {
  const n = x.length
  for (let h = 1; h < n; h *= 2) {
    for (let i = 0; i < n; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const a = x[j]
        const b = x[j + h]
        x[j] = a + b
        x[j + h] = a - b
      }
    }
  }
  const norm = 1 / Math.sqrt(n)
  for (let i = 0; i < n; i++) x[i] *= norm
}

/** x ← H·diag(ξ)·x/√D, with ξ_i = +1 or -1 by bit 0 of signs[i]. */
export function rotate (x: Float64Array, signs: Uint32Array): void {
  for (let i = 0; i < x.length; i++) if ((signs[i] & 1) === 1) x[i] = -x[i]
  walshHadamard(x)
}

/** The inverse: x ← diag(ξ)·H·x/√D (H/√D is its own inverse). */
export function unrotate (x: Float64Array, signs: Uint32Array): void {
  walshHadamard(x)
  for (let i = 0; i < x.length; i++) if ((signs[i] & 1) === 1) x[i] = -x[i]
}
