/**
 * Which members a peer links to (a ring by hash, two successors each: no single loss disconnects the
 * rest), and real nodes bootstrapped as a star that link up that way and outlive their hub.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { KEEP_ALIVE } from '@libp2p/interface'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { LINKS_PER_MEMBER, memberLinks, memberRing } from '../../src/node/member-links.js'
import { openSession } from '../../src/node/session-config.js'
import { exactSum, gridUpdates } from '../support/round-fixtures.js'
import { crash, joinAll, startNetwork, stopNetwork, testSession, type SecAggNode } from '../support/secagg-network.js'

const SESSION = new Uint8Array(32).fill(7)

async function peerIds (n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()))
}

type Graph = Map<string, Set<string>>

function graphOf (edges: Array<[string, string]>, vertices: Iterable<string>): Graph {
  const graph: Graph = new Map([...vertices].map(v => [v, new Set<string>()]))
  for (const [a, b] of edges) {
    graph.get(a)?.add(b)
    graph.get(b)?.add(a)
  }
  return graph
}

/** Whether the graph is connected once `removed` are taken out of it. */
function connectedWithout (graph: Graph, removed: ReadonlySet<string> = new Set()): boolean {
  const left = [...graph.keys()].filter(v => !removed.has(v))
  if (left.length === 0) return true
  const seen = new Set([left[0]])
  const queue = [left[0]]
  while (queue.length > 0) {
    for (const next of graph.get(queue.pop()!)!) {
      if (removed.has(next) || seen.has(next)) continue
      seen.add(next)
      queue.push(next)
    }
  }
  return seen.size === left.length
}

/** The vertices whose loss alone disconnects the rest. */
function cutVertices (graph: Graph): string[] {
  return [...graph.keys()].filter(v => !connectedWithout(graph, new Set([v])))
}

/** Every member's links when all are reachable, as edges. */
function ringEdges (ring: string[]): Array<[string, string]> {
  return ring.flatMap(self => memberLinks(ring, self, () => true).map(to => [self, to] as [string, string]))
}

describe('the choice of member links', () => {
  it('orders members on a ring by hash: the same whatever order they are listed in, another in another session', async () => {
    const members = await peerIds(12)
    const ring = memberRing(SESSION, members)
    expect([...ring].sort()).toEqual([...members].sort())
    expect(memberRing(SESSION, [...members].reverse())).toEqual(ring)
    expect(memberRing(new Uint8Array(32).fill(8), members)).not.toEqual(ring)
  })

  it('links each member to its next two on the ring when all are reachable, and to no one when it is not on it', async () => {
    const ring = memberRing(SESSION, await peerIds(9))
    ring.forEach((self, i) => { expect(memberLinks(ring, self, () => true)).toEqual([ring[(i + 1) % 9], ring[(i + 2) % 9]]) })
    expect(memberLinks(ring, (await peerIds(1))[0], () => true)).toEqual([])
    expect(memberLinks(ring.slice(0, 2), ring[0], () => true)).toEqual([ring[1]])
  })

  it('keeps the unreachable successors it passes over and goes on to the next reachable ones', async () => {
    const ring = memberRing(SESSION, await peerIds(10))
    const down = new Set([ring[1], ring[3]])
    expect(memberLinks(ring, ring[0], member => !down.has(member))).toEqual(ring.slice(1, 5))
    // none reachable: every other member, so each is linked as soon as it can be reached
    expect(memberLinks(ring, ring[0], () => false)).toEqual(ring.slice(1))
  })

  it('gives a graph that no loss of fewer than four members disconnects, with four links a member, for 3 to 40 members', async () => {
    const all = await peerIds(40)
    for (let n = 3; n <= 40; n++) {
      const ring = memberRing(SESSION, all.slice(0, n))
      const graph = graphOf(ringEdges(ring), ring)
      expect(cutVertices(graph)).toEqual([])
      for (const [, neighbours] of graph) expect(neighbours.size).toBe(Math.min(n - 1, 2 * LINKS_PER_MEMBER))
      // any three lost together
      let disconnected = 0
      for (let a = 0; a < n; a++) {
        for (let b = a + 1; b < n; b++) {
          for (let c = b + 1; c < n; c++) if (!connectedWithout(graph, new Set([ring[a], ring[b], ring[c]]))) disconnected++
        }
      }
      expect(disconnected).toBe(0)
    }
  })

  it('still gives a graph with no cut vertex among the members up when many listed members are down', async () => {
    const ring = memberRing(SESSION, await peerIds(60))
    // every third member up, and sometimes two in a row down
    const up = new Set(ring.filter((_, i) => i % 3 === 0 || i % 7 === 0))
    const edges = [...up].flatMap(self => memberLinks(ring, self, member => up.has(member)).filter(to => up.has(to)).map(to => [self, to] as [string, string]))
    expect(cutVertices(graphOf(edges, up))).toEqual([])
  })
})

