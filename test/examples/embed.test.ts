/**
 * The embedding example (examples/embed/existing-node.ts) as a builder would run it: nodes built with
 * createLibp2p and secureAggregation(), two rounds, each peer getting the weighted mean.
 */
import { describe, expect, it } from 'vitest'
import { runExample } from '../../examples/embed/existing-node.js'

describe('the embedding example', () => {
  it('gives every peer the weighted mean of the four updates, round after round, and reports each phase', async () => {
    const lines: string[] = []
    const rounds = await runExample(4, 2, 1000, line => lines.push(line))
    rounds.forEach(({ updates, samples, results }, r) => {
      const total = samples.reduce((a, b) => a + b, 0)
      // each peer's weighted value is off by under one step, maxWeight * clip / 2^15, before the division
      const tolerance = 1.5 * updates.length * 10_000 / 2 ** 15 / total
      for (const result of results) {
        expect(result?.round).toBe(r + 1)
        expect(result?.survivors).toHaveLength(4)
        result!.mean.forEach((v, j) => {
          const exact = updates.reduce((sum, u, i) => sum + samples[i] * u[j], 0) / total
          expect(Math.abs(v - exact)).toBeLessThan(tolerance)
        })
      }
    })
    // the first node takes part in every round, whoever aggregates: it hears each phase as a participant
    for (const round of [1, 2]) {
      const phases = lines.filter(line => line.startsWith(`round ${round} attempt 0: `) && line.endsWith('a participant)')).map(line => line.split(': ')[1].split(' ')[0])
      expect(phases).toEqual(['advertise-keys', 'share-keys', 'masked-input', 'consistency-check', 'unmask'])
    }
  }, 60_000)
})
