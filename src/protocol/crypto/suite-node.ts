/** The Node backend: node:crypto (OpenSSL) for key agreement and the PRG. */
import { nodePrg } from './prg-node.js'
import { nodeX25519 } from './x25519-node.js'
import type { CryptoSuite } from './suite.js'

export const nodeCryptoSuite: CryptoSuite = { x25519: nodeX25519, prg: nodePrg }
