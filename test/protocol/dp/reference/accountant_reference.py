#!/usr/bin/env python3
"""Reference values for the Rényi-DP accountant (src/protocol/dp/accountant.ts).

This is an independent implementation of the bounds the accountant uses, written from the papers in
50-digit arithmetic, that writes accountant-reference.json next to this file. The TypeScript tests
(test/protocol/dp/accountant-reference.test.ts) load that file and check the accountant against every
point in it. Nothing here is translated from accountant.ts; where the two agree, they agree because
both follow the papers.

Rerun from the repository root (deterministic: no randomness, the same JSON every time):

    python3 test/protocol/dp/reference/accountant_reference.py

It needs only python3 and mpmath (Debian: python3-mpmath).

What each function implements, all in the integer units the noise is drawn in:

* gaussian_terms: the continuous Gaussian N(0, s^2) with l2 sensitivity D2 is (a, a D2^2 / (2 s^2))-RDP
  (Mironov, "Rényi Differential Privacy", CSF 2017, Proposition 7).

* ddg_tau, ddg_terms: the sum Z_n of n independent N_Z(0, sigma^2) vectors in Z^d (Kairouz, Liu,
  Steinke, "The Distributed Discrete Gaussian Mechanism for Federated Learning with Secure
  Aggregation", ICML 2021, arXiv 2102.06387, Proposition 14; tau as in Theorem 1):
      tau = 10 * sum_{k=1}^{n-1} exp(-2 pi^2 sigma^2 k / (k+1))
      D_a(Z_n || Z_n + D) <= min{ a/2 * D2^2/(n sigma^2) + tau d,
                                  a/2 * (D2^2/(n sigma^2) + 2 D1 tau / (sqrt(n) sigma) + tau^2 d),
                                  a/2 * (D2/(sqrt(n) sigma) + tau sqrt(d))^2 }
  for every D in Z^d with ||D||_1 <= D1 and ||D||_2 <= D2. With n = 1, tau = 0 and this is the single
  discrete Gaussian's a D2^2 / (2 sigma^2) of Canonne, Kamath and Steinke (2020).

* skellam_terms: the multidimensional Skellam mechanism (Agarwal, Kairouz, Liu, "The Skellam Mechanism
  for Differentially Private Federated Learning", NeurIPS 2021, arXiv 2110.04995, Theorem 3.5). The
  paper's Sk_{0,m} has pmf exp(-m) I_k(m), i.e. variance m: it is Poisson(m/2) - Poisson(m/2). Its
  bound, for sensitivities D1, D2 and a > 1, is
      eps(a) = a D2^2 / (2m) + min{ ((2a - 1) D2^2 + 6 D1) / (4 m^2), 3 D1 / (2m) }.
  The accountant's Skellam is Poisson(mu) - Poisson(mu), so m = 2 mu here.

* composed_rdp: RDP composes by adding (Mironov 2017, Proposition 1), so `count` releases of a
  mechanism cost count * eps(a) at every order a.

* epsilon_at_order, epsilon_of: (a, r)-RDP implies (eps, delta)-DP with
      eps = r + log((a - 1)/a) - (log(delta) + log(a)) / (a - 1)
  (Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential Privacy", NeurIPS 2020,
  arXiv 2004.00010, Proposition 12), minimised here over every real a > 1. Every bound above is, at
  each order, the minimum of a few functions affine in a, so the composed r(a) is concave and piecewise
  affine; where it is affine, r(a) = A a + B, the derivative of eps is
      A + (log(delta) + log(a)) / (a - 1)^2,
  whose sign is that of phi(a) = A (a - 1)^2 + log(a) + log(delta), strictly increasing in a. So on
  each affine piece the minimiser is phi's root clamped to the piece (found by bisection to 50 digits),
  and the global minimum is the least of the pieces' minima. Where the discrete Gaussian sum's active
  term changes near the best order, eps(a) can have two local minima of nearly the same height; this
  finds both, where a grid followed by a local search can settle in the wrong one.

check_bounds_against_exact_divergences computes exact Rényi divergences of 1-D Skellam noise (through
Bessel functions) and of sums of a few discrete Gaussians (by convolving their pmfs) and asserts that
the bounds above are never below them: a wrong variance convention or a too-small tau would show up
there as a bound smaller than the true divergence.

The JSON holds {"about", "points"}; each point has an "id" naming it, a "check" and the accountant's
inputs in its own shapes, and "expected" as a decimal string of 20 significant digits:
  tau:      peerStd, peers                        -> ddgTau(peerStd, peers)
  rdp:      mechanism, alpha                      -> rdpOf(mechanism, alpha)
  composed: releases [{mechanism, count}], alpha  -> composedRdp(releases, alpha)
  epsilon:  releases, delta                       -> epsilonOf(releases, delta).epsilon,
            with "alpha" (the minimising order) and "basins" (how many local minima eps(a) has).
"""

