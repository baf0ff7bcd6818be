/**
 * The launcher's handle on a `secagg node` process: a start it gives up on (the testnet stopping while
 * a daemon comes up) must not leave that daemon running.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineSession } from '../../src/node/session-config.js'
import { startDaemon } from '../../src/testnet/daemon-process.js'

let root: string
beforeEach(async () => { root = await mkdtemp(join(tmpdir(), 'secagg-start-')) })
afterEach(async () => { await rm(root, { recursive: true, force: true }) })

/** PIDs of processes whose command line names `dataDir`. */
function processesOf (dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
  } catch {
    return [] // pgrep exits 1 when nothing matches
  }
}

describe('starting a daemon', () => {
  it('kills the daemon when its start is given up on before its API is up', async () => {
    const session = join(root, 'session.json')
    await writeFile(session, JSON.stringify(defineSession({ name: 'abandoned', dimension: 4, minParticipants: 3, encoding: { clip: 1, bits: 16, maxParticipants: 3, maxWeight: 1 } })))
    const dataDir = join(root, 'peer')
    const controller = new AbortController()
    const starting = startDaemon(dataDir, ['--session', session], { signal: controller.signal })
    const failed = expect(starting).rejects.toThrow('the launcher stops')
    expect(processesOf(dataDir)).toHaveLength(1)
    controller.abort(new Error('the launcher stops'))
    await failed
    for (let i = 0; i < 50 && processesOf(dataDir).length > 0; i++) await new Promise(resolve => setTimeout(resolve, 100))
    expect(processesOf(dataDir)).toEqual([])
  }, 30_000)
})
