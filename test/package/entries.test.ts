/**
 * Each entry point loads only what its users need: the import graph of each, walked through the
 * sources, reaches no module it must not. The core runs anywhere (no Node.js module, no libp2p node,
 * no I/O); the service leaves out the node's transports, WebRTC and the daemon's stack; nothing
 * imports WebRTC statically, so a default install (without the optional @libp2p/webrtc) loads.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../../src/', import.meta.url))
// Static imports and re-exports, not `import()` nor `import type` (erased by the compiler)
const IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm

/** The packages and Node.js modules an entry reaches, each with a file that imports it. */
function reached (entry: string): Map<string, string> {
  const seen = new Set<string>()
  const found = new Map<string, string>()
  const walk = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')))
      else if (!found.has(spec)) found.set(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.startsWith('node:') ? spec : spec.split('/')[0], file.slice(SRC.length))
    }
  }
  walk(join(SRC, entry))
  return found
}

const DAEMON_STACK = ['fastify', 'pino', 'pino-pretty', 'prom-client', 'yargs', 'datastore-fs', '@libp2p/prometheus-metrics']
const NODE_TRANSPORTS = ['libp2p', '@libp2p/tcp', '@libp2p/mdns', '@libp2p/bootstrap', '@libp2p/circuit-relay-v2', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux']

describe('the entry points', () => {
  it('core: no Node.js module, no libp2p node, no I/O', () => {
    const core = reached('entries/core.ts')
    expect([...core.keys()].filter(name => name.startsWith('node:'))).toEqual([])
    for (const name of [...DAEMON_STACK, ...NODE_TRANSPORTS, '@libp2p/webrtc', '@libp2p/gossipsub']) expect(core.get(name), name).toBeUndefined()
  })

  it('libp2p-secagg: the service and sessions, without transports, WebRTC or the daemon', () => {
    const root = reached('index.ts')
    expect(root.has('@libp2p/gossipsub')).toBe(true)
    for (const name of [...DAEMON_STACK, ...NODE_TRANSPORTS, '@libp2p/webrtc']) expect(root.get(name), name).toBeUndefined()
  })

  it('node: the transports, without the daemon\'s stack; daemon: everything but WebRTC', () => {
    const node = reached('entries/node.ts')
    expect(node.has('@libp2p/tcp')).toBe(true)
    for (const name of [...DAEMON_STACK, '@libp2p/webrtc']) expect(node.get(name), name).toBeUndefined()
    const daemon = reached('entries/daemon.ts')
    expect(daemon.has('fastify')).toBe(true)
    expect(daemon.get('@libp2p/webrtc')).toBeUndefined()
  })

  it('nothing imports WebRTC statically, the command line included', () => {
    expect(reached('cli/main.ts').get('@libp2p/webrtc')).toBeUndefined()
    // and the walk does see a static import where there is one
    expect(reached('node/create-node.ts').has('@libp2p/tcp')).toBe(true)
  })
})