import json
import os

from mpmath import besseli, exp, fsum, log, mp, mpf, nstr, pi, sqrt

mp.dps = 50

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'accountant-reference.json')
DIGITS = 20


def js_number(x):
    """The exact binary value of a JSON number, as JavaScript parses it."""
    return mpf(float(x))


# ---------------------------------------------------------------------------------------------------
# Per-mechanism RDP bounds, each returned as the list of functions of the order whose minimum it is.

def gaussian_terms(mech):
    s, d2 = js_number(mech['noiseStd']), js_number(mech['l2Sensitivity'])
    return [lambda a: a * d2 ** 2 / (2 * s ** 2)]


def ddg_tau(sigma, n):
    sigma = js_number(sigma)
    return 10 * fsum(exp(-2 * pi ** 2 * sigma ** 2 * mpf(k) / (k + 1)) for k in range(1, int(n)))


def ddg_terms(mech):
    sigma, n, d = js_number(mech['peerStd']), int(mech['peers']), mpf(int(mech['dimension']))
    d2, d1 = js_number(mech['l2Sensitivity']), js_number(mech['l1Sensitivity'])
    tau = ddg_tau(mech['peerStd'], n)
    scale = sqrt(n) * sigma
    return [
        lambda a: a / 2 * d2 ** 2 / scale ** 2 + tau * d,
        lambda a: a / 2 * (d2 ** 2 / scale ** 2 + 2 * d1 * tau / scale + tau ** 2 * d),
        lambda a: a / 2 * (d2 / scale + tau * sqrt(d)) ** 2,
    ]


def skellam_terms(mech):
    variance = 2 * js_number(mech['mu'])  # the paper's m: Poisson(mu) - Poisson(mu) has variance 2 mu
    d2, d1 = js_number(mech['l2Sensitivity']), js_number(mech['l1Sensitivity'])
    return [
        lambda a: a * d2 ** 2 / (2 * variance) + ((2 * a - 1) * d2 ** 2 + 6 * d1) / (4 * variance ** 2),
        lambda a: a * d2 ** 2 / (2 * variance) + 3 * d1 / (2 * variance),
    ]


TERMS = {'gaussian': gaussian_terms, 'discrete-gaussian-sum': ddg_terms, 'skellam': skellam_terms}


def rdp(mech, alpha):
    return min(t(mpf(alpha)) for t in TERMS[mech['kind']](mech))


def composed_rdp(releases, alpha):
    return fsum(r['count'] * rdp(r['mechanism'], alpha) for r in releases)


def epsilon_at_order(r, alpha, delta):
    alpha, delta = mpf(alpha), js_number(delta)
    return r + log((alpha - 1) / alpha) - (log(delta) + log(alpha)) / (alpha - 1)


# ---------------------------------------------------------------------------------------------------
# The minimisation over real orders.

def affine(term):
    """(slope, intercept) of a function affine in the order; checked at a third order."""
    y1, y2, y3 = term(mpf(1)), term(mpf(2)), term(mpf(7))
    slope = y2 - y1
    assert abs(y1 + 6 * slope - y3) <= 1000 * mp.eps * (1 + abs(y3)), 'an RDP term is not affine in alpha'
    return slope, y1 - slope


