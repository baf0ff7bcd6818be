/**
 * The example's libp2p peers: n nodes on loopback (TCP), all dialled to each other and joined to one
 * closed session; one round of secure aggregation among them, with planned dropouts; and the plan of
 * who drops out when and who aggregates. The plain mode (federated.ts) and DP over libp2p (private.ts)
 * use the nodes; the in-process rounds (private-aggregation.ts, robust-aggregation.ts) the plan.
 */
import { RoundFailedError, sessionTopic, type AggregateResult, type JoinedSession, type Phase, type SessionConfig } from 'libp2p-secagg'
import { createSecAggNode, type SecAggServices } from 'libp2p-secagg/node'
import { multiaddr } from '@multiformats/multiaddr'
import { seededUniform } from './data.js'
import type { Libp2p } from '@libp2p/interface'

export type Node = Libp2p<SecAggServices>

export interface Peers {
  nodes: Node[]
  /** Each node's handle on the session, in the nodes' order. */
  sessions: JoinedSession[]
  session: SessionConfig
}

/** A peer that drops out of a round, and the phase it leaves in. */
export interface Drop {
  peer: number
  phase: Phase
}

/** The phases a peer may drop out in: before its masked input is in, so the round must recover it. */
const DROP_PHASES: Phase[] = ['advertise-keys', 'share-keys', 'masked-input']

/**
 * On one host a phase takes milliseconds, but a peer that drops out holds its phase until the deadline;
 * these leave room for a busy machine.
 */
export const LOOPBACK_TIMEOUTS: Pick<SessionConfig, 'phaseTimeouts' | 'announceTimeout'> = {
  phaseTimeouts: { 'advertise-keys': 3_000, 'share-keys': 3_000, 'masked-input': 4_000, 'consistency-check': 3_000, unmask: 3_000 },
  announceTimeout: 3_000
}

/** Starts `count` nodes, connects each to every other and joins them all to the session `define` makes of their PeerIds. */
export async function startPeers (count: number, define: (members: string[]) => SessionConfig): Promise<Peers> {
  const nodes: Node[] = []
  for (let i = 0; i < count; i++) nodes.push(await createSecAggNode({ listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false }))
  for (const [i, node] of nodes.entries()) {
    for (const other of nodes.slice(i + 1)) await node.dial(multiaddr(other.getMultiaddrs()[0]))
  }
  const session = define(nodes.map(node => node.peerId.toString()))
  const sessions = nodes.map(node => node.services.secagg.join(session))
  // every node hears the session's topic from someone before the first announcement goes out
  const topic = sessionTopic(sessions[0].id)
  while (nodes.some(node => node.services.pubsub.getSubscribers(topic).length === 0)) await new Promise(resolve => setTimeout(resolve, 100))
  return { nodes, sessions, session }
}

export async function stopPeers ({ nodes }: Peers): Promise<void> {
  await Promise.all(nodes.map(async node => node.stop()))
}

/** In every second round, `dropsPerRound` different peers, each with a phase to drop out in. */
export function plannedDrops (plan: { seed: string, peers: number, dropsPerRound: number }, round: number): Drop[] {
  if (round % 2 === 1) return []
  const { below } = seededUniform(`${plan.seed}/drops/${round}`)
  const drops: Drop[] = []
  while (drops.length < plan.dropsPerRound) {
    const peer = below(plan.peers)
    if (!drops.some(d => d.peer === peer)) drops.push({ peer, phase: DROP_PHASES[below(DROP_PHASES.length)] })
  }
  return drops
}

/**
 * The aggregator of an in-process round: it rotates with the round, and a planned dropout never
 * aggregates (a session would retry its round under the next aggregator, which a one-attempt
 * simulation leaves out).
 */
export function rotatingAggregator (peers: number, round: number, drops: Drop[]): number {
  let aggregator = (round - 1) % peers
  while (drops.some(d => d.peer === aggregator)) aggregator = (aggregator + 1) % peers
  return aggregator
}

/**
 * One secure round: each peer hands its update and weight to aggregate(); the planned dropouts abort
 * theirs when their node reaches their phase, as a peer that crashes or loses its network would.
 * A peer's entry is undefined when its round failed.
 */
export async function secureRound ({ nodes, sessions }: Peers, updates: Float32Array[], weights: number[], drops: Drop[], round: number): Promise<Array<AggregateResult | undefined>> {
  return Promise.all(sessions.map(async (session, i) => {
    const drop = drops.find(d => d.peer === i)
    const leave = new AbortController()
    const onProgress = ({ detail }: CustomEvent<{ round: number, phase: Phase }>): void => {
      if (detail.round === round && detail.phase === drop?.phase) leave.abort()
    }
    nodes[i].services.secagg.addEventListener('progress', onProgress)
    try {
      return await session.aggregate(updates[i], { weight: weights[i], signal: leave.signal })
    } catch (err) {
      // The update is in no sum: as a trainer would, train on and send a fresh one next round.
      if (err instanceof RoundFailedError) return undefined
      throw err
    } finally {
      nodes[i].services.secagg.removeEventListener('progress', onProgress)
    }
  }))
}

/** Waits until every node holds round `round`'s result, so the next round starts everywhere together. */
export async function allHoldResult (sessions: JoinedSession[], round: number): Promise<void> {
  const deadline = Date.now() + 30_000
  while (sessions.some(s => (s.latestResult()?.round ?? 0) < round)) {
    if (Date.now() > deadline) throw new Error(`not every peer got round ${round}'s result within 30 s`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** The indices of the peers a result names as its survivors. */
export function survivorsOf ({ nodes }: Peers, result: AggregateResult): number[] {
  return result.survivors.map(id => nodes.findIndex(node => node.peerId.toString() === id))
}
