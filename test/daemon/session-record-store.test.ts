import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureDataDir, RESULTS_DIR, sessionRecordStore } from '../../src/daemon/data-dir.js'
import { DaemonInputError } from '../../src/daemon/errors.js'
import type { RoundLedger } from '../../src/protocol/session/ledger.js'

const SESSION = 'ab'.repeat(32)
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secagg-record-'))
  await ensureDataDir(dir)
})
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

const ledger: RoundLedger = { round: 7, fingerprint: new Uint8Array(32).fill(1), roundingSeed: new Uint8Array(16).fill(2), joined: [0, 2], maskedIn: [2], required: ['12D3KooWA', '12D3KooWB'] }

describe('the daemon\'s session record store', () => {
  it('gives back what it saved, the result written only when it changed, each file readable by its owner alone', async () => {
    const store = sessionRecordStore(dir)
    expect(await store.load(SESSION)).toEqual({})
    await store.save(SESSION, { latest: new Uint8Array([1, 2, 3]), round: ledger }, true)
    expect(await store.load(SESSION)).toEqual({ latest: new Uint8Array([1, 2, 3]), round: ledger })
    // a ledger change leaves the (large) result file alone
    await store.save(SESSION, { latest: new Uint8Array([9]), round: { ...ledger, joined: [0, 2, 3] } }, false)
    expect(await store.load(SESSION)).toEqual({ latest: new Uint8Array([1, 2, 3]), round: { ...ledger, joined: [0, 2, 3] } })
    await store.save(SESSION, { latest: new Uint8Array([4]) }, true)
    expect(await store.load(SESSION)).toEqual({ latest: new Uint8Array([4]) })
    for (const file of [`${SESSION}.json`, `${SESSION}.result`]) expect((await stat(join(dir, RESULTS_DIR, file))).mode & 0o777).toBe(0o600)
  })

  it('refuses a damaged ledger, naming what is wrong, rather than running without its promises', async () => {
    const store = sessionRecordStore(dir)
    await store.save(SESSION, { round: ledger }, false)
    const path = join(dir, RESULTS_DIR, `${SESSION}.json`)
    const good = JSON.parse(await readFile(path, 'utf8'))
    for (const [damage, message] of [
      [{ ...good, round: { ...good.round, roundingSeed: 'zz' } }, /round.roundingSeed is not a hex string/],
      [{ ...good, round: { ...good.round, joined: [-1] } }, /round.joined is not a list of attempt numbers/],
      [{ ...good, round: { ...good.round, round: 2 ** 60 } }, /round.round is not a round number/],
      [{ ...good, version: 2 }, /not a version 1 record/]
    ] as const) {
      await writeFile(path, JSON.stringify(damage))
      const error = await store.load(SESSION).catch((err: Error) => err)
      expect(error).toBeInstanceOf(DaemonInputError)
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).toContain(path)
    }
    await writeFile(path, '{ not json')
    await expect(store.load(SESSION)).rejects.toThrow(/not JSON/)
  })
})