def bisect_increasing(f, lo, hi, iterations=400):
    """The root of an increasing f on [lo, hi] with f(lo) < 0 < f(hi)."""
    for _ in range(iterations):
        mid = (lo + hi) / 2
        if mid == lo or mid == hi:
            break
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def epsilon_of(releases, delta):
    """min over a > 1 of epsilon_at_order(composed_rdp(a), a, delta), as (epsilon, alpha, basins).

    basins counts the local minima of epsilon over a: more than one happens when a discrete Gaussian
    sum's active term changes between two orders that both nearly minimise epsilon.
    """
    delta = js_number(delta)
    lines = [(r['count'], [affine(t) for t in TERMS[r['mechanism']['kind']](r['mechanism'])]) for r in releases if r['count'] > 0]
    # Orders where some release's active term may change: where two of its terms cross.
    kinks = set()
    for _, terms in lines:
        for i, (ai, bi) in enumerate(terms):
            for aj, bj in terms[i + 1:]:
                if ai != aj:
                    x = (bj - bi) / (ai - aj)
                    if x > 1:
                        kinks.add(x)
    # phi > 0 from a = 1/delta on, so the minimiser is below it.
    top = 1 / delta
    edges = [mpf(1)] + sorted(k for k in kinks if k < top) + [top]
    best, basins = None, 0
    for lo, hi in zip(edges, edges[1:]):
        mid = (lo + hi) / 2
        slope = fsum(c * min(terms, key=lambda ab: ab[0] * mid + ab[1])[0] for c, terms in lines)
        phi = lambda a: slope * (a - 1) ** 2 + log(a) + log(delta)  # noqa: E731
        # phi(1) = log(delta) < 0, so the first piece never has its minimum at its left end. The RDP
        # curve is concave, so its slope only drops at a kink: epsilon's derivative jumps down there and
        # a kink is never a minimum; every minimum is a root of phi inside a piece.
        if lo > 1 and phi(lo) >= 0:
            at = lo
        elif phi(hi) <= 0:
            at = hi
        else:
            at = bisect_increasing(phi, lo, hi)
            basins += 1
        value = epsilon_at_order(composed_rdp(releases, at), at, delta)
        if best is None or value < best[0]:
            best = (value, at)
    return best[0], best[1], basins


# ---------------------------------------------------------------------------------------------------
# Sanity: the bounds are never below exact divergences computed from the distributions themselves.

def renyi(p, q, alpha):
    """D_alpha(P || Q) for pmfs given as dicts on the integers (support of P inside that of Q)."""
    total = fsum(p[k] ** alpha * q[k] ** (1 - alpha) for k in p if p[k] > 0)
    return log(total) / (alpha - 1)


def skellam_pmf(variance, radius):
    # I_{-k} = I_k for integer k
    return {k: exp(-variance) * besseli(abs(k), variance) for k in range(-radius, radius + 1)}


def discrete_gaussian_pmf(sigma, radius):
    weights = {k: exp(-mpf(k) ** 2 / (2 * sigma ** 2)) for k in range(-radius, radius + 1)}
    total = fsum(weights.values())
    return {k: w / total for k, w in weights.items()}


def convolve(p, q):
    out = {}
    for i, pi_ in p.items():
        for j, qj in q.items():
            out[i + j] = out.get(i + j, 0) + pi_ * qj
    return out


def shifted(p, by):
    return {k + by: v for k, v in p.items()}


def restrict(p, keys):
    return {k: v for k, v in p.items() if k in keys}


def check_bounds_against_exact_divergences():
    worst = mpf(0)
    for mu in ['0.5', '2', '10']:
        pmf = skellam_pmf(2 * mpf(mu), 160)
        for shift in [1, 3]:
            other = shifted(pmf, shift)
            inner = restrict(pmf, other.keys())
            for alpha in ['1.5', '2', '5', '20']:
                exact = renyi(inner, other, mpf(alpha))
                bound = rdp({'kind': 'skellam', 'mu': float(mu), 'l2Sensitivity': shift, 'l1Sensitivity': shift}, mpf(alpha))
                assert exact <= bound, f'Skellam bound below the exact divergence: mu={mu} shift={shift} alpha={alpha}'
                worst = max(worst, exact / bound)
    for sigma in ['0.5', '0.7', '1']:
        one = discrete_gaussian_pmf(mpf(sigma), 40)
        total = one
        for n in range(2, 5):
            total = convolve(total, one)
            other = shifted(total, 1)
            inner = restrict(total, other.keys())
            for alpha in ['1.5', '2', '5', '20']:
                exact = renyi(inner, other, mpf(alpha))
                bound = rdp({'kind': 'discrete-gaussian-sum', 'peerStd': float(sigma), 'peers': n, 'dimension': 1,
                             'l2Sensitivity': 1, 'l1Sensitivity': 1}, mpf(alpha))
                assert exact <= bound, f'DDG bound below the exact divergence: sigma={sigma} n={n} alpha={alpha}'
                worst = max(worst, exact / bound)
    return worst


