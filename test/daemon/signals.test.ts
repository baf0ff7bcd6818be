import { afterEach, describe, expect, it } from 'vitest'
import { exitOnSignals } from '../../src/cli/cmds/node/signals.js'
import { createLogger } from '../../src/daemon/logger.js'

const log = createLogger('silent', 'json')
let detach: (() => void) | undefined

afterEach(() => { detach?.() })

describe('shutdown signals', () => {
  it('stop once on the first signal and exit 0 when stopping is done', async () => {
    const exits: number[] = []
    let stops = 0
    detach = exitOnSignals(async () => { stops++ }, log, code => { exits.push(code) })
    process.emit('SIGTERM', 'SIGTERM')
    await new Promise(resolve => setImmediate(resolve))
    expect(stops).toBe(1)
    expect(exits).toEqual([0])
  })

  it('exit 1 at once on a second signal while stopping is still under way', async () => {
    const exits: number[] = []
    let stops = 0
    // a stop that never ends, like one waiting on a round
    detach = exitOnSignals(async () => { stops++; await new Promise(() => {}) }, log, code => { exits.push(code) })
    process.emit('SIGINT', 'SIGINT')
    await new Promise(resolve => setImmediate(resolve))
    expect(exits).toEqual([])
    process.emit('SIGINT', 'SIGINT')
    expect(exits).toEqual([1])
    expect(stops).toBe(1)
  })

  it('exit 1 when stopping fails', async () => {
    const exits: number[] = []
    detach = exitOnSignals(async () => { throw new Error('network would not stop') }, log, code => { exits.push(code) })
    process.emit('SIGTERM', 'SIGTERM')
    await new Promise(resolve => setImmediate(resolve))
    expect(exits).toEqual([1])
  })
})
