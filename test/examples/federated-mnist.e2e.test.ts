/**
 * The federated-training example, short: six peers, four rounds, one dropping out of every second
 * round. Training through secure aggregation must match plaintext averaging (quantization is the only
 * difference) and actually learn.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_FEDERATED, PARITY, trainFederated } from '../../examples/federated-mnist/federated.js'
import { mainClasses, splitData } from '../../examples/federated-mnist/data.js'
import { renderChart } from '../../examples/federated-mnist/chart.js'

describe('the federated MNIST example', () => {
  it('splits the digits non-IID: each peer holds mostly its two main classes, and peers differ in size', () => {
    const { peers, pooled, test } = splitData({ peers: 6, seed: 'split', testPerClass: 100, concentration: 0.8 })
    expect(test.size).toBe(1000)
    expect(pooled.size).toBe(9000)
    expect(peers.reduce((sum, p) => sum + p.size, 0)).toBe(9000)
    peers.forEach((peer, i) => {
      const main = mainClasses(i)
      const inMain = peer.y.filter(label => main.includes(label)).length
      expect(inMain / peer.size).toBeGreaterThan(0.6)
    })
    expect(new Set(peers.map(p => p.size)).size).toBeGreaterThan(1)
  })

  it('trains through secure aggregation to the accuracy of plaintext averaging, round by round, with dropouts', async () => {
    const options = { ...DEFAULT_FEDERATED, peers: 6, rounds: 4, dropsPerRound: 1, seed: 'ci' }
    const rounds = await trainFederated(options)
    expect(rounds).toHaveLength(4)
    for (const r of rounds) {
      expect(Math.abs(r.secure - r.plaintext)).toBeLessThanOrEqual(PARITY)
      expect(r.failed).toEqual([])
      expect(r.survivors).toBe(r.round % 2 === 0 ? 5 : 6)
      // the clip range covers these updates
      expect(r.largestUpdate).toBeLessThan(options.clip)
      expect(r.clipped).toBe(0)
      // audited from its transcript (trainFederated stops on a sum that does not verify)
      expect(r.auditMs).toBeGreaterThan(0)
    }
    expect(rounds[3].secure).toBeGreaterThan(rounds[0].secure)
    expect(rounds[3].secure).toBeGreaterThan(0.8)
    expect(rounds[3].central).toBeGreaterThan(0.85)
    const page = renderChart(options, rounds)
    expect(page).toContain('<polyline')
    expect(page.match(/<tr>/g)).toHaveLength(5)
  }, 120_000)
})
