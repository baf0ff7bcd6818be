/** What the aggregator knows and holds during one round attempt. */
import type { PrivateKey } from '@libp2p/interface'
import type { CryptoSuite } from '../../crypto/suite.js'
import type { Identity } from '../../crypto/identity.js'
import type { RandomSource } from '../../crypto/shamir.js'
import type { RoundContext } from '../../crypto/kdf.js'
import type { ShareKeys, Signed } from '../../pb/messages.js'
import type { ResolvedParams } from '../params.js'
import type { Phase } from '../phases.js'
import type { RosterView } from '../roster.js'

export interface AggregatorConfig {
  params: ResolvedParams
  round: number
  attempt: number
  /** The round's beacon: it seeds the neighbour graph, and every participant checks it. */
  beacon: Uint8Array
  identity: Identity
  privateKey: PrivateKey
  crypto: CryptoSuite
  random: RandomSource
  /** Unix milliseconds. */
  now: () => number
  /** Close advertise-keys as soon as this many peers have advertised (otherwise at its deadline). */
  expectedParticipants?: number
  /** Whether a peer may take part in the session. */
  isMember: (peer: Identity) => boolean
}

export interface Advertisement {
  identity: Identity
  envelope: Signed
  encryptionKey: Uint8Array
  maskKey: Uint8Array
  selfMaskCommitment: Uint8Array
}

/** An upload in progress: a copy of its packed chunks so far, to take them out again if it breaks off. */
export interface Upload {
  staged: Uint8Array
  received: number
}

export type AggregatorStatus = Phase | 'done' | 'aborted'

export interface AggregatorState {
  readonly config: AggregatorConfig
  readonly context: RoundContext
  status: AggregatorStatus
  /** Phase deadlines (advertise-keys .. unmask), Unix ms, set by the announcement. */
  deadlines: number[]
  /** Peers excluded for breaking the protocol, by id. */
  excluded: Set<string>
  /** Valid advertisements in arrival order, by id. */
  advertisements: Map<string, Advertisement>
  roster?: RosterView
  /** U2: the share-keys messages, by sender id. */
  shareKeys: Map<string, ShareKeys>
  uploads: Map<string, Upload>
  /** Staging buffers of finished uploads, for the next ones. */
  spareStaging: Uint8Array[]
  /** U3: peers whose masked input arrived whole, by id. */
  completed: Set<string>
  /** Sum mod 2^32 of the completed masked inputs. */
  accumulator?: Uint32Array
  survivorSet?: { bytes: Uint8Array, members: Set<string> }
  /** U4: consistency signatures, by signer id. */
  signatures: Map<string, Uint8Array>
  /** Revealed shares by owner id, then by holder x-coordinate. */
  revealed: Map<string, Map<number, Uint8Array>>
  /** U5: peers whose unmask shares were accepted. */
  responders: Set<string>
}
