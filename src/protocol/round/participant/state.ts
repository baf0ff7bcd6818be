/** What a participant knows and holds during one round attempt. */
import type { PrivateKey } from '@libp2p/interface'
import type { CryptoSuite } from '../../crypto/suite.js'
import type { Identity } from '../../crypto/identity.js'
import type { RandomSource } from '../../crypto/shamir.js'
import type { RoundContext } from '../../crypto/kdf.js'
import type { NeighbourKeys, Roster } from '../../pb/messages.js'
import type { ResolvedParams } from '../params.js'
import type { Phase } from '../phases.js'
import type { RosterView } from '../roster.js'
import type { HeldShares } from '../dealing.js'

export interface ParticipantConfig {
  params: ResolvedParams
  round: number
  attempt: number
  /** The beacon this peer expects the round to use; the announcement must carry the same. */
  beacon: Uint8Array
  /** The aggregator the election names for this round and attempt. */
  aggregator: Identity
  identity: Identity
  privateKey: PrivateKey
  update: Float32Array
  /** The update's weight in [0, maxWeight], such as its sample count. */
  weight: number
  crypto: CryptoSuite
  random: RandomSource
  /** Unix milliseconds. */
  now: () => number
  /** How far this peer's clock may lag the aggregator's before a deadline counts as passed (default 5 s). */
  clockSkew?: number
  /**
   * Seeds the stochastic rounding of the update. Keep it the same across the attempts of a round, so
   * that two attempts' sums differ only by the inputs that differ, never by rounding noise.
   */
  roundingSeed?: Uint8Array
  /**
   * Set when this peer revealed its shares in an earlier attempt of the same round that then failed:
   * the survivors of that attempt (PeerId strings) without its aggregator. This attempt's survivors must
   * be exactly these, so that its sum and the earlier one differ by nothing but the old aggregator's input.
   */
  requiredSurvivors?: ReadonlySet<string>
  /**
   * Whether a peer may take part in the session; every roster entry must pass. Required, so that a
   * roster of identities the aggregator made up is refused unless the session chose to be open.
   */
  isMember: (peer: Identity) => boolean
}

export interface OwnKeys {
  encryptionSecret: Uint8Array
  encryptionPublic: Uint8Array
  /** m in [0, 2^251): the mask secret key is 2^254 + 8m, and m is what this peer shares. */
  maskScalar: bigint
  maskSecret: Uint8Array
  maskPublic: Uint8Array
  /** b_u: a scalar mod l (32 bytes little-endian), shared as it is and expanded into the self mask. */
  selfMaskSeed: Uint8Array
}

export interface Neighbour {
  identity: Identity
  encryptionKey: Uint8Array
  maskKey: Uint8Array
  /** AEAD key for the shares exchanged with this neighbour. */
  shareKey: Uint8Array
  /** PRG key of the pairwise mask with this neighbour. */
  maskSeed: Uint8Array
  /** In U2: the aggregator delivered this neighbour's shares, so the pairwise mask applies. */
  inU2: boolean
  /** This neighbour's shares that this peer holds: only ones that passed every check (see share-keys.ts). */
  held?: HeldShares
}

export type ParticipantStatus = Phase | 'done' | 'aborted'

export interface ParticipantState {
  readonly config: ParticipantConfig
  readonly context: RoundContext
  status: ParticipantStatus
  /** Phase deadlines from the announcement (advertise-keys .. unmask), Unix ms. */
  deadlines?: number[]
  keys?: OwnKeys
  /** This peer's signed key advertisement as sent: its digest must be the roster's entry for it. */
  ownAdvertisement?: Uint8Array
  roster?: RosterView
  pendingRoster?: Roster
  pendingNeighbourKeys?: NeighbourKeys
  /** Keyed by the neighbour's peer id (string form). */
  neighbours: Map<string, Neighbour>
  maskedInputStarted: boolean
  /** The survivor set this peer signed: its bytes and members (string ids). */
  signedSurvivors?: { bytes: Uint8Array, members: Set<string> }
  /**
   * Signatures on that set already verified, by signer id: this peer's own, which the result must
   * carry, and its neighbours' in the consistency proof.
   */
  verifiedSignatures: Map<string, Uint8Array>
  /** SHA-256 of this peer's signed DealerCommitments, which its input commitment names. */
  dealerCommitmentsDigest?: Uint8Array
  /** SHA-256 of this peer's signed commitment to its masked input: the survivor set must list it. */
  commitmentDigest?: Uint8Array
  revealed: boolean
}
