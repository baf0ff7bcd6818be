/** The parameters every peer of a session agrees on, and what each round derives from them. */
import { resolveEncoding, type Encoding, type EncodingParams } from '../encoding/params.js'
import { findGraphParameters, type GraphParameters, type ThreatModel } from '../graph/parameter-finder.js'
import { MAX_SHARES } from '../crypto/shamir.js'
import { InvalidEncodingError } from '../encoding/errors.js'
import type { TimedPhase } from './phases.js'

/** How the neighbour graph and threshold are chosen for each round's roster. */
export interface GraphPolicy {
  /** 'harary' (SecAgg+, k = O(log n)) or 'complete' (original SecAgg, k = n - 1). */
  shape: 'harary' | 'complete'
  /** Fraction of the roster that may drop out during a round; beyond it the round aborts. */
  dropoutRate: number
  /**
   * Fraction of the session's largest roster (the encoding's maxParticipants) assumed corrupt and
   * colluding with the aggregator. Every round plans for that many corrupt peers however small its
   * roster, because the aggregator chooses the roster and could fill a small one with its colluders.
   */
  corruptRate: number
  threatModel: ThreatModel
}

export interface ProtocolParams {
  /** 32 bytes: the hash of the session's canonical config. */
  sessionId: Uint8Array
  /** d: coordinates in each update. */
  dimension: number
  encoding: EncodingParams
  graph: GraphPolicy
  /** The fewest peers a round may start with. */
  minParticipants: number
  /** Milliseconds each phase may take once the previous one ended. */
  phaseTimeouts: Record<TimedPhase, number>
  /**
   * The session a robust round's group instance belongs to (robust/group-params.ts), whose round it is
   * one group of. Its masked vectors commit under that session's matrix, so that the aggregator of every
   * group pulls its upload check back through one matrix rather than one per group; and its beacon proof
   * is the aggregator's VRF over that session's round, so that every group of a round proves the same
   * next beacon, and dropping groups cannot choose among different ones.
   */
  parentSessionId?: Uint8Array
}

export const DEFAULT_GRAPH: GraphPolicy = { shape: 'harary', dropoutRate: 0.1, corruptRate: 0.05, threatModel: 'malicious' }

export const DEFAULT_PHASE_TIMEOUTS: Record<TimedPhase, number> = {
  'advertise-keys': 10_000,
  'share-keys': 10_000,
  'masked-input': 60_000,
  'consistency-check': 10_000,
  unmask: 30_000
}

/**
 * The survivors' masked vectors summed over the integers stay below maxParticipants * 2^m; the
 * commitments that make every sum checkable bind such a sum under module-SIS with at least 2^128
 * classical work up to 2^40 (docs/security.md), and the aggregator counts wraps past 2^32 in a byte.
 */
export const MAX_SUM_BITS = 40

/** Parameters after validation, with the encoding resolved. */
export interface ResolvedParams extends Omit<ProtocolParams, 'encoding'> {
  encoding: Encoding
}

/** Validates parameters; throws InvalidEncodingError naming the first bad one. */
export function resolveParams (params: ProtocolParams): ResolvedParams {
  const { sessionId, dimension, minParticipants, graph, phaseTimeouts } = params
  if (!(sessionId instanceof Uint8Array) || sessionId.length !== 32) throw new InvalidEncodingError('sessionId must be 32 bytes')
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > 2 ** 28) throw new InvalidEncodingError(`dimension must be an integer in 1..2^28, got ${dimension}`)
  const plain = resolveEncoding({ ...params.encoding, privacy: undefined })
  if (plain.maxParticipants > MAX_SHARES) throw new InvalidEncodingError(`maxParticipants must be at most ${MAX_SHARES}`)
  // Two peers would each learn the other's input from the sum, so three is the least.
  if (!Number.isInteger(minParticipants) || minParticipants < 3 || minParticipants > plain.maxParticipants) {
    throw new InvalidEncodingError(`minParticipants must be an integer in 3..${plain.maxParticipants}, got ${minParticipants}`)
  }
  if (graph.shape !== 'harary' && graph.shape !== 'complete') throw new InvalidEncodingError(`graph shape must be 'harary' or 'complete', got ${String(graph.shape)}`)
  if (graph.threatModel !== 'malicious' && graph.threatModel !== 'semi-honest') throw new InvalidEncodingError(`threat model must be 'malicious' or 'semi-honest', got ${String(graph.threatModel)}`)
  for (const [phase, ms] of Object.entries(phaseTimeouts)) {
    if (!Number.isFinite(ms) || ms <= 0) throw new InvalidEncodingError(`phase timeout for ${phase} must be a positive number of milliseconds`)
  }
  // Fails early, with the finder's own message, if the smallest or the largest roster allowed cannot
  // meet the targets.
  graphParametersFor({ graph, encoding: plain }, minParticipants)
  graphParametersFor({ graph, encoding: plain }, plain.maxParticipants)
  const encoding = params.encoding.privacy === undefined ? plain : resolveEncoding(params.encoding, { dimension, honestPeers: honestPeersOf(params) })
  if (Math.log2(encoding.maxParticipants) + encoding.modulusBits > MAX_SUM_BITS) {
    throw new InvalidEncodingError(`a ${encoding.modulusBits}-bit modulus with up to ${encoding.maxParticipants} participants sums masked vectors beyond 2^${MAX_SUM_BITS}, where their commitments stop binding well: lower bits or maxParticipants`)
  }
  return { ...params, encoding }
}

/**
 * The fewest peers whose noise a DP round's sum is sure to carry: the fewest survivors any roster the
 * session allows may end with, less the corrupt peers the session plans for (they know their own noise).
 */
export function honestPeersOf (params: Pick<ProtocolParams, 'graph' | 'encoding' | 'minParticipants'>): number {
  const corruptPeers = Math.floor(params.graph.corruptRate * params.encoding.maxParticipants + 1e-9)
  return graphParametersFor({ graph: params.graph, encoding: params.encoding as Encoding }, params.minParticipants).minSurvivors - corruptPeers
}

/** Words of a masked vector: the coordinates sent (a DP session's are padded to a power of two) and the weight. */
export function vectorWords (params: Pick<ResolvedParams, 'dimension' | 'encoding'>): number {
  return (params.encoding.privacy?.paddedDimension ?? params.dimension) + 1
}

// The finder walks the hypergeometric tails for every candidate degree; every peer of a round asks for
// the same roster size, and a simulation asks it once per peer, so answers are remembered.
const parameterCache = new Map<string, GraphParameters>()

/**
 * The degree, threshold and survivor minimum for a roster of n peers. Throws InfeasibleParametersError
 * when a roster that small cannot meet the targets (the corrupt peers planned for are too large a part).
 */
export function graphParametersFor (params: Pick<ResolvedParams, 'graph' | 'encoding'>, n: number): GraphParameters {
  const { graph } = params
  const corruptPeers = Math.floor(graph.corruptRate * params.encoding.maxParticipants + 1e-9)
  const key = `${graph.shape}/${graph.dropoutRate}/${corruptPeers}/${graph.threatModel}/${n}`
  let found = parameterCache.get(key)
  if (found === undefined) {
    found = findGraphParameters({
      participants: n,
      dropoutRate: graph.dropoutRate,
      corruptRate: graph.corruptRate,
      corruptPeers,
      threatModel: graph.threatModel,
      shape: graph.shape
    })
    if (parameterCache.size > 1024) parameterCache.clear()
    parameterCache.set(key, found)
  }
  return found
}
