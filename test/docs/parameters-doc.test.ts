import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { findGraphParameters, type ThreatModel } from '../../src/protocol/graph/parameter-finder.js'

const doc = readFileSync(new URL('../../docs/parameters.md', import.meta.url), 'utf8')
const rows = doc.split('\n').filter(line => /^\| \d+% \| [\d/%]+ \| (malicious|semi-honest) \|/.test(line))
const fraction = (text: string): number => text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text.split('/')[0]) / Number(text.split('/')[1])

describe('docs/parameters.md', () => {
  it('documents the four scenarios the issue asks for', () => {
    expect(rows).toHaveLength(4)
  })

  it.each(rows)('matches the finder: %s', (row) => {
    const cells = row.split('|').slice(1, -1).map(c => c.trim())
    const [gamma, delta, model, ...columns] = cells
    const ns = [10, 100, 1000, 10_000, 100_000]
    columns.forEach((cell, i) => {
      const [k, t, min] = cell.split('/').map(v => Number(v.trim()))
      const found = findGraphParameters({ participants: ns[i], corruptRate: fraction(gamma), dropoutRate: fraction(delta), threatModel: model as ThreatModel })
      expect([found.degree, found.threshold, found.minSurvivors]).toEqual([k, t, min])
    })
  })
})
