/**
 * Five `secagg node` processes in one closed session, started as docs/daemon.md shows: the first alone,
 * the others given only the first as their bootstrap peer. The members must link up among themselves,
 * so that when the first is killed the other four still reach each other and complete a round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gridInputs } from '../../src/testnet/schedule.js'
import { startDaemonSession, submitUpdate, type DaemonSession } from '../support/daemon-session.js'
import type { DaemonProcess } from '../../src/testnet/daemon-process.js'

const PEERS = 5
const DIMENSION = 100
const CLIP = 1
const BITS = 16

let net: DaemonSession
let daemons: DaemonProcess[]
let peerIds: string[]

async function connections (daemon: DaemonProcess): Promise<number> {
  return ((await (await daemon.api('/v1/node')).json()) as { connections: number }).connections
}

const submit = async (daemon: DaemonProcess, values: Float32Array): Promise<string> => submitUpdate(daemon, 'no-hub', values)

async function resultOf (daemon: DaemonProcess, updateId: string): Promise<{ round: number, survivors: string[], sum: number[] }> {
  const status = await (await daemon.api(`/v1/updates/${updateId}?wait=60`)).json() as { state: string, round: number }
  expect(status.state).toBe('aggregated')
  return await (await daemon.api(`/v1/sessions/no-hub/rounds/${status.round}`)).json() as { round: number, survivors: string[], sum: number[] }
}

beforeAll(async () => {
  // Three may complete a round, so the four left after the first is killed can; short deadlines, since
  // the dead member's keys are waited for until advertise-keys closes, and its turn to aggregate, if the
  // election gives it one, until the announce timeout.
  net = await startDaemonSession('no-hub', PEERS, {
    dimension: DIMENSION,
    minParticipants: 3,
    encoding: { clip: CLIP, bits: BITS, maxParticipants: PEERS, maxWeight: 1 },
    phaseTimeouts: { 'advertise-keys': 3000, 'share-keys': 5000, 'masked-input': 5000, 'consistency-check': 5000, unmask: 5000 },
    announceTimeout: 3000
  })
  daemons = net.daemons
  peerIds = net.peerIds
}, 90_000)

afterAll(async () => { await net.close() })

describe('five daemons bootstrapped from the first', () => {
  it('connect to each other, not only to the first', async () => {
    // Five members each linking to two successors on the session's ring is every pair: four each.
    await expect.poll(async () => Math.min(...await Promise.all(daemons.map(connections))), { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(PEERS - 1)
  }, 30_000)

  it('complete a round without the first, killed with SIGKILL, with the exact sum of the other four', async () => {
    daemons[0].child.kill('SIGKILL')
    await daemons[0].exited
    const left = daemons.slice(1)
    const inputs = gridInputs('no-hub', 1, left.length, DIMENSION, CLIP, BITS)
    const ids = await Promise.all(left.map(async (daemon, i) => submit(daemon, inputs[i])))
    const results = await Promise.all(left.map(async (daemon, i) => resultOf(daemon, ids[i])))
    const exact = Array.from({ length: DIMENSION }, (_, j) => inputs.reduce((sum, input) => sum + input[j], 0))
    for (const result of results) {
      expect(result.round).toBe(1)
      expect([...result.survivors].sort()).toEqual(peerIds.slice(1).sort())
      expect(result.sum).toEqual(exact)
    }
  }, 60_000)
})