# ---------------------------------------------------------------------------------------------------
# The points. Parameters span the ranges the accountant is used over; each list is chosen so that
# every branch of every min above is the active one somewhere (the script prints which).

def gaussian(noise_std, l2):
    return {'kind': 'gaussian', 'noiseStd': noise_std, 'l2Sensitivity': l2}


def ddg(peer_std, peers, dimension, l2, l1):
    return {'kind': 'discrete-gaussian-sum', 'peerStd': peer_std, 'peers': peers, 'dimension': dimension,
            'l2Sensitivity': l2, 'l1Sensitivity': l1}


def skellam(mu, l2, l1):
    return {'kind': 'skellam', 'mu': mu, 'l2Sensitivity': l2, 'l1Sensitivity': l1}


RDP_CASES = [
    (gaussian(0.5, 1), 1.01),
    (gaussian(1, 1), 2),
    (gaussian(3.7, 2), 32.5),
    (gaussian(50, 30), 1000),
    (gaussian(1000, 1), 1.5),
    (gaussian(1000, 1000), 7),
    (gaussian(10000, 1), 1000),
    (gaussian(10000, 255), 1.01),
    (ddg(0.5, 2, 1, 1, 1), 2),
    (ddg(0.5, 10, 16, 4, 12), 1.01),
    (ddg(0.5, 1000, 1, 1, 1), 5),
    (ddg(0.5, 1000, 1048576, 1000, 30000), 1000),
    (ddg(0.7, 100, 1024, 50, 400), 1.01),
    (ddg(0.8, 10, 1, 1, 1), 1000),
    (ddg(1, 2, 1, 1, 1), 1.01),
    (ddg(1, 100, 65536, 200, 5000), 16),
    (ddg(1, 1000, 1048576, 4096, 262144), 1.01),
    (ddg(1.5, 50, 1000, 30, 300), 3),
    (ddg(2, 1000, 1048576, 1000, 100000), 100),
    (ddg(4, 10, 1000, 20, 100), 2),
    (ddg(20, 1, 1, 1, 1), 2),
    (ddg(20, 100, 4096, 64, 512), 1000),
    (ddg(300, 1000, 1048576, 10000, 1000000), 1.5),
    (ddg(10000, 5, 1048576, 100000, 10000000), 10),
    (skellam(0.125, 1, 1), 1.01),
    (skellam(0.125, 1, 1), 1000),
    (skellam(0.5, 2, 4), 2),
    (skellam(2, 1, 1), 64),
    (skellam(10, 3, 9), 1.01),
    (skellam(50, 10, 30), 500),
    (skellam(1000, 100, 1000), 8),
    (skellam(1000, 1, 1), 1000),
    (skellam(200000, 1000, 60000), 1.2),
    (skellam(50000000, 10000, 2000000), 1000),
    (skellam(50000000, 1, 1), 1.01),
]

COMPOSED_CASES = [
    ([{'mechanism': gaussian(1, 1), 'count': 1}], 2),
    ([{'mechanism': gaussian(30, 5), 'count': 1000}], 1.01),
    ([{'mechanism': gaussian(30, 5), 'count': 10}, {'mechanism': gaussian(200, 5), 'count': 3}], 12.25),
    ([{'mechanism': ddg(0.5, 10, 16, 4, 12), 'count': 7}, {'mechanism': skellam(0.5, 2, 4), 'count': 2}], 3),
    ([{'mechanism': ddg(1, 1000, 1048576, 4096, 262144), 'count': 100},
      {'mechanism': ddg(1, 500, 1048576, 4096, 262144), 'count': 20}], 1.01),
    ([{'mechanism': skellam(1000, 100, 1000), 'count': 1000}, {'mechanism': gaussian(10000, 100), 'count': 1}], 1000),
    ([{'mechanism': ddg(2, 100, 65536, 256, 4096), 'count': 1},
      {'mechanism': skellam(2000, 256, 4096), 'count': 1},
      {'mechanism': gaussian(20, 256), 'count': 1}], 50),
    ([{'mechanism': ddg(300, 1000, 1048576, 10000, 1000000), 'count': 500},
      {'mechanism': skellam(50000000, 10000, 2000000), 'count': 500}], 200),
    ([{'mechanism': gaussian(5, 1), 'count': 0}, {'mechanism': skellam(10, 3, 9), 'count': 4}], 1.5),
    ([{'mechanism': ddg(0.6, 30, 100, 10, 60), 'count': 250}, {'mechanism': ddg(0.6, 30, 100, 10, 60), 'count': 250}], 2.5),
]

