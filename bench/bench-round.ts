/**
 * The round the protocol benchmarks record: n peers at dimension d with the default encoding and graph,
 * every tenth peer (from the sixth) dropping out after sharing keys, peer 0 aggregating.
 */
import { DEFAULT_ENCODING } from '../src/protocol/encoding/params.js'
import { DEFAULT_GRAPH, DEFAULT_PHASE_TIMEOUTS, resolveParams, type ResolvedParams } from '../src/protocol/round/params.js'
import { simulatedPeers, type SimulatedPeer } from '../src/simulation/peers.js'
import type { DropPoint } from '../src/simulation/simulation.js'

export const SEED = 'bench'

export interface BenchRound {
  params: ResolvedParams
  peers: SimulatedPeer[]
  dropped: Map<number, DropPoint>
  updates: Float32Array[]
}

export async function benchRound (n: number, dimension: number): Promise<BenchRound> {
  const params = resolveParams({
    sessionId: new Uint8Array(32).fill(1),
    dimension,
    encoding: DEFAULT_ENCODING,
    graph: DEFAULT_GRAPH,
    minParticipants: n - n / 10,
    phaseTimeouts: DEFAULT_PHASE_TIMEOUTS
  })
  const peers = await simulatedPeers(n, SEED)
  const dropped = new Map<number, DropPoint>(Array.from({ length: Math.floor(n / 10) }, (_, i) => [10 * i + 5, 'masked-input']))
  const updates = peers.map((_, p) => Float32Array.from({ length: dimension }, (_, i) => Math.sin(p + i) * 0.9))
  return { params, peers, dropped, updates }
}
