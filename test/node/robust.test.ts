/**
 * A robust session over libp2p: twelve nodes on TCP in four groups of three, one of them Byzantine (it
 * sends an update far beyond the session's L2 bound, unclipped). Every honest node gets the median of
 * the honest groups' means, the Byzantine node's group is dropped, and the result checks from its
 * transcript alone.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { joinAll, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'
import { openSession, type Session } from '../../src/node/session-config.js'
import { partitionGroups } from '../../src/protocol/robust/groups.js'
import { coordinateMedian } from '../../src/protocol/robust/rules.js'
import { genesisBeacon } from '../../src/protocol/election.js'
import { identityOf } from '../../src/protocol/crypto/identity.js'
import { verifyTravelledResult } from '../../src/protocol/session/result-verification.js'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'

let nodes: SecAggNode[] = []
afterEach(async () => { await stopNetwork(nodes); nodes = [] })

const N = 12
const D = 64

describe('a robust session over libp2p', () => {
  it('gives twelve nodes the median of their groups\' means, without the Byzantine node\'s group', async () => {
    nodes = await startNetwork(N, { transport: 'tcp', topology: 'mesh' })
    const config = testSession(N, {
      members: nodes.map(node => node.peerId.toString()),
      robust: { groupSize: 3, rule: 'median', byzantineRate: 0.1, l2Bound: 2 },
      minParticipants: 4,
      // twelve nodes share two cores with the rest of the fast tier: deadlines a few times the usual
      // (at the usual 3 s every attempt once timed out beside the session tests)
      phaseTimeouts: { 'advertise-keys': 10_000, 'share-keys': 10_000, 'masked-input': 15_000, 'consistency-check': 10_000, unmask: 10_000 },
      announceTimeout: 10_000
    })
    const session = openSession(config)
    const liar = 7
    const updates = nodes.map((_, i) => Float32Array.from({ length: D }, (_, j) => i === liar ? 4 : Math.sin(i * 13 + j) / 8))
    const sessions = await joinAll(nodes, config, 30_000)
    // The Byzantine node's core sends its update unclipped (an honest core clips to l2Bound on submit).
    const runner = (nodes[liar].services.secagg as unknown as { runners: Map<string, { core: { session: Session } }> }).runners.get(session.idHex)!
    runner.core.session = { ...runner.core.session, robust: { ...session.robust!, l2Bound: undefined } }
    const results = await Promise.all(sessions.map(async (s, i) => await s.aggregate(updates[i]).catch((err: Error) => err)))

    const identities = nodes.map(node => identityOf(node.peerId))
    const groups = partitionGroups(session.id, 1, genesisBeacon(session.id), identities, 3)
    const liarsGroup = groups.findIndex(g => g.some(m => m.id === identities[liar].id))
    const honestMeans = groups.filter((_, g) => g !== liarsGroup).map(group => {
      const mean = new Float64Array(D)
      for (const member of group) updates[identities.indexOf(member)].forEach((v, j) => { mean[j] += v / group.length })
      return mean
    })
    const expected = coordinateMedian(honestMeans)
    for (const [i, result] of results.entries()) {
      if (i === liar) continue
      if (groups[liarsGroup].some(m => m.id === identities[i].id)) {
        // its group's sum was revealed and not used: the update is in no result, and never sent again
        expect(result).toBeInstanceOf(Error)
        expect((result as Error).message).toMatch(/revealed unmask shares/)
        continue
      }
      if (result instanceof Error) throw result
      expect(result.robust).toMatchObject({ groups: 4, failed: [] })
      expect(result.robust!.dropped.map(d => d.group)).toEqual([liarsGroup])
      result.mean.forEach((v, j) => expect(Math.abs(v - expected[j])).toBeLessThan(1e-3))
    }
    const first = results.find((r, i) => !(r instanceof Error) && !groups[liarsGroup].some(m => m.id === identities[i].id))
    if (first === undefined || first instanceof Error) throw new Error('no honest node got a result')
    const checked = await verifyTravelledResult(session, nodeCryptoSuite, first.transcript)
    expect(Array.from(checked.mean)).toEqual(Array.from(first.mean))
  }, 120_000)
})