describe('members of a closed session bootstrapped as a star', () => {
  const N = 8
  let nodes: SecAggNode[] = []
  afterEach(async () => { await stopNetwork(nodes); nodes = [] })

  /** The connections among the running members, by PeerId. */
  function connections (members: SecAggNode[]): Graph {
    const ids = new Set(members.map(node => node.peerId.toString()))
    const edges = members.flatMap(node => node.getConnections().filter(c => c.status === 'open' && ids.has(c.remotePeer.toString())).map(c => [node.peerId.toString(), c.remotePeer.toString()] as [string, string]))
    return graphOf(edges, ids)
  }

  it('link up so that no member is a cut vertex, and complete a round with the exact sum after the hub crashes', async () => {
    nodes = await startNetwork(N, { transport: 'tcp', topology: 'star', presenceInterval: 250 })
    const members = nodes.map(node => node.peerId.toString())
    // The seven left after the hub may complete a round. The hub's keys are waited for until
    // advertise-keys closes; deadlines above the usual tests' keep a loaded machine from missing one.
    const phase = 5000
    const config = testSession(N, { members, minParticipants: N - 1, announceTimeout: phase, phaseTimeouts: { 'advertise-keys': phase, 'share-keys': phase, 'masked-input': phase, 'consistency-check': phase, unmask: phase } })
    const star = connections(nodes)
    expect(cutVertices(star)).toEqual([members[0]])
    const sessions = await joinAll(nodes, config)
    // within a few presence intervals each member dials its successors at the addresses their presence gave
    await expect.poll(() => cutVertices(connections(nodes)), { timeout: 5_000, interval: 100 }).toEqual([])

    await crash(nodes[0])
    const left = nodes.slice(1)
    expect(connectedWithout(connections(left))).toBe(true)
    const updates = gridUpdates(openSession(config).params, N, 'no-hub')
    const results = await Promise.all(left.map(async (_, i) => sessions[i + 1].aggregate(updates[i + 1])))
    const expected = Array.from(exactSum(updates, [1, 2, 3, 4, 5, 6, 7]))
    for (const result of results) {
      expect([...result.survivors].sort()).toEqual(members.slice(1).sort())
      expect(Array.from(result.sum)).toEqual(expected)
    }
  }, 60_000)

  it('tags each member\'s two successors keep-alive with the addresses they listen on, and links past one that crashes to the next', async () => {
    nodes = await startNetwork(N, { transport: 'tcp', topology: 'star', presenceInterval: 250 })
    const members = nodes.map(node => node.peerId.toString())
    const config = testSession(N, { members, minParticipants: N - 1 })
    await joinAll(nodes, config)
    const ring = memberRing(openSession(config).id, members)
    const nodeOf = (member: string): SecAggNode => nodes[members.indexOf(member)]
    const tagged = async (node: SecAggNode): Promise<string[]> => {
      const peers = await node.peerStore.all({ filters: [peer => [...peer.tags.keys()].some(tag => tag.startsWith(`${KEEP_ALIVE}-`))] })
      return peers.map(peer => peer.id.toString()).sort()
    }
    for (const [i, node] of nodes.entries()) {
      const successors = memberLinks(ring, members[i], () => true)
      await expect.poll(async () => tagged(node), { timeout: 5_000, interval: 100 }).toEqual([...successors].sort())
      for (const successor of successors) {
        const listening = nodeOf(successor).getMultiaddrs()[0].toString().replace(/\/p2p\/[^/]+$/, '')
        await expect.poll(async () => (await node.peerStore.get(nodeOf(successor).peerId)).addresses.map(a => a.multiaddr.toString()), { timeout: 5_000, interval: 100 }).toContain(listening)
      }
    }
    // a member, its first successor, and the member after its second, none of them the star's hub
    const at = ring.findIndex((_, i) => ![0, 1, 3].some(k => ring[(i + k) % N] === members[0]))
    const [self, victim, next] = [0, 1, 3].map(k => ring[(at + k) % N])
    const linked = (): boolean => nodeOf(self).getConnections(nodeOf(next).peerId).length > 0
    // it may have dialled past its successors while it had not heard of them yet: start unlinked
    await nodeOf(self).hangUp(nodeOf(next).peerId)
    expect(linked()).toBe(false)
    await crash(nodeOf(victim))
    await expect.poll(linked, { timeout: 5_000, interval: 100 }).toBe(true)
    // the link may come up from the other side first (next dialling its own links): the tag follows
    await expect.poll(async () => tagged(nodeOf(self)), { timeout: 5_000, interval: 100 }).toContain(next)
  }, 60_000)
})
