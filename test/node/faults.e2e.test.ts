import { afterEach, describe, expect, it } from 'vitest'
import { toHex } from '../../src/protocol/crypto/bytes.js'
import { identityOf } from '../../src/protocol/crypto/identity.js'
import { nodeCryptoSuite } from '../../src/protocol/crypto/suite-node.js'
import { electAggregator, genesisBeacon } from '../../src/protocol/election.js'
import { openSession } from '../../src/node/session-config.js'
import { exactSum, gridUpdates } from '../support/round-fixtures.js'
import { crash, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'
import type { CryptoSuite } from '../../src/protocol/crypto/suite.js'
import type { Phase } from '../../src/protocol/round/phases.js'

let nodes: SecAggNode[] = []
afterEach(async () => { await stopNetwork(nodes); nodes = [] })

/** A crypto backend that records every X25519 public key it derives, to check no key is ever reused. */
function recording (keys: string[]): CryptoSuite {
  return {
    ...nodeCryptoSuite,
    x25519: {
      ...nodeCryptoSuite.x25519,
      publicKey: async (secret) => {
        const key = await nodeCryptoSuite.x25519.publicKey(secret)
        keys.push(toHex(key))
        return key
      }
    }
  }
}

const N = 6
const PHASES: Phase[] = ['announce', 'advertise-keys', 'share-keys', 'masked-input', 'consistency-check', 'unmask']

describe('an aggregator that stops', () => {
  it.each(PHASES)('in %s is replaced: a fallback aggregator completes the round in a new attempt, with fresh keys', async (phase) => {
    const keys: string[] = []
    // presence every second: the elected aggregator waits two intervals before announcing, time enough
    // to stop it after the others have heard it is ready
    nodes = await startNetwork(N, { transport: 'tcp', crypto: () => recording(keys), presenceInterval: phase === 'announce' ? 1000 : 250 })
    const config = testSession(N, { minParticipants: 4 })
    const session = openSession(config)
    const updates = gridUpdates(session.params, N, `stop-${phase}`)
    const sessions = nodes.map(node => node.services.secagg.join(config))
    await new Promise(resolve => setTimeout(resolve, 1000))
    const first = electAggregator(session.id, 1, 0, genesisBeacon(session.id), nodes.map(n => identityOf(n.peerId)))
    const victim = nodes.findIndex(n => n.peerId.toString() === first.id)
    const stopped = new Promise<void>(resolve => {
      // Stopped once the others have heard it is ready (presence goes out at once) but before it
      // announces (it waits two presence intervals for the others' presence).
      if (phase === 'announce') return setTimeout(resolve, 700)
      nodes[victim].services.secagg.addEventListener('progress', (event) => {
        if (event.detail.role === 'aggregator' && event.detail.phase === phase && event.detail.attempt === 0) resolve()
      })
    })
    const outcomes = sessions.map(async (s, i) => s.aggregate(updates[i]))
    outcomes[victim].catch(() => {})
    await stopped
    await crash(nodes[victim])
    const survivors = [...nodes.keys()].filter(i => i !== victim)
    const results = await Promise.all(survivors.map(async i => outcomes[i]))
    const expected = Array.from(exactSum(updates, survivors))
    for (const result of results) {
      expect(result.attempt).toBeGreaterThanOrEqual(1)
      expect(result.aggregator).not.toBe(first.id)
      expect(Array.from(result.sum)).toEqual(expected)
    }
    // two key pairs per participant per attempt, never one twice
    expect(new Set(keys).size).toBe(keys.length)
  }, 90_000)
})

describe('a participant that stops', () => {
  const n = 10
  // up to two of ten may drop out of a round
  const config = testSession(n, { graph: { shape: 'harary', dropoutRate: 0.2, corruptRate: 0.05, threatModel: 'malicious' }, minParticipants: 8, maxAttempts: 2 })

  it.each(PHASES.slice(1))('in %s leaves the others the exact sum over the survivors', async (phase) => {
    nodes = await startNetwork(n, { transport: 'tcp' })
    const session = openSession(config)
    const updates = gridUpdates(session.params, n, `drop-${phase}`)
    const sessions = nodes.map(node => node.services.secagg.join(config))
    await new Promise(resolve => setTimeout(resolve, 1000))
    const aggregator = electAggregator(session.id, 1, 0, genesisBeacon(session.id), nodes.map(x => identityOf(x.peerId)))
    const victim = nodes.findIndex(x => x.peerId.toString() !== aggregator.id)
    const reached = new Promise<void>(resolve => {
      nodes.find(x => x.peerId.toString() === aggregator.id)!.services.secagg.addEventListener('progress', (event) => {
        if (event.detail.role === 'aggregator' && event.detail.phase === phase) resolve()
      })
    })
    const outcomes = sessions.map(async (s, i) => s.aggregate(updates[i]))
    outcomes[victim].catch(() => {})
    await reached
    await crash(nodes[victim])
    const others = [...nodes.keys()].filter(i => i !== victim)
    const results = await Promise.all(others.map(async i => outcomes[i]))
    const byId = new Map(nodes.map((x, i) => [x.peerId.toString(), i]))
    for (const result of results) {
      const survivors = result.survivors.map(id => byId.get(id)!)
      // everyone still running is a survivor; the stopped peer is one only if its input was already in
      expect(others.every(i => survivors.includes(i))).toBe(true)
      expect(Array.from(result.sum)).toEqual(Array.from(exactSum(updates, survivors)))
    }
  }, 90_000)

  it('one too many, and the round ends with a typed failure, never a partial sum', async () => {
    nodes = await startNetwork(n, { transport: 'tcp' })
    const session = openSession(config)
    const updates = gridUpdates(session.params, n, 'too-many')
    const sessions = nodes.map(node => node.services.secagg.join(config))
    await new Promise(resolve => setTimeout(resolve, 1000))
    const aggregator = electAggregator(session.id, 1, 0, genesisBeacon(session.id), nodes.map(x => identityOf(x.peerId)))
    const victims = [...nodes.keys()].filter(i => nodes[i].peerId.toString() !== aggregator.id).slice(0, 3)
    const reached = new Promise<void>(resolve => {
      nodes.find(x => x.peerId.toString() === aggregator.id)!.services.secagg.addEventListener('progress', (event) => {
        if (event.detail.role === 'aggregator' && event.detail.phase === 'masked-input') resolve()
      })
    })
    const outcomes = sessions.map(async (s, i) => s.aggregate(updates[i]))
    for (const v of victims) outcomes[v].catch(() => {})
    await reached
    await Promise.all(victims.map(async v => crash(nodes[v])))
    const others = [...nodes.keys()].filter(i => !victims.includes(i))
    const settled = await Promise.allSettled(others.map(async i => outcomes[i]))
    for (const [k, outcome] of settled.entries()) {
      expect(outcome.status).toBe('rejected')
      expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ name: 'RoundFailedError', failure: 'max-attempts' })
      expect(sessions[others[k]].latestResult()).toBeUndefined()
    }
  }, 120_000)
})
