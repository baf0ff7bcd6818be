/**
 * The session worker's decisions about an update whose round did not complete: try it in the next
 * round, keep it for the next start, or (when this node revealed shares in the failed round) never send
 * the same update again. Driven through a JoinedSession stand-in, since these paths turn on how
 * aggregate() settles; the real service is exercised end to end in daemons.e2e.test.ts.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SessionWorker, type UpdateStatus } from '../../src/daemon/session-worker.js'
import { UpdateStore } from '../../src/daemon/update-store.js'
import { createMetrics, observeWorker } from '../../src/daemon/metrics.js'
import { RoundFailedError } from '../../src/node/errors.js'
import { defineSession } from '../../src/node/session-config.js'
import { simulatedPeers } from '../../src/simulation/peers.js'
import type { JoinedSession } from '../../src/node/service.js'
import type { AggregateResult } from '../../src/node/session-runner.js'
import type { RoundOutcome } from '../../src/protocol/round/events.js'

const members = (await simulatedPeers(3, 'worker')).map(peer => peer.identity.id)
const config = defineSession({ name: 'worker', dimension: 4, minParticipants: 3, encoding: { clip: 1, bits: 16, maxParticipants: 3, maxWeight: 1 }, members })
let dir: string
let store: UpdateStore

/** A session whose aggregate() settles as each test says, one call after another. */
function session (outcomes: Array<(signal: AbortSignal) => Promise<never>>): { joined: JoinedSession, calls: () => number } {
  let calls = 0
  const joined = {
    id: 'x'.repeat(64),
    config,
    aggregate: async (_update: Float32Array, options: { signal?: AbortSignal } = {}) => outcomes[Math.min(calls++, outcomes.length - 1)](options.signal!),
    latestResult: () => undefined,
    privacy: () => undefined,
    ready: Promise.resolve(),
    leave: () => {}
  } as unknown as JoinedSession
  return { joined, calls: () => calls }
}

const failedRound = (sharesRevealed: boolean) => async (): Promise<never> => { throw new RoundFailedError('max-attempts', 1, 'timeout', 'all 5 attempts failed; the last: timeout', sharesRevealed) }
const never = async (signal: AbortSignal): Promise<never> => new Promise((_resolve, reject) => {
  signal.addEventListener('abort', () => { reject(new RoundFailedError('left', 1, undefined, 'aggregate() was aborted')) })
})

/** What a round of this session ends with; the worker only keeps and passes it on. */
function outcome (round: number): RoundOutcome {
  const sum = new Float64Array([1, 2, 3, 4])
  return { round, attempt: 0, aggregator: 'peer-a', participants: ['peer-a', 'peer-b', 'peer-c'], survivors: ['peer-a', 'peer-b', 'peer-c'], sum, weightSum: 3, mean: sum.map(v => v / 3), quantizedSum: new Uint32Array(5), signedResult: new Uint8Array([round]) }
}

const completedRound = (round: number) => async (): Promise<never> => ({ ...outcome(round), transcript: new Uint8Array([round]), session: 'a'.repeat(64), clipped: 0 } satisfies AggregateResult) as never

async function submit (worker: SessionWorker): Promise<string> {
  const update = { id: store.newId(), session: 'a'.repeat(64), weight: undefined, acceptedAt: Date.now(), values: new Float32Array([0.1, 0.2, 0.3, 0.4]) }
  await store.put(update)
  return worker.enqueue(update).id
}

async function settled (worker: SessionWorker, id: string, state: UpdateStatus['state']): Promise<UpdateStatus> {
  return new Promise(resolve => {
    const check = (status: UpdateStatus): void => { if (status.id === id && status.state === state) { worker.off('update', check); resolve(status) } }
    worker.on('update', check)
  })
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secagg-worker-'))
  store = new UpdateStore(dir)
})
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('a session worker', () => {
  it('puts an update whose round failed into the next round, and keeps it on disk meanwhile', async () => {
    const { joined, calls } = session([failedRound(false), never])
    const worker = new SessionWorker(joined, store, { retryFailedRounds: true, retryDelay: 10, maxQueuedUpdates: 4, keepResults: 4 })
    const id = await submit(worker)
    const retrying = await settled(worker, id, 'retrying')
    expect(retrying.error).toMatch(/all 5 attempts failed/)
    await settled(worker, id, 'in-round')
    expect(calls()).toBe(2)
    expect(await readdir(dir)).toContain(`${id}.json`)
    await worker.stop(0)
  })

  it('never sends an update again once this node revealed shares in its failed round, and says why', async () => {
    const { joined, calls } = session([failedRound(true), never])
    const worker = new SessionWorker(joined, store, { retryFailedRounds: true, retryDelay: 10, maxQueuedUpdates: 4, keepResults: 4 })
    const id = await submit(worker)
    const failed = await settled(worker, id, 'failed')
    expect(failed.error).toMatch(/revealed shares in it, so the same update is not sent again: submit a fresh one/)
    // typed, for clients to act on without reading the message
    expect(failed.code).toBe('do-not-resend')
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(calls()).toBe(1)
    expect(await readdir(dir)).toEqual([])
    await worker.stop(0)
  })

  it('keeps the update on disk and queued when the daemon stops mid-round', async () => {
    const { joined } = session([never])
    const worker = new SessionWorker(joined, store, { retryFailedRounds: true, retryDelay: 10, maxQueuedUpdates: 4, keepResults: 4 })
    const id = await submit(worker)
    await worker.stop(0)
    expect(worker.status(id)).toMatchObject({ state: 'queued', error: 'the daemon stopped before its round ended' })
    expect(await readdir(dir)).toEqual(expect.arrayContaining([`${id}.json`, `${id}.f32`]))
  })

  it('drops a failed update when retries are off, and reports it failed', async () => {
    const { joined } = session([failedRound(false)])
    const worker = new SessionWorker(joined, store, { retryFailedRounds: false, retryDelay: 10, maxQueuedUpdates: 4, keepResults: 4 })
    const id = await submit(worker)
    expect(await settled(worker, id, 'failed')).toMatchObject({ code: 'round-failed', error: expect.stringMatching(/all 5 attempts failed/) })
    expect(await readdir(dir)).toEqual([])
  })

  it('passes a result it fetched after falling behind to whoever waits for that round, once, without counting it as its own round', async () => {
    const { joined } = session([never])
    const worker = new SessionWorker(joined, store, { retryFailedRounds: true, retryDelay: 10, maxQueuedUpdates: 4, keepResults: 4 })
    const metrics = createMetrics()
    observeWorker(metrics, worker)
    const heard: number[] = []
    worker.on('result', record => heard.push(record.round))
    worker.onFetchedResult(outcome(3))
    worker.onFetchedResult(outcome(3))
    expect(heard).toEqual([3])
    expect(worker.result(3)).toMatchObject({ round: 3, aggregator: 'peer-a', weightSum: 3 })
    expect(worker.result(3)?.update).toBeUndefined()
    expect((await metrics.roundsTotal.get()).values).toEqual([])
    await worker.stop(0)
  })

  it('keeps its own record of a round in place of the one it fetched just before its update settled', async () => {
    const { joined } = session([completedRound(3)])
    const worker = new SessionWorker(joined, store, { retryFailedRounds: true, retryDelay: 10, maxQueuedUpdates: 4, keepResults: 4 })
    worker.onFetchedResult(outcome(3))
    const id = await submit(worker)
    await settled(worker, id, 'aggregated')
    expect(worker.rounds().map(r => [r.round, r.update])).toEqual([[3, id]])
    await worker.stop(0)
  })
})
