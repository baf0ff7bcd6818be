import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { composedRdp, ddgTau, epsilonOf, rdpOf, type PrivacyMechanism, type Release } from '../../../src/protocol/dp/accountant.js'

/**
 * The accountant against reference/accountant-reference.json: values computed in 50-digit arithmetic
 * by reference/accountant_reference.py, an implementation written from the papers rather than from
 * accountant.ts (rerun `python3 test/protocol/dp/reference/accountant_reference.py` to regenerate).
 * Expected values are decimal strings of 20 significant digits, so the only error measured is the
 * accountant's own.
 */

type Point =
  | { id: string, check: 'tau', peerStd: number, peers: number, expected: string }
  | { id: string, check: 'rdp', mechanism: PrivacyMechanism, alpha: number, expected: string }
  | { id: string, check: 'composed', releases: Release[], alpha: number, expected: string }
  | { id: string, check: 'epsilon', releases: Release[], delta: number, expected: string, alpha: string, basins: number }

const { points } = JSON.parse(readFileSync(new URL('./reference/accountant-reference.json', import.meta.url), 'utf8')) as { points: Point[] }

/** Far above double rounding through these few operations, far below any difference that matters. */
const TOLERANCE = 1e-9
/**
 * ε is flat at its minimum, so in double precision the order it is reached at is only pinned down to
 * about the square root of the rounding error in ε: the reported α is checked loosely.
 */
const ALPHA_TOLERANCE = 1e-6

/** Relative error; a zero expectation (τ with one peer) must be met exactly. */
const relativeError = (actual: number, expected: number): number =>
  expected === 0 ? (actual === 0 ? 0 : Infinity) : Math.abs(actual - expected) / Math.abs(expected)

/** One line per point the accountant misses, naming the point, so a failure says which and by how much. */
function misses<P extends Point> (check: P['check'], compute: (point: P) => number): string[] {
  const out: string[] = []
  for (const point of points.filter((p): p is P => p.check === check)) {
    const expected = Number(point.expected)
    const actual = compute(point)
    const error = relativeError(actual, expected)
    if (!(error <= TOLERANCE)) out.push(`${point.id}: got ${actual}, expected ${point.expected} (relative error ${error.toExponential(2)})`)
  }
  return out
}

describe('Rényi-DP accountant against the high-precision reference', () => {
  it('has at least 50 reference points, of every kind', () => {
    expect(points.length).toBeGreaterThanOrEqual(50)
    for (const check of ['tau', 'rdp', 'composed', 'epsilon']) expect(points.some(p => p.check === check), check).toBe(true)
    for (const kind of ['gaussian', 'discrete-gaussian-sum', 'skellam']) {
      expect(points.some(p => p.check === 'rdp' && p.mechanism.kind === kind), kind).toBe(true)
    }
  })

  it('computes the distributed discrete Gaussian τ of Kairouz, Liu and Steinke to 1e-9', () => {
    expect(misses<Extract<Point, { check: 'tau' }>>('tau', p => ddgTau(p.peerStd, p.peers))).toEqual([])
  })

  it('computes every mechanism’s RDP at one order to 1e-9', () => {
    expect(misses<Extract<Point, { check: 'rdp' }>>('rdp', p => rdpOf(p.mechanism, p.alpha))).toEqual([])
  })

  it('composes releases by adding their RDP, to 1e-9', () => {
    expect(misses<Extract<Point, { check: 'composed' }>>('composed', p => composedRdp(p.releases, p.alpha))).toEqual([])
  })

  it('converts to (ε, δ) at the order minimising ε over all α > 1, to 1e-9', () => {
    expect(misses<Extract<Point, { check: 'epsilon' }>>('epsilon', p => epsilonOf(p.releases, p.delta).epsilon)).toEqual([])
  })

  it('reports the order the minimum ε is reached at', () => {
    const wrong: string[] = []
    for (const point of points) {
      if (point.check !== 'epsilon') continue
      // α - 1 is what the search resolves (it searches ln(α - 1)), so compare that, relatively.
      const { alpha } = epsilonOf(point.releases, point.delta)
      const error = relativeError(alpha - 1, Number(point.alpha) - 1)
      if (!(error <= ALPHA_TOLERANCE)) wrong.push(`${point.id}: α = ${alpha}, expected ${point.alpha} (relative error in α - 1 ${error.toExponential(2)})`)
    }
    expect(wrong).toEqual([])
  })
})
