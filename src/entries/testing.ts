/**
 * libp2p-secagg/testing: the deterministic simulator the project's own tests and examples use: whole
 * rounds in one process with injected time, randomness and faults, and plaintext references to check
 * them against.
 */
export { simulateRound, SIMULATION_START_TIME, type SimulationInput, type SimulationReport, type PeerReport, type DropPoint, type Delivery } from '../simulation/simulation.js'
export { simulatedPeers, type SimulatedPeer } from '../simulation/peers.js'
export { simulateRobustRound, type RobustRoundInput, type RobustRoundReport } from '../simulation/robust-round.js'
export { robustSum, encodedSum, type RobustSumInput, type RobustSum, type EncodedSumInput } from '../simulation/robust-sum.js'
export { privateSum, centralSum } from '../simulation/private-sum.js'
export { deterministicRandom } from '../protocol/crypto/random.js'
