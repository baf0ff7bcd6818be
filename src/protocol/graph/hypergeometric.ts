/**
 * The hypergeometric distribution: how many of k neighbours, drawn without replacement from n peers
 * of which `marked` are marked (corrupt, or surviving), are marked. The parameter finder bounds its
 * tails. A port of fcp/secagg/server/distribution_utilities.cc (Google federated-compute).
 */

// Stirling's series for ln Gamma(x) is accurate to double precision beyond this; below it, a table.
const TABLE_SIZE = 256
const LOG_FACTORIALS = (() => {
  const table = new Float64Array(TABLE_SIZE)
  for (let i = 1; i < TABLE_SIZE; i++) table[i] = table[i - 1] + Math.log(i)
  return table
})()

/** ln(x!) for integer x >= 0. */
export function logFactorial (x: number): number {
  if (x < TABLE_SIZE) return LOG_FACTORIALS[x]
  const n = x + 1
  const inv = 1 / n
  const inv2 = inv * inv
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))
}

export class Hypergeometric {
  constructor (readonly total: number, readonly marked: number, readonly draws: number) {
    if (!(marked >= 0 && marked <= total && draws >= 0 && draws <= total)) {
      throw new RangeError(`invalid hypergeometric parameters (${total}, ${marked}, ${draws})`)
    }
  }

  /** Pr[X = x] where `counted` plays the role of the marked population (to evaluate either tail). */
  private pmf (x: number, counted: number): number {
    const { total: N, draws: n } = this
    if (x < 0 || x > n || x > counted || N + x < counted + n) return 0
    return Math.exp(logFactorial(n) + logFactorial(counted) + logFactorial(N - counted) + logFactorial(N - n) -
      logFactorial(x) - logFactorial(n - x) - logFactorial(counted - x) - logFactorial(N) - logFactorial(N - n - counted + x))
  }

  /** Pr[X <= x], summing down from x with the pmf's recurrence until the terms stop mattering. */
  private cdfFrom (x: number, counted: number): number {
    const N = this.total
    const n = this.draws
    let term = this.pmf(x, counted)
    let sum = 0
    while (term > sum * 1e-16) {
      sum += term
      term *= x
      term *= N - counted - n + x
      term /= counted - x + 1
      term /= n - x + 1
      x--
    }
    return sum
  }

  /** Pr[X <= x]; the upper tail is summed through the complementary distribution for accuracy. */
  cdf (x: number): number {
    x = Math.floor(x)
    const mean = this.marked * this.draws / this.total
    if (x > mean) return 1 - this.cdfFrom(this.draws - x - 1, this.total - this.marked)
    return this.cdfFrom(x, this.marked)
  }

  private quantileFrom (q: number, counted: number): number {
    const N = this.total
    const n = this.draws
    // start from a Hoeffding lower bound and walk up the pmf
    const start = Math.max(-1, counted + n - N - 1, n * (counted / N - Math.sqrt(-Math.log(q) / (2 * n))))
    let r = Math.floor(start)
    let cdf = this.cdfFrom(r, counted)
    let pmf = this.pmf(r, counted)
    while (cdf < q && r < n) {
      if (pmf > 0) {
        pmf /= r + 1
        pmf /= N - counted - n + r + 1
        pmf *= counted - r
        pmf *= n - r
      } else {
        pmf = this.pmf(r + 1, counted)
      }
      cdf += pmf
      r++
    }
    return r - 1
  }

  /**
   * The largest r with Pr[X <= r] < q (with `upper`, the smallest r with Pr[X > r] < q), as
   * Google's FindQuantile computes it.
   */
  quantile (q: number, upper = false): number {
    if (q > 0.5) {
      q = 1 - q
      upper = !upper
    }
    if (upper) return this.draws - this.quantileFrom(q, this.total - this.marked) - 1
    return this.quantileFrom(q, this.marked)
  }
}
