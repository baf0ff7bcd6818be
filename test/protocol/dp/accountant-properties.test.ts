import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { composedRdp, epsilonAtOrder, epsilonOf, rdpOf, type PrivacyMechanism, type Release } from '../../../src/protocol/dp/accountant.js'

/**
 * Properties any sound RDP accountant has, whatever its constants: more noise, fewer rounds, larger δ
 * and smaller sensitivity never cost more; RDP grows with the order; composition is addition; and
 * epsilonOf is the minimum of the conversion over the orders. The high-precision reference
 * (accountant-reference.test.ts) checks the values themselves.
 */

/** Log-uniform, so every decade of the range is drawn about as often. */
const logUniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min: Math.log(min), max: Math.log(max), noNaN: true }).map(x => Math.min(max, Math.max(min, Math.exp(x))))

const l2Arb = logUniform(1, 1000)

const gaussianArb: fc.Arbitrary<PrivacyMechanism> = fc.record({
  kind: fc.constant('gaussian' as const),
  noiseStd: logUniform(0.5, 1e4),
  l2Sensitivity: l2Arb
})

// An integer vector's l1 norm lies between its l2 norm and sqrt(dimension) times it.
const ddgArb: fc.Arbitrary<PrivacyMechanism> = fc.record({
  peerStd: logUniform(0.5, 1e4),
  peers: fc.integer({ min: 1, max: 1000 }),
  dimension: logUniform(1, 2 ** 20).map(Math.round),
  l2Sensitivity: l2Arb,
  spread: fc.double({ min: 0, max: 1, noNaN: true })
}).map(({ spread, ...m }) => ({
  kind: 'discrete-gaussian-sum' as const,
  ...m,
  l1Sensitivity: m.l2Sensitivity * Math.sqrt(m.dimension) ** spread
}))

// mu up to 5e7: Skellam noise of standard deviation sqrt(2 mu) up to 1e4, as for the others.
const skellamArb: fc.Arbitrary<PrivacyMechanism> = fc.record({
  mu: logUniform(0.125, 5e7),
  l2Sensitivity: l2Arb,
  l1Factor: logUniform(1, 1000)
}).map(({ l1Factor, ...m }) => ({ kind: 'skellam' as const, ...m, l1Sensitivity: m.l2Sensitivity * l1Factor }))

const mechanismArb = fc.oneof(gaussianArb, ddgArb, skellamArb)
const countArb = fc.integer({ min: 1, max: 1000 })
const releasesArb: fc.Arbitrary<Release[]> = fc.array(fc.record({ mechanism: mechanismArb, count: countArb }), { minLength: 1, maxLength: 4 })
const deltaArb = logUniform(1e-12, 1e-2)
const alphaArb = logUniform(1.001, 1e4)
/** Scales noise or sensitivity up by at least nothing and at most a hundredfold. */
const factorArb = logUniform(1, 100)

/**
 * The minimisation is numerical: two ε that should compare one way may differ the other way by the
 * rounding of the search, a few ulps of ε.
 */
const SLACK = 1e-12
const atMost = (a: number, b: number): boolean => a <= b + SLACK * Math.abs(b)

function withMoreNoise (m: PrivacyMechanism, factor: number): PrivacyMechanism {
  switch (m.kind) {
    case 'gaussian': return { ...m, noiseStd: m.noiseStd * factor }
    case 'discrete-gaussian-sum': return { ...m, peerStd: m.peerStd * factor }
    // Skellam's standard deviation is sqrt(2 mu).
    case 'skellam': return { ...m, mu: m.mu * factor * factor }
  }
}

function withMoreSensitivity (m: PrivacyMechanism, factor: number): PrivacyMechanism {
  return m.kind === 'gaussian'
    ? { ...m, l2Sensitivity: m.l2Sensitivity * factor }
    : { ...m, l2Sensitivity: m.l2Sensitivity * factor, l1Sensitivity: m.l1Sensitivity * factor }
}

