/**
 * How many groups a round's Byzantine peers corrupt. With B of the n members Byzantine and the groups a
 * uniformly random cut (groups.ts), a group of m holds no Byzantine peer with probability
 * C(n-B, m)/C(n, m), about (1-f)^m; the number of corrupted groups is computed exactly, group by group,
 * from the Byzantine peers the groups before it took (a sequence of hypergeometric draws).
 */
import { logFactorial } from '../graph/hypergeometric.js'

export function logChoose (n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k)
}

/** Pr[a group of m drawn from n peers, of which `marked` Byzantine, holds exactly j of them]. */
function hypergeometric (n: number, marked: number, m: number, j: number): number {
  if (j < 0 || j > m || j > marked || m - j > n - marked) return 0
  return Math.exp(logChoose(marked, j) + logChoose(n - marked, m - j) - logChoose(n, m))
}

/** P[C = c] for c = 0..G: the distribution of the number of groups holding at least one of `byzantine` peers. */
export function corruptedGroupsDistribution (members: number, byzantine: number, sizes: readonly number[]): Float64Array {
  // state[b][c]: Byzantine peers placed so far, groups corrupted so far
  let state = Array.from({ length: byzantine + 1 }, () => new Float64Array(sizes.length + 1))
  state[0][0] = 1
  let left = members
  sizes.forEach((m, g) => {
    const next = Array.from({ length: byzantine + 1 }, () => new Float64Array(sizes.length + 1))
    for (let b = 0; b <= byzantine; b++) {
      for (let c = 0; c <= g; c++) {
        const p = state[b][c]
        if (p === 0) continue
        for (let j = 0; j <= Math.min(m, byzantine - b); j++) {
          const q = hypergeometric(left, byzantine - b, m, j)
          if (q > 0) next[b + j][c + (j > 0 ? 1 : 0)] += p * q
        }
      }
    }
    state = next
    left -= m
  })
  // (groups that leave members out may leave Byzantine peers out too)
  const distribution = new Float64Array(sizes.length + 1)
  for (const row of state) row.forEach((p, c) => { distribution[c] += p })
  return distribution
}

/** Pr[C > c] from a distribution of C. */
export function tailAbove (distribution: Float64Array, c: number): number {
  let tail = 0
  for (let k = c + 1; k < distribution.length; k++) tail += distribution[k]
  return tail
}
