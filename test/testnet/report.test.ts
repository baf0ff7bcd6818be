/**
 * The testnet's HTML report: a self-contained page with a phase-time chart, a traffic chart and the
 * round table, whose bars say what they measure and whose text is escaped.
 */
import { describe, expect, it } from 'vitest'
import { renderReport, type ReportRun } from '../../src/testnet/report.js'
import type { RoundReport } from '../../src/testnet/testnet.js'

const run: ReportRun = { peers: 8, rounds: 2, dimension: 100_000, seed: 'abc', transport: 'mixed', faults: '1 peer(s) killed per round', startedAt: new Date('2026-11-24T12:00:00Z'), passed: false }

function round (n: number, overrides: Partial<RoundReport> = {}): RoundReport {
  return {
    round: n,
    attempt: 0,
    aggregator: `peer-${n}`,
    participants: 8,
    survivors: 7,
    dropped: ['peer-3@share-keys'],
    detected: [{ peer: 'peer-3', phase: 'share-keys', cause: 'connection-closed', waited: 1040 }],
    excluded: [],
    exact: true,
    verified: true,
    maxAbsError: 0,
    phaseMs: { 'advertise-keys': 1200, 'share-keys': 300, 'masked-input': 900, 'consistency-check': 40, unmask: 250 },
    bytes: { sent: 3 * 2 ** 20, received: 2 * 2 ** 20, peers: 5 },
    ms: 4000,
    beforeMs: 100,
    deliveryMs: 310,
    problems: [],
    ...overrides
  }
}

describe('the testnet report', () => {
  const html = renderReport(run, [round(1), round(2, { attempt: 1, exact: false, problems: ['the sum is <wrong> & late'] })])

  it('is one page with no scripts, its verdict in the title', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<title>libp2p-secagg testnet: FAIL</title>')
    expect(html).not.toMatch(/<script|src="http/)
    expect(html).toContain('8 secagg node processes over mixed, 2 rounds at d = 100,000, seed abc')
  })

  it('charts each round\'s phases stacked under its whole time, and its traffic in MB', () => {
    expect(html.match(/<svg /g)).toHaveLength(2)
    for (const [phase, ms] of [['advertise-keys', '1,200'], ['share-keys', '300'], ['masked-input', '900'], ['consistency-check', '40'], ['unmask', '250']] as const) {
      expect(html).toContain(`<title>round 1: ${phase} ${ms} ms</title>`)
    }
    expect(html).toContain('<title>round 2 (attempt 1): whole round 4,000 ms</title>')
    expect(html).toContain('<title>round 1: sent 3 MB</title>')
    expect(html).toContain('<title>round 1: received 2 MB</title>')
    // a bar's height is its share of the axis: advertise-keys (1200 ms) is four times share-keys (300 ms)
    const height = (phase: string): number => Number(new RegExp(`height="([\\d.]+)" fill="[^"]+"><title>round 1: ${phase} `).exec(html)![1])
    expect(height('advertise-keys') / height('share-keys')).toBeCloseTo(4, 6)
  })

  it('lists every round, marks a bad one and escapes what it says', () => {
    expect(html.match(/<tr class="/g)).toHaveLength(2)
    expect(html).toContain('<tr class="bad">')
    expect(html).toContain('the sum is &#60;wrong&#62; &#38; late')
    expect(html).not.toContain('<wrong>')
  })

  it('says over how many peers each round\'s traffic was counted, next to it', () => {
    const header = /<thead><tr>(.*?)<\/tr><\/thead>/s.exec(html)![1].match(/<th>(.*?)<\/th>/g)!.map(th => th.slice(4, -5))
    const row = /<tr class="[^"]*">(.*?)<\/tr>/s.exec(html)![1].match(/<td[^>]*>(.*?)<\/td>/g)!.map(td => td.replace(/<[^>]+>/g, ''))
    const at = header.indexOf('peers counted')
    expect(header.slice(at - 2, at + 1)).toEqual(['KB sent', 'KB received', 'peers counted'])
    expect(row.slice(at - 2, at + 1)).toEqual(['3072', '2048', '5'])
  })
})