describe('Rényi-DP accountant properties', () => {
  it('never reports a larger ε when every release gets more noise', () => {
    fc.assert(fc.property(releasesArb, factorArb, deltaArb, (releases, factor, delta) => {
      const noisier = releases.map(r => ({ ...r, mechanism: withMoreNoise(r.mechanism, factor) }))
      expect(atMost(epsilonOf(noisier, delta).epsilon, epsilonOf(releases, delta).epsilon)).toBe(true)
    }))
  })

  it('never reports a smaller ε when more rounds are composed', () => {
    fc.assert(fc.property(releasesArb, fc.integer({ min: 0, max: 3 }), countArb, deltaArb, (releases, which, extra, delta) => {
      const i = which % releases.length
      const more = releases.map((r, j) => j === i ? { ...r, count: r.count + extra } : r)
      expect(atMost(epsilonOf(releases, delta).epsilon, epsilonOf(more, delta).epsilon)).toBe(true)
    }))
  })

  it('never reports a larger ε for a larger δ', () => {
    fc.assert(fc.property(releasesArb, deltaArb, deltaArb, (releases, a, b) => {
      const [small, large] = a <= b ? [a, b] : [b, a]
      expect(atMost(epsilonOf(releases, large).epsilon, epsilonOf(releases, small).epsilon)).toBe(true)
    }))
  })

  it('never reports a smaller ε when sensitivities grow', () => {
    fc.assert(fc.property(releasesArb, factorArb, deltaArb, (releases, factor, delta) => {
      const larger = releases.map(r => ({ ...r, mechanism: withMoreSensitivity(r.mechanism, factor) }))
      expect(atMost(epsilonOf(releases, delta).epsilon, epsilonOf(larger, delta).epsilon)).toBe(true)
    }))
  })

  it('gives an RDP curve that never decreases with the order', () => {
    // Every bound is a minimum of functions increasing in α, and rounding is monotone: no slack needed.
    fc.assert(fc.property(mechanismArb, alphaArb, alphaArb, (mechanism, a, b) => {
      const [low, high] = a <= b ? [a, b] : [b, a]
      expect(rdpOf(mechanism, low)).toBeLessThanOrEqual(rdpOf(mechanism, high))
    }))
  })

  it('charges k releases of one mechanism the same as one release counted k times', () => {
    fc.assert(fc.property(mechanismArb, fc.integer({ min: 1, max: 200 }), alphaArb, deltaArb, (mechanism, k, alpha, delta) => {
      const copies: Release[] = Array.from({ length: k }, () => ({ mechanism, count: 1 }))
      const counted: Release[] = [{ mechanism, count: k }]
      // k additions round at most k times; ε is then flat at its minimum.
      const rdp = composedRdp(counted, alpha)
      expect(Math.abs(composedRdp(copies, alpha) - rdp)).toBeLessThanOrEqual(k * Number.EPSILON * rdp)
      const epsilon = epsilonOf(counted, delta).epsilon
      expect(Math.abs(epsilonOf(copies, delta).epsilon - epsilon)).toBeLessThanOrEqual(1e-9 * epsilon)
    }))
  })

  it('reports an ε no larger than the conversion at any order it searches', () => {
    // accountant.ts searches α - 1 over [1e-3, 1e6]; every order drawn here is one it could have used.
    const orderArb = fc.double({ min: -3, max: 6, noNaN: true }).map(e => 1 + 10 ** e)
    fc.assert(fc.property(releasesArb, deltaArb, fc.array(orderArb, { minLength: 1, maxLength: 20 }), (releases, delta, alphas) => {
      const { epsilon } = epsilonOf(releases, delta)
      for (const alpha of alphas) expect(atMost(epsilon, epsilonAtOrder(composedRdp(releases, alpha), alpha, delta))).toBe(true)
    }))
  })

  it('rejects a δ outside (0, 1) with a RangeError', () => {
    const outside = fc.oneof(
      fc.double({ max: 0, noNaN: true }),
      fc.double({ min: 1, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1)
    )
    fc.assert(fc.property(releasesArb, outside, (releases, delta) => {
      expect(() => epsilonOf(releases, delta)).toThrow(RangeError)
    }))
  })
})
