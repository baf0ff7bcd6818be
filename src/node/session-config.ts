/**
 * A session: a named aggregation group defined by a config. Its id is the SHA-256 of the config's
 * canonical form, so peers that load the same session file agree on every parameter without
 * negotiating, and a peer with a different file is simply in another session.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { frame, toHex, utf8 } from '../protocol/crypto/bytes.js'
import { DEFAULT_ENCODING } from '../protocol/encoding/params.js'
import { DEFAULT_GRAPH, DEFAULT_PHASE_TIMEOUTS, resolveParams, type GraphPolicy, type ResolvedParams } from '../protocol/round/params.js'
import { TIMED_PHASES, type TimedPhase } from '../protocol/round/phases.js'
import type { EncodingParams } from '../protocol/encoding/params.js'
import { resolveRobust, ROBUST_RULES, type RobustParams, type ResolvedRobust } from '../protocol/robust/params.js'

export interface SessionConfig {
  /** A human-readable name; part of the id, so two sessions with otherwise equal configs differ. */
  name: string
  /** Coordinates in every update. */
  dimension: number
  encoding: EncodingParams
  graph: GraphPolicy
  /** The fewest peers a round may start with. */
  minParticipants: number
  /** Milliseconds each phase may take. */
  phaseTimeouts: Record<TimedPhase, number>
  /** Milliseconds to wait for the elected aggregator's announcement before the next-ranked peer takes over. */
  announceTimeout: number
  /** Attempts per round before aggregate() gives up. */
  maxAttempts: number
  /** Who may take part: a list of PeerIds, or 'open' for anyone who loads the session. */
  members: string[] | 'open'
  /**
   * Byzantine robustness by robust groups (src/protocol/robust, docs/robustness.md): each round's
   * members are cut into groups, each summed securely, and the group means combined by a robust rule.
   * A closed session only, without DP; settings the rule cannot hold are refused.
   */
  robust?: RobustParams
}

/** A session config that breaks a rule; the message names the field. */
export class InvalidSessionConfigError extends Error {
  static override name = 'InvalidSessionConfigError'
  override name = InvalidSessionConfigError.name
}

/**
 * The defaults of every field a session may leave out. Not `members`: an open session lets one party
 * join under as many identities as it likes, surround an honest peer and learn its update, so who may
 * take part is always said, never assumed.
 */
export const DEFAULT_SESSION: Omit<SessionConfig, 'name' | 'dimension' | 'members'> = {
  encoding: DEFAULT_ENCODING,
  graph: DEFAULT_GRAPH,
  minParticipants: 10,
  phaseTimeouts: DEFAULT_PHASE_TIMEOUTS,
  announceTimeout: 10_000,
  maxAttempts: 5
}

/** A full config from the required fields (members among them) and any overrides, with the library's defaults for the rest. */
export function defineSession (config: Pick<SessionConfig, 'name' | 'dimension' | 'members'> & Partial<SessionConfig>): SessionConfig {
  // JavaScript callers and `as` casts get past the type: say what to pass rather than "is missing"
  if (config.members === undefined) {
    fail('members', "is required: pass the members' PeerIds, or 'open' knowingly (anyone may then join, under as many identities as it likes)")
  }
  return parseSessionConfig({
    ...DEFAULT_SESSION,
    ...config,
    encoding: { ...DEFAULT_SESSION.encoding, ...config.encoding },
    graph: { ...DEFAULT_SESSION.graph, ...config.graph },
    phaseTimeouts: { ...DEFAULT_SESSION.phaseTimeouts, ...config.phaseTimeouts }
  })
}

function fail (field: string, message: string): never {
  throw new InvalidSessionConfigError(`session config field "${field}" ${message}`)
}

function object (value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(field, 'must be an object')
  return value as Record<string, unknown>
}

function number (value: unknown, field: string, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    fail(field, `must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${JSON.stringify(value)}`)
  }
  return value
}

function oneOf<T extends string> (value: unknown, field: string, options: readonly T[]): T {
  if (!options.includes(value as T)) fail(field, `must be one of ${options.map(o => `'${o}'`).join(', ')}, got ${JSON.stringify(value)}`)
  return value as T
}

function onlyKeys (value: Record<string, unknown>, field: string, keys: readonly string[]): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) fail(`${field === '' ? '' : `${field}.`}${key}`, 'is not a known setting')
}

