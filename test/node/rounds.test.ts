import { afterEach, describe, expect, it } from 'vitest'
import { gridUpdates, exactSum } from '../support/round-fixtures.js'
import { startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'
import { openSession } from '../../src/node/session-config.js'

let nodes: SecAggNode[] = []
afterEach(async () => { await stopNetwork(nodes); nodes = [] })

describe('secure aggregation over libp2p', () => {
  it('gives 5 peers on TCP the exact sum of their inputs', async () => {
    nodes = await startNetwork(5, { transport: 'tcp' })
    const config = testSession(5)
    const params = openSession(config).params
    const updates = gridUpdates(params, 5, 'tcp-5')
    const sessions = nodes.map(node => node.services.secagg.join(config))
    await new Promise(resolve => setTimeout(resolve, 1000))
    const results = await Promise.all(sessions.map(async (s, i) => s.aggregate(updates[i])))
    const expected = Array.from(exactSum(updates, [0, 1, 2, 3, 4]))
    for (const result of results) {
      expect(Array.from(result.sum)).toEqual(expected)
      expect(result.survivors).toHaveLength(5)
    }
  }, 60_000)
})
