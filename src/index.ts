/**
 * libp2p-secagg: secure aggregation over libp2p. This entry point has the js-libp2p service and a
 * complete node (docs/network.md), and the protocol core they run: sans-I/O state machines and their
 * primitives.
 */
export { secureAggregation, SecureAggregation, type SecureAggregationInit, type SecureAggregationComponents, type SecureAggregationEvents, type JoinedSession, type FetchedResult } from './node/service.js'
export { createSecAggNode, DEFAULT_LISTEN, fastMessageId, type SecAggNodeOptions, type SecAggServices } from './node/create-node.js'
export { defineSession, parseSessionConfig, openSession, DEFAULT_SESSION, InvalidSessionConfigError, type SessionConfig, type Session } from './node/session-config.js'
export { InvalidUpdateError, UpdatePendingError, RoundFailedError, NotJoinedError, type RoundFailure } from './node/errors.js'
export type { AggregateResult, AggregateOptions, RoundProgress } from './node/session-runner.js'
export { PROTOCOL_PREFIX, protocolFor, sessionTopic, FETCH_RESULT_PROTOCOL, MAX_STREAM_WINDOW } from './node/constants.js'
export { Participant } from './protocol/round/participant/participant.js'
export type { ParticipantConfig } from './protocol/round/participant/state.js'
export { Aggregator } from './protocol/round/aggregator/aggregator.js'
export type { AggregatorConfig } from './protocol/round/aggregator/state.js'
export type { AbortReason } from './protocol/round/errors.js'
export type { MessageType, Outbound, RoundEvent, RoundOutcome, Step } from './protocol/round/events.js'
export { PHASES, type Phase } from './protocol/round/phases.js'
export { DEFAULT_GRAPH, DEFAULT_PHASE_TIMEOUTS, graphParametersFor, resolveParams, type GraphPolicy, type ProtocolParams, type ResolvedParams } from './protocol/round/params.js'
export { DEFAULT_ENCODING, type EncodingParams } from './protocol/encoding/params.js'
export { findGraphParameters, type GraphParameters, type GraphTargets, type ThreatModel } from './protocol/graph/parameter-finder.js'
export { electAggregator, genesisBeacon, nextBeacon, rankAggregators } from './protocol/election.js'
export { identityOf, identityFromBytes, type Identity } from './protocol/crypto/identity.js'
export { nodeCryptoSuite } from './protocol/crypto/suite-node.js'
export { webCryptoSuite } from './protocol/crypto/suite-web.js'
export type { CryptoSuite } from './protocol/crypto/suite.js'
export { systemRandom, deterministicRandom } from './protocol/crypto/random.js'
