/**
 * A peer that restarts under the same identity while its old connection lingers, as a WebRTC link of a
 * killed process does: the dead link is found and closed, the peer is connected afresh, and it hears
 * gossip again. The dead link is a TCP connection through a relay that stops forwarding without closing
 * anything, so it stays open at both ends and answers nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createSecAggNode, type SecAggNodeOptions } from '../../src/node/create-node.js'
import { testNode } from '../support/libp2p-nodes.js'
import { testSession, type SecAggNode } from '../support/secagg-network.js'
import type { Libp2p } from 'libp2p'

const TOPIC = 'stale-connections-test'

/** A TCP relay to `port` whose links can all be frozen at once: no byte and no close passes any more. */
async function freezableRelay (port: number, frozen = false): Promise<{ server: Server, port: number, freeze: () => void }> {
  const sockets: Socket[] = []
  const server = createServer(inbound => {
    const outbound = connect(port, '127.0.0.1')
    sockets.push(inbound, outbound)
    for (const [from, to] of [[inbound, outbound], [outbound, inbound]]) {
      from.on('data', (chunk: Buffer) => { if (!frozen) to.write(chunk) })
      from.on('end', () => { if (!frozen) to.end() })
      from.on('error', () => {})
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    server,
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true
      for (const socket of sockets) socket.pause()
    }
  }
}

const nodes: SecAggNode[] = []
const extra: Libp2p[] = []
let relay: Server | undefined

async function node (options: SecAggNodeOptions = {}): Promise<SecAggNode> {
  const created = await createSecAggNode({ listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, secagg: { lossGrace: 200, presenceInterval: 250 }, ...options })
  nodes.push(created)
  created.services.pubsub.subscribe(TOPIC)
  return created
}

async function until (condition: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeout} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

afterEach(async () => {
  await Promise.all([...nodes.splice(0), ...extra.splice(0)].map(async n => { await n.stop() }))
  relay?.close()
})

describe('a peer restarted beside its old, dead connection', () => {
  it('has the dead connection closed, is connected afresh, and hears gossip again', async () => {
    const hub = await node()
    const key = await generateKeyPair('Ed25519')
    const before = await node({ privateKey: key })
    const hubPort = Number(hub.getMultiaddrs()[0].getComponents().find(c => c.name === 'tcp')?.value)
    const frozen = await freezableRelay(hubPort)
    relay = frozen.server
    await before.dial(multiaddr(`/ip4/127.0.0.1/tcp/${frozen.port}/p2p/${hub.peerId.toString()}`))
    await until(() => hub.services.pubsub.getSubscribers(TOPIC).some(p => p.equals(before.peerId)), 'the hub saw no subscription')
    const [deadLink] = hub.getConnections(before.peerId)

    // the old process hangs up on no one: its link stays open at the hub and answers nothing
    frozen.freeze()
    for (const connection of before.getConnections()) connection.abort(new Error('killed'))
    await before.stop()
    expect(deadLink.status).toBe('open')

    const after = await node({ privateKey: key })
    const heard: string[] = []
    after.services.pubsub.addEventListener('message', event => { heard.push(new TextDecoder().decode(event.detail.data)) })
    await after.dial(hub.getMultiaddrs()[0])

    // the hub asks the old link for a stream, gets none within three loss graces, and closes it
    await until(() => deadLink.status !== 'open', 'the dead link was not closed')
    // gossip from the hub reaches the restarted peer: without the renewal gossipsub keeps no stream to it
    let sent = 0
    await until(() => {
      void hub.services.pubsub.publish(TOPIC, new TextEncoder().encode(`m${sent++}`)).catch(() => {})
      return heard.length > 0
    }, 'the restarted peer heard no gossip from the hub')
    expect(hub.getConnections(after.peerId).every(c => c.status === 'open')).toBe(true)
  }, 30_000)

  it.each([['with ping', true], ['without ping', false]])('keeps an older connection that still answers, %s', async (_, withPing) => {
    const hub = await node()
    // a remote without ping refuses the probe's protocol, which is an answer too
    const other = withPing ? await node() : await testNode('tcp')
    if (!withPing) extra.push(other)
    await other.dial(hub.getMultiaddrs()[0])
    await until(() => hub.getConnections(other.peerId).length === 1, 'no first connection')
    // a second, live connection between the same two peers (both dialled at once, say)
    await hub.dial(other.getMultiaddrs()[0], { force: true })
    await until(() => hub.getConnections(other.peerId).length === 2, 'no second connection')
    await new Promise(resolve => setTimeout(resolve, 1500))
    expect(hub.getConnections(other.peerId).filter(c => c.status === 'open')).toHaveLength(2)
  }, 30_000)
})

describe('a peer dialled while libp2p still dials an address it no longer answers at', () => {
  /** Three members of a session, two linked only through the hub, once the dialler has the restarted one's presence. */
  async function presenceHeard (): Promise<{ dialler: SecAggNode, restarted: SecAggNode, runner: any }> {
    const hub = await node()
    const dialler = await node()
    const restarted = await node()
    for (const peer of [dialler, restarted]) await peer.dial(hub.getMultiaddrs()[0])
    const config = testSession(3)
    for (const peer of [hub, dialler, restarted]) peer.services.secagg.join(config)
    // the runner the service keeps for the session: where its members' presence put them
    const runner = (dialler.services.secagg as any).runners.values().next().value
    await until(() => runner.addressesOf(restarted.peerId).length > 0, 'no presence of the restarted peer reached the dialler')
    return { dialler, restarted, runner }
  }

  it('is reached at once at the address its presence gives', async () => {
    const { dialler, restarted } = await presenceHeard()

    // an address the restarted peer had before: it takes the connection and answers nothing
    const dead = await freezableRelay(Number(restarted.getMultiaddrs()[0].getComponents().find(c => c.name === 'tcp')?.value), true)
    relay = dead.server
    await dialler.peerStore.patch(restarted.peerId, { multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${dead.port}`)] })
    // libp2p redials it, as it does a keep-alive peer at start and after a disconnection
    const stale = dialler.dial(restarted.peerId).catch(() => undefined)

    const started = Date.now()
    const connection = await (dialler.services.secagg as any).connection(restarted.peerId, { signal: AbortSignal.timeout(15_000) })
    // a dial by PeerId would wait for the stale one: libp2p gives an address 6 s to answer
    expect(Date.now() - started).toBeLessThan(2000)
    expect(connection.remotePeer.equals(restarted.peerId)).toBe(true)
    await stale
  }, 30_000)

  it('is reached by what the peer store knows when its presence is from before it restarted', async () => {
    const { dialler, restarted, runner } = await presenceHeard()
    // its presence names a port nothing listens on any more; the peer store has where it listens now
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as { port: number }).port
    await new Promise(resolve => closed.close(resolve))
    runner.addressesOf = () => [multiaddr(`/ip4/127.0.0.1/tcp/${port}/p2p/${restarted.peerId.toString()}`)]
    await dialler.peerStore.patch(restarted.peerId, { multiaddrs: restarted.getMultiaddrs() })

    const connection = await (dialler.services.secagg as any).connection(restarted.peerId, { signal: AbortSignal.timeout(10_000) })
    expect(connection.remotePeer.equals(restarted.peerId)).toBe(true)
  }, 30_000)
})
