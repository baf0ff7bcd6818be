/**
 * A reference for Z_p[X]/(X^1024 + 1) in BigInt, written from the definitions and independent of the
 * module under test: the tests compare the NTT and the commitments against it.
 */

export function powMod (base: bigint, exponent: bigint, p: bigint): bigint {
  let result = 1n
  let b = base % p
  let e = exponent
  while (e > 0n) {
    if ((e & 1n) === 1n) result = result * b % p
    b = b * b % p
    e >>= 1n
  }
  return result
}

export function bitrev10 (x: number): number {
  let r = 0
  for (let i = 0; i < 10; i++) r = (r << 1) | ((x >> i) & 1)
  return r
}

/** g^((p-1)/2048) for the smallest g >= 2 whose 1024th power is -1: a primitive 2048th root of unity. */
export function smallestPsi (p: number): bigint {
  const P = BigInt(p)
  for (let g = 2n; g < P; g++) {
    const candidate = powMod(g, (P - 1n) / 2048n, P)
    if (powMod(candidate, 1024n, P) === P - 1n) return candidate
  }
  throw new Error(`no primitive 2048th root of unity mod ${p}`)
}

/** The evaluation point of NTT output i: psi^(2 bitrev10(i) + 1). */
export function evaluationPoints (psi: bigint, p: number): bigint[] {
  const P = BigInt(p)
  return Array.from({ length: 1024 }, (_, i) => powMod(psi, BigInt(2 * bitrev10(i) + 1), P))
}

/** A small deterministic generator (xorshift32), so every run checks the same vectors. */
export function generator (seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}