const TOP_KEYS = ['name', 'dimension', 'encoding', 'graph', 'minParticipants', 'phaseTimeouts', 'announceTimeout', 'maxAttempts', 'members'] as const
const OPTIONAL_KEYS = ['robust'] as const

/** Checks a session config from outside (a file, the network) field by field; throws InvalidSessionConfigError. */
export function parseSessionConfig (input: unknown): SessionConfig {
  const root = object(input, '(root)')
  onlyKeys(root, '', [...TOP_KEYS, ...OPTIONAL_KEYS])
  for (const key of TOP_KEYS) if (root[key] === undefined) fail(key, 'is missing')
  if (typeof root.name !== 'string' || root.name.length === 0 || root.name.length > 200) fail('name', 'must be a string of 1 to 200 characters')
  const encoding = object(root.encoding, 'encoding')
  onlyKeys(encoding, 'encoding', ['clip', 'bits', 'maxParticipants', 'maxWeight', 'privacy'])
  const privacy = encoding.privacy === undefined ? undefined : object(encoding.privacy, 'encoding.privacy')
  if (privacy !== undefined) onlyKeys(privacy, 'encoding.privacy', ['mechanism', 'l2Clip', 'modulusBits', 'epsilon', 'delta', 'rounds', 'sigmas'])
  const graph = object(root.graph, 'graph')
  onlyKeys(graph, 'graph', ['shape', 'dropoutRate', 'corruptRate', 'threatModel'])
  const timeouts = object(root.phaseTimeouts, 'phaseTimeouts')
  onlyKeys(timeouts, 'phaseTimeouts', TIMED_PHASES)
  const members = root.members
  if (members !== 'open' && !(Array.isArray(members) && members.length > 0)) fail('members', "must be 'open' or a non-empty list of PeerIds")
  const config: SessionConfig = {
    name: root.name,
    dimension: number(root.dimension, 'dimension', 1, 2 ** 28, true),
    encoding: {
      clip: number(encoding.clip, 'encoding.clip', Number.MIN_VALUE, Number.MAX_VALUE),
      bits: number(encoding.bits, 'encoding.bits', 2, 24, true),
      maxParticipants: number(encoding.maxParticipants, 'encoding.maxParticipants', 3, 65535, true),
      maxWeight: number(encoding.maxWeight, 'encoding.maxWeight', Number.MIN_VALUE, Number.MAX_VALUE),
      ...(privacy !== undefined
        ? {
            privacy: {
              mechanism: oneOf(privacy.mechanism, 'encoding.privacy.mechanism', ['discrete-gaussian'] as const),
              l2Clip: number(privacy.l2Clip, 'encoding.privacy.l2Clip', Number.MIN_VALUE, Number.MAX_VALUE),
              modulusBits: number(privacy.modulusBits, 'encoding.privacy.modulusBits', 8, 32, true),
              epsilon: number(privacy.epsilon, 'encoding.privacy.epsilon', Number.MIN_VALUE, 1000),
              delta: number(privacy.delta, 'encoding.privacy.delta', Number.MIN_VALUE, 0.5),
              rounds: number(privacy.rounds, 'encoding.privacy.rounds', 1, 1_000_000, true),
              ...(privacy.sigmas !== undefined ? { sigmas: number(privacy.sigmas, 'encoding.privacy.sigmas', 1, 10) } : {})
            }
          }
        : {})
    },
    graph: {
      shape: oneOf(graph.shape, 'graph.shape', ['harary', 'complete'] as const),
      dropoutRate: number(graph.dropoutRate, 'graph.dropoutRate', 0, 0.99),
      corruptRate: number(graph.corruptRate, 'graph.corruptRate', 0, 0.99),
      threatModel: oneOf(graph.threatModel, 'graph.threatModel', ['malicious', 'semi-honest'] as const)
    },
    minParticipants: number(root.minParticipants, 'minParticipants', 3, 65535, true),
    phaseTimeouts: Object.fromEntries(TIMED_PHASES.map(phase => [phase, number(timeouts[phase], `phaseTimeouts.${phase}`, 100, 86_400_000, true)])) as Record<TimedPhase, number>,
    announceTimeout: number(root.announceTimeout, 'announceTimeout', 100, 86_400_000, true),
    maxAttempts: number(root.maxAttempts, 'maxAttempts', 1, 100, true),
    members: members === 'open' ? 'open' : (members as unknown[]).map((member, i) => canonicalPeerId(member, `members[${i}]`)),
    ...(root.robust !== undefined ? { robust: robustOf(root.robust) } : {})
  }
  if (config.members !== 'open' && new Set(config.members).size !== config.members.length) fail('members', 'lists a peer twice')
  resolvedRobustOf(config)
  try {
    resolveParams(paramsOf(config, new Uint8Array(32)))
  } catch (err: any) {
    throw new InvalidSessionConfigError(`session config is not usable: ${err.message}`)
  }
  return config
}

