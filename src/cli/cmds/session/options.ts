/** `secagg session create` flags: the session config's fields, defaults from the library. */
import { DEFAULT_SESSION } from '../../../node/session-config.js'
import { list } from '../../global-options.js'
import type { RobustRule } from '../../../protocol/robust/params.js'
import type { Options } from 'yargs'

/** What an open session does not protect against, for --open's help and the warning it prints. */
export const OPEN_SESSION_RISK = 'An open session does not keep an honest peer\'s update private: anyone with the session file may join, ' +
  'under as many identities as it likes, so a single party can surround one honest peer with identities of its own and learn that ' +
  'peer\'s update. Use one only among peers you trust, or for testing.'

export const sessionCreateOptions = {
  name: { type: 'string', demandOption: true, description: 'The session\'s name (part of its id)' },
  dimension: { type: 'number', demandOption: true, description: 'Values in every update' },
  members: { type: 'array', string: true, coerce: list, description: 'The PeerIds that may take part (`secagg keygen` prints each); this or --open is required' },
  open: { type: 'boolean', description: `Let anyone with the session file take part, instead of listing --members. ${OPEN_SESSION_RISK}` },
  'min-participants': { type: 'number', default: DEFAULT_SESSION.minParticipants, description: 'The fewest peers a round may start with' },
  clip: { type: 'number', default: DEFAULT_SESSION.encoding.clip, description: 'Each value is clipped to [-clip, clip]', group: 'Encoding:' },
  bits: { type: 'number', default: DEFAULT_SESSION.encoding.bits, description: 'Bits per value before summing', group: 'Encoding:' },
  'max-participants': { type: 'number', default: DEFAULT_SESSION.encoding.maxParticipants, description: 'Most peers a sum is sized for', group: 'Encoding:' },
  'max-weight': { type: 'number', default: DEFAULT_SESSION.encoding.maxWeight, description: 'Largest weight (such as a sample count) an update may carry', group: 'Encoding:' },
  epsilon: { type: 'number', description: 'Add distributed differential privacy with this epsilon over --dp-rounds rounds (each peer adds discrete Gaussian noise before masking; docs/privacy.md)', group: 'Differential privacy:' },
  delta: { type: 'number', default: 1e-5, description: 'The budget\'s delta (with --epsilon)', group: 'Differential privacy:' },
  'dp-rounds': { type: 'number', description: 'Rounds the budget is spread over: each peer takes part in at most this many (required with --epsilon)', group: 'Differential privacy:' },
  'l2-clip': { type: 'number', description: 'Each update is scaled down to this L2 norm at most (required with --epsilon)', group: 'Differential privacy:' },
  'modulus-bits': { type: 'number', default: 18, description: 'Bits per value on the wire with --epsilon (16 to 20 is typical)', group: 'Differential privacy:' },
  'byzantine-rate': { type: 'number', description: 'Defend against this fraction of Byzantine members with robust groups (a closed session; docs/robustness.md); refused where no group size can', group: 'Byzantine robustness:' },
  'group-size': { type: 'number', default: 5, description: 'Members per group with --byzantine-rate: each group sum reveals at least this many inputs together', group: 'Byzantine robustness:' },
  'robust-rule': { type: 'string', choices: ['median', 'trimmed-mean', 'centred-clipping'], default: 'median', description: 'How the group means combine, with --byzantine-rate', group: 'Byzantine robustness:' },
  'l2-bound': { type: 'number', description: 'With --byzantine-rate: honest updates are clipped to this L2 norm, and a group mean beyond it is dropped', group: 'Byzantine robustness:' },
  'announce-timeout': { type: 'number', default: DEFAULT_SESSION.announceTimeout, description: 'Milliseconds to wait for an aggregator before the next one takes over', group: 'Rounds:' },
  'max-attempts': { type: 'number', default: DEFAULT_SESSION.maxAttempts, description: 'Attempts per round before it fails', group: 'Rounds:' },
  out: { type: 'string', description: 'Where to write the session file (default: <name>.session.json)' },
  force: { type: 'boolean', default: false, description: 'Overwrite an existing file' }
} satisfies Record<string, Options>

export interface SessionCreateArgs {
  name: string
  dimension: number
  members?: string[]
  open?: boolean
  minParticipants: number
  clip: number
  bits: number
  maxParticipants: number
  maxWeight: number
  epsilon?: number
  delta: number
  dpRounds?: number
  l2Clip?: number
  modulusBits: number
  byzantineRate?: number
  groupSize: number
  robustRule: RobustRule
  l2Bound?: number
  announceTimeout: number
  maxAttempts: number
  out?: string
  force: boolean
}
