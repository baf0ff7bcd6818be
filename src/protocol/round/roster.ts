/** A round's roster U1 with its neighbour graph, as both the participants and the aggregator see it. */
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes, toHex } from '../crypto/bytes.js'
import { graphSeed, NeighbourGraph } from '../graph/harary-graph.js'
import { graphParametersFor, type ResolvedParams } from './params.js'
import type { RoundContext } from '../crypto/kdf.js'
import { InfeasibleParametersError, type GraphParameters } from '../graph/parameter-finder.js'
import { ProtocolViolation } from './errors.js'
import type { Identity } from '../crypto/identity.js'

export class RosterView {
  /** U1 in canonical order (byte order of peer ids): a peer's Shamir x-coordinate is its index + 1. */
  readonly identities: readonly Identity[]
  readonly peers: readonly Uint8Array[]
  readonly graph: NeighbourGraph
  readonly parameters: GraphParameters
  private readonly index = new Map<string, number>()
  /** Each peer's id in hex, in roster order: the keys of `index`. */
  private readonly hexes: readonly string[]
  /** The same by the roster's own byte arrays, which the graph hands out: no hex string to build. */
  private readonly positions = new Map<Uint8Array, number>()

  /** Digests of the roster's signed key advertisements, in roster order (see graphSeed). */
  readonly digests: readonly Uint8Array[]

  /** `identities` must already be in canonical order without repeats (see sortIdentities). */
  constructor (identities: readonly Identity[], context: RoundContext, beacon: Uint8Array, params: Pick<ResolvedParams, 'graph' | 'encoding'>, digests: readonly Uint8Array[]) {
    this.identities = identities
    this.peers = identities.map(i => i.bytes)
    this.hexes = this.peers.map(toHex)
    this.peers.forEach((peer, i) => {
      this.index.set(this.hexes[i], i)
      this.positions.set(peer, i)
    })
    try {
      this.parameters = graphParametersFor(params, identities.length)
    } catch (err) {
      if (err instanceof InfeasibleParametersError) throw new ProtocolViolation('too-few-participants', err.message)
      throw err
    }
    this.digests = digests
    this.graph = new NeighbourGraph(this.peers, graphSeed(context, beacon, this.peers, digests), this.parameters.degree)
  }

  get size (): number {
    return this.peers.length
  }

  get threshold (): number {
    return this.parameters.threshold
  }

  get minSurvivors (): number {
    return this.parameters.minSurvivors
  }

  has (peer: Uint8Array): boolean {
    return this.positionOf(peer) !== undefined
  }

  /** The Shamir x-coordinate of a roster peer's shares. */
  xOf (peer: Uint8Array): number {
    const i = this.positionOf(peer)
    if (i === undefined) throw new RangeError('peer is not in the roster')
    return i + 1
  }

  private positionOf (peer: Uint8Array): number | undefined {
    return this.positions.get(peer) ?? this.index.get(toHex(peer))
  }

  neighboursOf (peer: Uint8Array): Uint8Array[] {
    return this.graph.neighboursOf(peer)
  }

  /**
   * A peer's neighbours by their ids in hex, for ids that arrive in a message: those are arrays of
   * their own, which `positions` cannot find, and each would cost a hex string to look up.
   */
  neighboursByHex (peer: Uint8Array): Map<string, Identity> {
    return new Map(this.neighboursOf(peer).map(neighbour => {
      const i = this.xOf(neighbour) - 1
      return [this.hexes[i], this.identities[i]]
    }))
  }

  /** The identity of a roster peer. */
  identityOf (peer: Uint8Array): Identity {
    return this.identities[this.xOf(peer) - 1]
  }
}

/** The digest of a signed key advertisement, as the roster lists it. */
export function advertisementDigest (signedAdvertisement: Uint8Array): Uint8Array {
  return sha256(signedAdvertisement)
}

/** Identities in canonical order (byte order of their peer ids). */
export function sortIdentities (identities: Iterable<Identity>): Identity[] {
  return [...identities].sort((a, b) => compareBytes(a.bytes, b.bytes))
}
