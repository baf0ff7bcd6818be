/** What the aggregator knows and holds during one round attempt. */
import type { PrivateKey } from '@libp2p/interface'
import type { CryptoSuite } from '../../crypto/suite.js'
import type { Identity } from '../../crypto/identity.js'
import type { RandomSource } from '../../crypto/shamir.js'
import type { RoundContext } from '../../crypto/kdf.js'
import type { Signed } from '../../pb/messages.js'
import type { SealedShare } from '../dealing.js'
import type { UploadCheck, UploadDigest, UploadSum } from '../../verification/upload-check.js'
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
  /**
   * Makes the check of masked uploads against their commitments (UploadCheck.create by default). One
   * aggregator running a robust round's groups shares one (UploadCheck.shared): they commit under one matrix.
   */
  uploadCheck?: typeof UploadCheck.create
}

export interface Advertisement {
  identity: Identity
  envelope: Signed
  encryptionKey: Uint8Array
  maskKey: Uint8Array
}

/** What one member of U2 dealt, as it sent it: enough to deliver each holder its share and to judge a complaint. */
export interface Dealing {
  /** Its signed DealerCommitments, relayed to every holder as they are. */
  commitments: Signed
  /** Its commitments to the self-mask seed and to the mask-key scalar, encoded (they decoded when they arrived). */
  selfMaskCommitments: Uint8Array[]
  maskKeyCommitments: Uint8Array[]
  /** The encoded EncryptedShares, in the order of its holders' x-coordinates (the Merkle leaves). */
  shares: Uint8Array[]
  /** The same, decoded. */
  entries: SealedShare[]
  /** Each share's Merkle path to the root the dealer signed. */
  paths: Uint8Array[][]
  /** The index of each holder's share, by holder id. */
  indexOf: Map<string, number>
}

/** An upload in progress: its packed chunks so far, to take them out again if it breaks off. */
export interface Upload {
  /**
   * The packed values of each chunk added so far, in order from coordinate 0, kept to take the upload
   * back out: views of the messages they came in (the caller of handle() does not reuse those), or
   * copies where a view would pin a much larger buffer.
   */
  chunks: Uint8Array[]
  received: number
  /** Its inner products so far with the upload check's secret form. */
  digest: UploadDigest
}

/** A signed commitment to a masked input that matched the upload, with the SHA-256 of the encoded Signed. */
export interface AcceptedCommitment {
  envelope: Signed
  digest: Uint8Array
}

export type AggregatorStatus = Phase | 'done' | 'aborted'

export interface AggregatorState {
  readonly config: AggregatorConfig
  readonly context: RoundContext
  status: AggregatorStatus
  /** Phase deadlines (advertise-keys .. unmask), Unix ms, set by the announcement. */
  deadlines: number[]
  /** When the current phase opened (Unix ms): a phase waits at most its own timeout from then. */
  phaseOpened: number
  /** Peers excluded for breaking the protocol, by id. */
  excluded: Set<string>
  /**
   * Peers the network layer reports gone (every connection closed, and no redial within its grace), by
   * id: no phase waits for them. Unlike exclusion this accuses no one, and a message from the peer
   * takes it off the list again.
   */
  lost: Set<string>
  /** Valid advertisements in arrival order, by id. */
  advertisements: Map<string, Advertisement>
  roster?: RosterView
  /** U2: what each peer that shared keys dealt, by dealer id. */
  shareKeys: Map<string, Dealing>
  /**
   * Members of U2 whose share-check arrived, with the dealers each complained about (by id). A peer
   * counts as a survivor only once its check is in, so that no complaint can come after U3 is fixed.
   */
  checks: Map<string, Set<string>>
  uploads: Map<string, Upload>
  /**
   * Whole masked inputs whose sender's share-check has not arrived yet: their packed chunks, to take
   * out of the sum again if it never does (or its sender is excluded meanwhile).
   */
  unchecked: Map<string, Uint8Array[]>
  /** U3: peers whose masked input arrived whole and whose share-check arrived, by id: their inputs are in the sum for good. */
  completed: Set<string>
  /**
   * Sum of the completed masked inputs: mod 2^32, and how many times each coordinate passed 2^32, which
   * gives the sum over the integers that the survivors' commitments add up to (below 2^40, as the
   * parameters require).
   */
  sum?: UploadSum
  /** Checks each upload against its sender's commitment; set when masked-input opens. */
  uploadCheck?: UploadCheck
  /** The commitments of uploads that arrived whole and matched, by sender id. */
  commitments: Map<string, AcceptedCommitment>
  survivorSet?: { bytes: Uint8Array, members: Set<string> }
  /** U4: consistency signatures, by signer id. */
  signatures: Map<string, Uint8Array>
  /** Revealed shares by owner id, then by holder x-coordinate. */
  revealed: Map<string, Map<number, Uint8Array>>
  /** U5: peers whose unmask shares were accepted. */
  responders: Set<string>
  /**
   * Secrets unmask has rebuilt and checked so far, by owner id: the self-mask seed of a survivor, the
   * mask-key scalar of a dropped peer. Filled when the phase may close before every signer answered.
   */
  rebuilt: Map<string, Uint8Array>
}

/** Whether the attempt waits for nothing more from this peer: excluded, or reported gone. */
export function isGone (state: AggregatorState, peer: string): boolean {
  return state.excluded.has(peer) || state.lost.has(peer)
}
