import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createLogger } from '../../src/daemon/logger.js'
import { daemonComponentLogger } from '../../src/daemon/libp2p-logger.js'
import type { LogLevel } from '../../src/daemon/options.js'

function capture (level: LogLevel): { lines: Array<Record<string, unknown>>, logger: ReturnType<typeof daemonComponentLogger> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({ write (chunk, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done() } })
  return { lines, logger: daemonComponentLogger(createLogger(level, 'json', sink)) }
}

describe("the daemon's libp2p logger", () => {
  it("puts the service's lines, libp2p's format characters filled in, in the daemon's log with their component", async () => {
    const { lines, logger } = capture('debug')
    const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const log = logger.forComponent('libp2p:secagg').newScope('0a1b2c3d')
    log('round %d attempt %d: %p is elected', 3, 1, peer)
    log.error('could not report %p gone: %s', peer, 'aborted')
    log.trace('below the level: %s', 'dropped')
    expect(lines.map(({ level, component, msg }) => ({ level, component, msg }))).toEqual([
      { level: 20, component: 'libp2p:secagg:0a1b2c3d', msg: `round 3 attempt 1: ${peer.toString()} is elected` },
      { level: 50, component: 'libp2p:secagg:0a1b2c3d', msg: `could not report ${peer.toString()} gone: aborted` }
    ])
  })

  it('keeps its debug lines out of a log at info, and leaves other components to libp2p', () => {
    const { lines, logger } = capture('info')
    const log = logger.forComponent('libp2p:secagg')
    expect(log.enabled).toBe(false)
    log('round %d attempt %d: someone is elected', 1, 0)
    logger.forComponent('libp2p:connection-manager')('dialled %s', 'a peer')
    logger.forComponent('libp2p:secagg-other').error('not ours: %s', 'a component with a like name')
    log.error('an error still shows: %s', 'yes')
    expect(lines.map(line => line.msg)).toEqual(['an error still shows: yes'])
  })
})
