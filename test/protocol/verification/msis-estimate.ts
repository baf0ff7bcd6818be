/**
 * A conservative core-SVP estimate of the cost of short-integer-solution (SIS) problems in the infinity
 * norm: find z ≠ 0 with A·z ≡ 0 (mod q) and ||z||∞ <= β∞, for a uniform A over Z_q with `rows` rows and
 * as many columns as the attacker likes. Binding of the linear commitment Com = A·y reduces to it: two
 * openings Y ≠ Y' of one commitment give z = Y − Y' in the kernel, shorter than the bound on openings.
 * The ring structure of module-SIS is ignored (no known attack uses it at these parameters).
 *
 * The model, each step chosen in the attacker's favour:
 * - The attacker keeps w of the columns (Micciancio–Regev 2009, "Lattice-based cryptography": using
 *   all of them only makes the lattice larger) and reduces the w-dimensional q-ary lattice
 *   Λ⊥ = { z ∈ Z^w : A·z ≡ 0 mod q }, of determinant q^rows, with BKZ of block size b.
 * - By the geometric series assumption (Chen–Nguyen 2011), BKZ-b finds a vector of Euclidean length
 *   δ(b)^w · det^(1/w) = δ(b)^w · q^(rows/w), with the root-Hermite factor
 *   δ(b) = ((πb)^(1/b) · b / (2πe))^(1/(2(b−1))). It never returns anything longer than the q-vectors
 *   q·e_i, which are in Λ⊥, so ℓ(w, b) = min(q, δ(b)^w · q^(rows/w)).
 * - A vector of Euclidean length ℓ in dimension w has infinity norm at least ℓ/√w; we credit the
 *   attacker with that best case, so it wins if ℓ/√w <= β∞ for some w. The q-vectors themselves have
 *   infinity norm q, too long whenever β∞ < q; if β∞ >= q the problem is trivial.
 * - The cost of BKZ-b is one SVP call in dimension b, 2^(0.292 b) classically and 2^(0.257 b) with
 *   quantum sieving (the core-SVP costs of the Kyber and Dilithium submissions), ignoring the number
 *   of tours and the dimension of the lattice.
 * Everything is computed in log2, since q^rows and δ^w overflow doubles.
 *
 * The model holds while β∞·√w < q for the attack's w. Beyond, a vector may take coordinates on the
 * q-vectors of the reduced basis, uniform mod q and each within β∞ with probability (2β∞ + 1)/q (the
 * infinity-norm analysis of the round-3 Dilithium specification), which this model does not credit: it
 * would overstate the cost, so the estimator refuses to answer there.
 */

export interface SisInfParams {
  /** rows of A over Z_q (κ·N for a κ-row module matrix over Z_q[X]/(X^N + 1)) */
  rows: number
  log2q: number
  log2BetaInf: number
  /** the columns available to the attacker; unbounded by default */
  maxColumns?: number
}

export interface SisInfEstimate {
  /** the smallest BKZ block size that finds a solution; 0 if a q-vector is one, Infinity if none up to MAX_BLOCK_SIZE does */
  blockSize: number
  classicalBits: number
  quantumBits: number
  /** the number of columns w the attack uses at that block size */
  dimension: number
}

// Below 50 the δ formula is not accurate (nor is the core-SVP cost): a block size of 50 reads "at most 50",
// broken in practice. Beyond 2000 the cost exceeds 2^584 and the model says nothing more useful.
const MIN_BLOCK_SIZE = 50
const MAX_BLOCK_SIZE = 2000
const CLASSICAL_BITS_PER_BLOCK = 0.292
const QUANTUM_BITS_PER_BLOCK = 0.257

/** The root-Hermite factor δ(b) that BKZ-b achieves, by the formula above (b >= 2). */
export function rootHermiteFactor (b: number): number {
  if (!(b >= 2)) throw new RangeError(`block size must be at least 2, got ${b}`)
  return ((Math.PI * b) ** (1 / b) * b / (2 * Math.PI * Math.E)) ** (1 / (2 * (b - 1)))
}

export function estimateSisInf ({ rows, log2q, log2BetaInf, maxColumns = Infinity }: SisInfParams): SisInfEstimate {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`)
  if (!(maxColumns > rows)) throw new RangeError(`the attacker needs more columns than rows, got ${maxColumns} for ${rows} rows`)
  // q·e_1 is in the kernel with infinity norm q
  if (log2BetaInf >= log2q) return { blockSize: 0, classicalBits: 0, quantumBits: 0, dimension: 1 }
  for (let b = MIN_BLOCK_SIZE; b <= MAX_BLOCK_SIZE; b++) {
    const dimension = attackDimension(rows, log2q, log2BetaInf, Math.log2(rootHermiteFactor(b)), maxColumns)
    if (dimension !== undefined) {
      if (log2BetaInf + Math.log2(dimension) / 2 >= log2q) throw new RangeError(`β∞ = 2^${log2BetaInf} is too close to q = 2^${log2q} for this model`)
      return { blockSize: b, classicalBits: CLASSICAL_BITS_PER_BLOCK * b, quantumBits: QUANTUM_BITS_PER_BLOCK * b, dimension }
    }
  }
  return { blockSize: Infinity, classicalBits: Infinity, quantumBits: Infinity, dimension: 0 }
}

/**
 * The number of columns w for which BKZ with this δ finds the vector of smallest infinity-norm bound
 * ℓ/√w, if that bound is within β∞; undefined if no w gives a solution.
 */
function attackDimension (rows: number, log2q: number, log2BetaInf: number, log2Delta: number, maxColumns: number): number | undefined {
  // From w = log2q / log2δ on, δ^w alone reaches q: BKZ finds only q-vectors. Below w = rows + 1 likewise.
  const last = Math.min(maxColumns, Math.floor(log2q / log2Delta))
  let best: number | undefined
  let bestLog2Inf = log2BetaInf
  for (let w = rows + 1; w <= last; w++) {
    const log2Length = w * log2Delta + rows * log2q / w
    if (log2Length >= log2q) continue
    const log2Inf = log2Length - Math.log2(w) / 2
    if (log2Inf <= bestLog2Inf) {
      best = w
      bestLog2Inf = log2Inf
    }
  }
  return best
}
