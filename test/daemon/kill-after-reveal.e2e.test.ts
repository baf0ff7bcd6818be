/**
 * A `secagg node` killed with SIGKILL right after it revealed its unmask shares: before the shares left,
 * it had written down the survivors it revealed for and the update's rounding, so the restarted daemon
 * either takes that round's result as its update's, or drops the update; it never sends the same update
 * into another sum.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSession } from '../../src/node/session-config.js'
import { startDaemon, type DaemonProcess } from '../../src/testnet/daemon-process.js'
import { gridInputs } from '../../src/testnet/schedule.js'
import { startDaemonSession, submitUpdate, type DaemonSession } from '../support/daemon-session.js'

const PEERS = 4
const DIMENSION = 100

let net: DaemonSession
let sessionId: string

const submit = async (daemon: DaemonProcess, values: Float32Array): Promise<string> => submitUpdate(daemon, 'reveal', values)

async function finalStatus (daemon: DaemonProcess, updateId: string): Promise<{ state: string, round?: number, error?: string }> {
  for (;;) {
    const status = await (await daemon.api(`/v1/updates/${updateId}?wait=30`)).json() as { state: string, round?: number, error?: string }
    if (status.state === 'aggregated' || status.state === 'failed') return status
  }
}

beforeAll(async () => {
  net = await startDaemonSession('reveal', PEERS, {
    dimension: DIMENSION,
    minParticipants: 3,
    encoding: { clip: 1, bits: 16, maxParticipants: PEERS, maxWeight: 1 },
    graph: { shape: 'complete', dropoutRate: 0.25, corruptRate: 0, threatModel: 'malicious' },
    phaseTimeouts: { 'advertise-keys': 3000, 'share-keys': 3000, 'masked-input': 5000, 'consistency-check': 3000, unmask: 3000 },
    announceTimeout: 3000,
    maxAttempts: 3
  })
  sessionId = openSession(net.config).idHex
}, 90_000)

afterAll(async () => { await net.close() })

describe('a daemon killed with SIGKILL right after it revealed its shares', () => {
  it('comes back holding the survivors and rounding it promised, and never sends that update into another round', async () => {
    const inputs = gridInputs('reveal', 1, PEERS, DIMENSION, 1, 16)
    // The first member other than daemon 0 (the one the others bootstrapped from) and the aggregator to
    // reveal is killed. (The aggregator killed there fails the round for everyone, and the next round
    // starts without its result: session/dead-round.)
    const { daemons, root, sessionFile, peerIds } = net
    const ids = await Promise.all(daemons.map(async (d, i) => submit(d, inputs[i])))
    let victim = -1
    const deadline = Date.now() + 60_000
    const revealed = (i: number): boolean => new RegExp(`"phase":"unmask","role":"participant","aggregator":"(?!${peerIds[i]})`).test(daemons[i].logs())
    while (victim < 0 && Date.now() < deadline) {
      victim = daemons.findIndex((_, i) => i > 0 && revealed(i))
      if (victim < 0) await new Promise(resolve => setTimeout(resolve, 2))
    }
    expect(victim).toBeGreaterThan(0)
    daemons[victim].child.kill('SIGKILL')
    await daemons[victim].exited
    // What it wrote before its shares left.
    const text = await readFile(join(root, `d${victim}`, 'results', `${sessionId}.json`), 'utf8')
    const record = JSON.parse(text)
    expect(record.round.round).toBe(1)
    expect(record.round.required).toHaveLength(PEERS)
    const others = [...daemons.keys()].filter(i => i !== victim)
    const firstRound = await Promise.all(others.map(async i => finalStatus(daemons[i], ids[i])))
    // Back from the same data directory: the stored update is restored, with what was promised for it.
    daemons[victim] = await startDaemon(join(root, `d${victim}`), ['--session', sessionFile, '--bootstrap', daemons[others[0]].info.addresses[0]])
    // The others go on to round 2 with fresh updates; the victim's old update must not go with them.
    const second = gridInputs('reveal', 2, PEERS, DIMENSION, 1, 16)
    const secondIds = await Promise.all(others.map(async i => submit(daemons[i], second[i])))
    const restored = await finalStatus(daemons[victim], ids[victim])
    if (restored.state === 'aggregated') {
      // Its round ended with it among the survivors: that result is its update's.
      expect(restored.round).toBe(1)
      expect(firstRound.every(s => s.state === 'aggregated' && s.round === 1)).toBe(true)
    } else {
      expect(restored.error).toMatch(/revealed/)
    }
    const secondRound = await Promise.all(others.map(async (i, k) => finalStatus(daemons[i], secondIds[k])))
    for (const status of secondRound) expect(status).toMatchObject({ state: 'aggregated', round: 2 })
    const record2 = await (await daemons[others[0]].api('/v1/sessions/reveal/rounds/2')).json() as { survivors: string[] }
    expect(record2.survivors).not.toContain(peerIds[victim])
  }, 150_000)
})
