/**
 * libp2p-secagg/node: a complete libp2p node running the service (TCP, relays, Noise, yamux,
 * discovery, gossipsub), with WebRTC when its optional package is installed and an address asks for it.
 */
export { createSecAggNode, DEFAULT_LISTEN, WEBRTC_LISTEN, WebRTCUnavailableError, isWebRTCAddress, type SecAggNodeOptions, type SecAggServices } from '../node/create-node.js'
export { nodeCryptoSuite } from '../protocol/crypto/suite-node.js'
export { maskWorkers, type MaskWorkerOptions } from '../protocol/crypto/mask-workers-node.js'
