import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureDataDir, RESULTS_DIR, sessionRecordStore } from '../../src/daemon/data-dir.js'
import { DaemonInputError } from '../../src/daemon/errors.js'
import type { RoundLedger } from '../../src/protocol/session/ledger.js'
import type { PrivacyLedger } from '../../src/protocol/dp/budget.js'

const SESSION = 'ab'.repeat(32)
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secagg-record-'))
  await ensureDataDir(dir)
})
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

const ledger: RoundLedger = { round: 7, fingerprint: new Uint8Array(32).fill(1), roundingSeed: new Uint8Array(16).fill(2), joined: [0, 2], maskedIn: [2], required: ['12D3KooWA', '12D3KooWB'] }
// rounds 5 and 6 have their results (and so their survivors); round 7's input went out, its result is still to come
const privacy: PrivacyLedger = { spent: [{ round: 5, survivors: 3 }, { round: 6, survivors: 4 }, { round: 7 }] }

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

  it('keeps a DP session\'s privacy ledger, with the round\'s ledger and without it, and never drops a round spent', async () => {
    const store = sessionRecordStore(dir)
    await store.save(SESSION, { latest: new Uint8Array([1]), round: ledger, privacy }, true)
    expect(await store.load(SESSION)).toEqual({ latest: new Uint8Array([1]), round: ledger, privacy })
    // the round's result came: its ledger goes, its spending stays, now with its survivors
    const settled: PrivacyLedger = { spent: [...privacy.spent.slice(0, 2), { round: 7, survivors: 3 }] }
    await store.save(SESSION, { latest: new Uint8Array([2]), privacy: settled }, true)
    const loaded = await store.load(SESSION)
    expect(loaded).toEqual({ latest: new Uint8Array([2]), privacy: settled })
    expect(loaded?.round).toBeUndefined()
    // a DP session that has spent nothing yet keeps an empty ledger, not none
    await store.save(SESSION, { privacy: { spent: [] } }, false)
    expect((await store.load(SESSION))?.privacy).toEqual({ spent: [] })
    // a round not yet settled has no survivors on file (not a survivors: undefined that reads back as some)
    await store.save(SESSION, { privacy: { spent: [{ round: 1 }] } }, false)
    const file = JSON.parse(await readFile(join(dir, RESULTS_DIR, `${SESSION}.json`), 'utf8'))
    expect(file.privacy).toEqual({ spent: [{ round: 1 }] })
    expect((await stat(join(dir, RESULTS_DIR, `${SESSION}.json`))).mode & 0o777).toBe(0o600)
  })

  it('refuses a damaged privacy ledger, naming the field, rather than forget what was spent', async () => {
    const store = sessionRecordStore(dir)
    await store.save(SESSION, { round: ledger, privacy }, false)
    const path = join(dir, RESULTS_DIR, `${SESSION}.json`)
    const good = JSON.parse(await readFile(path, 'utf8'))
    expect(good.privacy).toEqual({ spent: [{ round: 5, survivors: 3 }, { round: 6, survivors: 4 }, { round: 7 }] })
    const spent = good.privacy.spent as Array<Record<string, unknown>>
    for (const [damage, message] of [
      [{ ...good, privacy: { spent: [{ ...spent[0], round: 0 }, ...spent.slice(1)] } }, /privacy\.spent\[0\]\.round is not a round number/],
      [{ ...good, privacy: { spent: [{ ...spent[0], round: '5' }, ...spent.slice(1)] } }, /privacy\.spent\[0\]\.round is not a round number/],
      [{ ...good, privacy: { spent: [spent[0], spent[1], { survivors: 3 }] } }, /privacy\.spent\[2\]\.round is not a round number/],
      [{ ...good, privacy: { spent: [spent[0], { ...spent[1], survivors: 0 }, spent[2]] } }, /privacy\.spent\[1\]\.survivors is not a count of peers/],
      [{ ...good, privacy: { spent: [spent[0], { ...spent[1], survivors: 2.5 }, spent[2]] } }, /privacy\.spent\[1\]\.survivors is not a count of peers/],
      [{ ...good, privacy: { spent: [null] } }, /privacy\.spent\[0\]\.round is not a round number/],
      [{ ...good, privacy: { spent: {} } }, /privacy\.spent is not a list/],
      [{ ...good, privacy: null }, /privacy\.spent is not a list/],
      // without a round ledger beside it, a damaged privacy ledger is refused all the same
      [{ version: 1, privacy: { spent: [{ round: -3 }] } }, /privacy\.spent\[0\]\.round is not a round number/]
    ] as const) {
      await writeFile(path, JSON.stringify(damage))
      const error = await store.load(SESSION).catch((err: Error) => err)
      expect(error).toBeInstanceOf(DaemonInputError)
      expect((error as DaemonInputError).code).toBe('bad-session-record')
      expect((error as Error).message).toMatch(message)
      expect((error as Error).message).toContain(path)
    }
  })
})
