/**
 * On real libp2p nodes over TCP loopback: the elected aggregator of round 1 signs a wrong sum in the
 * result it sends, and serves no one the right one. Every honest member finds it out from the
 * transcript, convicts it, and the round completes under the next aggregator with the exact sum of the
 * honest members' inputs, without the cheat.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { openSession } from '../../src/node/session-config.js'
import { electAggregator, genesisBeacon } from '../../src/protocol/election.js'
import { identityOf, SignatureDomain } from '../../src/protocol/crypto/identity.js'
import { RoundResult, RoundTranscript, Signed } from '../../src/protocol/pb/messages.js'
import { signed } from '../../src/protocol/round/wire.js'
import { exactSum, gridUpdates } from '../support/round-fixtures.js'
import { joinAll, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'
import type { PrivateKey } from '@libp2p/interface'

const N = 5
let nodes: SecAggNode[] = []

afterEach(async () => { await stopNetwork(nodes) })

/** A result message (its transcript) with one bit of the sum flipped, the result re-signed by `key`. */
async function forged (transcript: Uint8Array, key: PrivateKey): Promise<Uint8Array> {
  const decoded = RoundTranscript.decode(transcript)
  const result = RoundResult.decode(Signed.decode(decoded.result).body)
  const sum = result.sum.slice()
  sum[0] ^= 1
  const resigned = await signed(RoundResult, { ...result, sum }, key, SignatureDomain.result)
  return RoundTranscript.encode({ ...decoded, result: resigned.bytes as Uint8Array<ArrayBuffer> })
}

describe('an aggregator on a real node that signs a wrong sum', () => {
  it('is convicted by every honest member, and the round completes under the next aggregator with the exact sum', async () => {
    nodes = await startNetwork(N, { transport: 'tcp' })
    const config = testSession(N, { name: 'forged-sum', members: nodes.map(m => m.peerId.toString()), minParticipants: 3, maxAttempts: 3 })
    const session = openSession(config)
    const sessions = await joinAll(nodes, config)
    const elected = electAggregator(session.id, 1, 0, genesisBeacon(session.id), nodes.map(m => identityOf(m.peerId)))
    const cheat = nodes.findIndex(m => m.peerId.equals(elected.peerId))
    // The cheat's own service, with its sending and serving rewired: every result it sends is forged
    // and re-signed with its identity key, and it answers no fetch.
    const service = nodes[cheat].services.secagg as any
    const key: PrivateKey = service.components.privateKey
    const messenger = service.messenger
    const send = messenger.send.bind(messenger)
    let forgeries = 0
    messenger.send = async (peer: unknown, route: unknown, type: string, bytes: Uint8Array, options: unknown) => {
      if (type !== 'result') return send(peer, route, type, bytes, options)
      forgeries++
      return send(peer, route, type, await forged(bytes, key), options)
    }
    for (const runner of service.runners.values()) runner.serveResult = () => undefined

    const updates = gridUpdates(session.params, N, 'forged-sum')
    const honest = [...nodes.keys()].filter(i => i !== cheat)
    void sessions[cheat].aggregate(updates[cheat]).catch(() => {})
    const results = await Promise.all(honest.map(async i => sessions[i].aggregate(updates[i])))
    expect(forgeries).toBeGreaterThan(0)
    const cheatId = nodes[cheat].peerId.toString()
    const index = new Map(nodes.map((m, i) => [m.peerId.toString(), i]))
    for (const result of results) {
      expect(result.attempt).toBeGreaterThan(0)
      expect(result.aggregator).not.toBe(cheatId)
      expect(result.participants).not.toContain(cheatId)
      const survivors = result.survivors.map(id => index.get(id)!)
      expect(survivors.sort()).toEqual(honest)
      expect(Array.from(result.sum)).toEqual(Array.from(exactSum(updates, survivors)))
    }
  })
})