EPSILON_CASES = [
    ([{'mechanism': gaussian(1, 1), 'count': 1}], 1e-5),
    ([{'mechanism': gaussian(5, 1), 'count': 1}], 1e-3),
    ([{'mechanism': gaussian(30, 5), 'count': 1000}], 1e-10),
    ([{'mechanism': gaussian(10000, 1), 'count': 1}], 1e-6),
    ([{'mechanism': gaussian(10000, 1), 'count': 1000}], 1e-10),
    ([{'mechanism': gaussian(2, 1), 'count': 100}], 1e-8),
    ([{'mechanism': gaussian(0.5, 1), 'count': 1}], 1e-3),
    ([{'mechanism': ddg(0.5, 2, 1, 1, 1), 'count': 1}], 1e-5),
    ([{'mechanism': ddg(0.5, 1000, 1, 1, 1), 'count': 1}], 1e-3),
    ([{'mechanism': ddg(0.5, 10, 16, 4, 12), 'count': 10}], 1e-6),
    ([{'mechanism': ddg(0.7, 100, 1024, 50, 400), 'count': 100}], 1e-5),
    ([{'mechanism': ddg(1, 100, 65536, 200, 5000), 'count': 1}], 1e-7),
    ([{'mechanism': ddg(1, 1000, 1048576, 4096, 262144), 'count': 1000}], 1e-10),
    ([{'mechanism': ddg(1.2, 200, 1048576, 1024, 32768), 'count': 50}], 1e-6),
    ([{'mechanism': ddg(2, 1000, 1048576, 1000, 100000), 'count': 200}], 1e-9),
    ([{'mechanism': ddg(20, 100, 4096, 64, 512), 'count': 1}], 1e-4),
    ([{'mechanism': ddg(300, 1000, 1048576, 10000, 1000000), 'count': 1000}], 1e-5),
    ([{'mechanism': skellam(0.125, 1, 1), 'count': 1}], 1e-3),
    ([{'mechanism': skellam(2, 1, 1), 'count': 10}], 1e-6),
    ([{'mechanism': skellam(50, 10, 30), 'count': 100}], 1e-5),
    ([{'mechanism': skellam(1000, 1, 1), 'count': 1}], 1e-8),
    ([{'mechanism': skellam(200000, 1000, 60000), 'count': 1000}], 1e-10),
    ([{'mechanism': skellam(50000000, 10000, 2000000), 'count': 1}], 1e-5),
    ([{'mechanism': gaussian(30, 5), 'count': 10}, {'mechanism': gaussian(200, 5), 'count': 3}], 1e-5),
    ([{'mechanism': ddg(0.5, 10, 16, 4, 12), 'count': 7}, {'mechanism': skellam(0.5, 2, 4), 'count': 2}], 1e-4),
    ([{'mechanism': ddg(1, 1000, 1048576, 4096, 262144), 'count': 100},
      {'mechanism': ddg(1, 500, 1048576, 4096, 262144), 'count': 20}], 1e-8),
    ([{'mechanism': ddg(2, 100, 65536, 256, 4096), 'count': 1},
      {'mechanism': skellam(2000, 256, 4096), 'count': 1},
      {'mechanism': gaussian(20, 256), 'count': 1}], 1e-6),
    ([{'mechanism': ddg(300, 1000, 1048576, 10000, 1000000), 'count': 500},
      {'mechanism': skellam(50000000, 10000, 2000000), 'count': 500}], 1e-9),
    ([{'mechanism': gaussian(5, 1), 'count': 0}, {'mechanism': skellam(10, 3, 9), 'count': 4}], 1e-7),
    ([{'mechanism': ddg(0.6, 30, 100, 10, 60), 'count': 250}, {'mechanism': gaussian(400, 10), 'count': 1000}], 1e-6),
    # Small peerStd, where Proposition 14's active term changes near the best order and epsilon(alpha)
    # has two local minima of almost the same height: a search that refines only one basin can miss.
    ([{'mechanism': ddg(0.5, 2, 64, 16, 16), 'count': 1}], 1e-10),
    ([{'mechanism': ddg(0.8, 5, 4, 1, 1), 'count': 1}], 1e-3),
    ([{'mechanism': ddg(0.55, 10, 16, 4, 4), 'count': 10}], 1e-5),
    ([{'mechanism': ddg(0.65, 100, 64, 4, 4), 'count': 1}], 1e-10),
    ([{'mechanism': ddg(0.75, 50, 1, 2, 2), 'count': 100}], 1e-8),
    ([{'mechanism': ddg(0.75, 10, 4, 2, 4), 'count': 10}], 1e-3),
    # So much noise that epsilon is least at an order above a million (about 1.3e6 here; 4.3e5 with
    # peerStd 3000): a search confined below some largest order overstates epsilon.
    ([{'mechanism': ddg(3000, 1000, 1, 1, 1), 'count': 1}], 1e-10),
    ([{'mechanism': ddg(10000, 1000, 1, 1, 1), 'count': 1}], 1e-10),
]