function robustOf (value: unknown): RobustParams {
  const robust = object(value, 'robust')
  onlyKeys(robust, 'robust', ['groupSize', 'rule', 'byzantineRate', 'failureProbability', 'trim', 'l2Bound'])
  return {
    groupSize: number(robust.groupSize, 'robust.groupSize', 3, 65535, true),
    rule: oneOf(robust.rule, 'robust.rule', ROBUST_RULES),
    byzantineRate: number(robust.byzantineRate, 'robust.byzantineRate', 0, 0.49),
    ...(robust.failureProbability !== undefined ? { failureProbability: number(robust.failureProbability, 'robust.failureProbability', Number.MIN_VALUE, 0.5) } : {}),
    ...(robust.trim !== undefined ? { trim: number(robust.trim, 'robust.trim', 0, 0.49) } : {}),
    ...(robust.l2Bound !== undefined ? { l2Bound: number(robust.l2Bound, 'robust.l2Bound', Number.MIN_VALUE, Number.MAX_VALUE) } : {})
  }
}

/**
 * A robust session's settings checked against its members. Closed only: a Byzantine rate means nothing
 * where anyone may join under as many identities as it likes. Not with DP yet: each group sum would need
 * the whole noise of a round (docs/robustness.md).
 */
function resolvedRobustOf (config: SessionConfig): ResolvedRobust | undefined {
  if (config.robust === undefined) return undefined
  if (config.members === 'open') fail('robust', "needs a closed session (a list of members): in an open one, anyone may join under as many identities as it likes, and no Byzantine rate holds")
  if (config.encoding.privacy !== undefined) fail('robust', 'does not combine with encoding.privacy yet: each group sum would have to carry a whole round\'s noise (docs/robustness.md)')
  try {
    return resolveRobust(config.robust, config.members.length)
  } catch (err: any) {
    fail('robust', `is not admissible: ${err.message}`)
  }
}

function canonicalPeerId (value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'must be a PeerId string')
  try {
    const peerId = peerIdFromString(value)
    if (peerId.type !== 'Ed25519') fail(field, 'must be an Ed25519 PeerId')
    return peerId.toString()
  } catch (err) {
    if (err instanceof InvalidSessionConfigError) throw err
    fail(field, `is not a PeerId: ${JSON.stringify(value)}`)
  }
}

/** The canonical form: JSON with object keys sorted at every level and member lists sorted. */
export function canonicalSessionConfig (config: SessionConfig): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted)
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map(key => [key, sorted((value as Record<string, unknown>)[key])]))
    }
    return value
  }
  const members = config.members === 'open' ? 'open' : [...config.members].sort()
  return JSON.stringify(sorted({ ...config, members }))
}

/** The session id: SHA-256 of the canonical config, domain-separated. */
export function sessionIdOf (config: SessionConfig): Uint8Array {
  return sha256(frame(['libp2p-secagg/1/session', utf8(canonicalSessionConfig(config))]))
}

/** The protocol core's parameters for this session. */
export function paramsOf (config: SessionConfig, sessionId: Uint8Array): ResolvedParams {
  return resolveParams({
    sessionId,
    dimension: config.dimension,
    encoding: config.encoding,
    graph: config.graph,
    minParticipants: config.minParticipants,
    phaseTimeouts: config.phaseTimeouts
  })
}

/** A session as a running peer holds it: config, id and the core's parameters. */
export interface Session {
  config: SessionConfig
  id: Uint8Array
  /** The id in hex, for topics, logs and maps. */
  idHex: string
  params: ResolvedParams
  /** A robust session's settings, resolved against its members. */
  robust?: ResolvedRobust
}

export function openSession (config: SessionConfig): Session {
  const checked = parseSessionConfig(config)
  const id = sessionIdOf(checked)
  const robust = resolvedRobustOf(checked)
  return { config: checked, id, idHex: toHex(id), params: paramsOf(checked, id), ...(robust !== undefined ? { robust } : {}) }
}
