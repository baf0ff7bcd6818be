import { describe, expect, it } from 'vitest'
import { findGraphParameters } from '../../../src/protocol/graph/parameter-finder.js'
import { DEFAULT_PHASE_TIMEOUTS, graphParametersFor, resolveParams, type ProtocolParams } from '../../../src/protocol/round/params.js'

const base: ProtocolParams = {
  sessionId: new Uint8Array(32),
  dimension: 10,
  encoding: { clip: 1, bits: 16, maxParticipants: 100, maxWeight: 1 },
  graph: { shape: 'harary', dropoutRate: 0.1, corruptRate: 0.05, threatModel: 'malicious' },
  minParticipants: 50,
  phaseTimeouts: DEFAULT_PHASE_TIMEOUTS
}

describe('round parameters', () => {
  it('plan for the session\'s corrupt peers however small the roster, since the aggregator picks the roster', () => {
    const params = resolveParams(base)
    // 5% of a session of 100 is 5 corrupt peers, who could all be packed into a roster of 50
    expect(graphParametersFor(params, 50)).toEqual(findGraphParameters({ participants: 50, dropoutRate: 0.1, corruptRate: 0.05, corruptPeers: 5 }))
    expect(graphParametersFor(params, 50).threshold).toBeGreaterThan(findGraphParameters({ participants: 50, dropoutRate: 0.1, corruptRate: 0.05 }).threshold)
    expect(graphParametersFor(params, 100)).toEqual(findGraphParameters({ participants: 100, dropoutRate: 0.1, corruptRate: 0.05 }))
  })

  it('refuse a session whose smallest roster could not be kept private with that many corrupt peers', () => {
    expect(() => resolveParams({ ...base, minParticipants: 6 })).toThrow(expect.objectContaining({ name: 'InfeasibleParametersError' }))
  })

  it('refuse fewer than three participants, since two would each learn the other\'s input from the sum', () => {
    expect(() => resolveParams({ ...base, minParticipants: 2 })).toThrow(expect.objectContaining({ name: 'InvalidEncodingError' }))
  })

  it('never give a threshold above the degree or below two', () => {
    for (let n = 3; n <= 60; n++) {
      for (const dropoutRate of [0, 0.1, 1 / 3]) {
        try {
          const { degree, threshold } = findGraphParameters({ participants: n, dropoutRate, corruptRate: 0.05 })
          expect(threshold).toBeGreaterThanOrEqual(2)
          expect(threshold).toBeLessThanOrEqual(degree)
        } catch (err: any) {
          expect(err.name).toBe('InfeasibleParametersError')
        }
      }
    }
  })
})