TAU_CASES = [(0.5, 2), (0.5, 10), (0.5, 1000), (0.7, 100), (1, 2), (1, 1000), (1.5, 50), (2, 1000), (3, 1000), (20, 1)]


def active_term(mech, alpha):
    values = [t(mpf(alpha)) for t in TERMS[mech['kind']](mech)]
    return values.index(min(values))


def describe(mech):
    if mech['kind'] == 'gaussian':
        return f"gaussian s={mech['noiseStd']} D2={mech['l2Sensitivity']}"
    if mech['kind'] == 'skellam':
        return f"skellam mu={mech['mu']} D2={mech['l2Sensitivity']} D1={mech['l1Sensitivity']}"
    return (f"ddg sigma={mech['peerStd']} n={mech['peers']} d={mech['dimension']} "
            f"D2={mech['l2Sensitivity']} D1={mech['l1Sensitivity']}")


def describe_releases(releases):
    return ' + '.join(f"{r['count']}x[{describe(r['mechanism'])}]" for r in releases)


def text(x):
    return nstr(x, DIGITS, strip_zeros=False)


def main():
    ratio = check_bounds_against_exact_divergences()
    print(f'bounds hold against exact divergences (largest exact/bound {nstr(ratio, 6)})')

    points = []
    for sigma, n in TAU_CASES:
        value = ddg_tau(sigma, n)
        points.append({'id': f'tau sigma={sigma} n={n}', 'check': 'tau', 'peerStd': sigma, 'peers': n, 'expected': text(value)})
    branches = set()
    for mech, alpha in RDP_CASES:
        branches.add((mech['kind'], active_term(mech, alpha)))
        points.append({'id': f'rdp {describe(mech)} alpha={alpha}', 'check': 'rdp', 'mechanism': mech, 'alpha': alpha,
                       'expected': text(rdp(mech, alpha))})
    print('active branches over the rdp points:', sorted(branches))
    for releases, alpha in COMPOSED_CASES:
        points.append({'id': f'composed {describe_releases(releases)} alpha={alpha}', 'check': 'composed',
                       'releases': releases, 'alpha': alpha, 'expected': text(composed_rdp(releases, alpha))})
    bimodal = 0
    for releases, delta in EPSILON_CASES:
        value, alpha, basins = epsilon_of(releases, delta)
        assert value > 0, f'epsilon is not positive for {describe_releases(releases)}'
        bimodal += basins > 1
        points.append({'id': f'epsilon {describe_releases(releases)} delta={delta}', 'check': 'epsilon',
                       'releases': releases, 'delta': delta, 'expected': text(value), 'alpha': text(alpha),
                       'basins': basins})
    print(f'{len(points)} points; {bimodal} epsilon points have more than one local minimum over alpha')

    document = {
        'about': 'Reference values for src/protocol/dp/accountant.ts, computed in 50-digit arithmetic by '
                 'test/protocol/dp/reference/accountant_reference.py (rerun it to regenerate this file).',
        'points': points,
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(document, f, indent=2, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main()
