/**
 * libp2p-secagg: the secure-aggregation service for a js-libp2p node you build yourself
 * (docs/network.md), the sessions it runs, and the protocol core under them (also alone, without
 * Node.js modules, as libp2p-secagg/core). The node with every transport is libp2p-secagg/node, the
 * daemon libp2p-secagg/daemon, the simulator libp2p-secagg/testing: none of them loads unless imported.
 */
export { secureAggregation, SecureAggregation, type SecureAggregationInit, type SecureAggregationComponents, type SecureAggregationEvents, type JoinedSession, type FetchedResult } from './node/service.js'
export { defineSession, parseSessionConfig, openSession, DEFAULT_SESSION, InvalidSessionConfigError, type SessionConfig, type Session } from './node/session-config.js'
export { InvalidUpdateError, UpdatePendingError, RoundFailedError, NotJoinedError, PrivacyBudgetError, type RoundFailure } from './node/errors.js'
export type { AggregateResult, AggregateOptions, RoundProgress, SessionStore } from './node/session-runner.js'
export { fastMessageId } from './node/message-id.js'
export { PROTOCOL_PREFIX, protocolFor, sessionTopic, FETCH_RESULT_PROTOCOL, MAX_STREAM_WINDOW } from './node/constants.js'
export { verifyResult, verifyTravelledResult, auditSessionTranscript, InvalidResultError, ForgedResultError } from './protocol/session/result-verification.js'
export { nodeCryptoSuite } from './protocol/crypto/suite-node.js'
export * from './entries/core.js'
