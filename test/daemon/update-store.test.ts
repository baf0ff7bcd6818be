import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { UpdateStore } from '../../src/daemon/update-store.js'
import type { StoredUpdate } from '../../src/daemon/update-store.js'

const SESSION = 'ab'.repeat(32)

let dir: string
let store: UpdateStore

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secagg-updates-'))
  store = new UpdateStore(dir)
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function bitsOf (values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice()
}

/** Float32 values from their bit patterns, so that NaN payloads and -0 are what they say. */
function fromBits (...bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer)
}

function update (id: string, values: Float32Array, weight: number | undefined, acceptedAt = 1_700_000_000_000): StoredUpdate {
  return { id, session: SESSION, weight, acceptedAt, values }
}

/** Three updates with ids made a few milliseconds apart, oldest first. */
async function threeUpdates (): Promise<StoredUpdate[]> {
  const updates: StoredUpdate[] = []
  const weights = [2.5, undefined, 0]
  for (let i = 0; i < 3; i++) {
    if (i > 0) await sleep(5)
    updates.push(update(store.newId(), new Float32Array([i, -i - 0.5, 1 / 3]), weights[i], 1_700_000_000_000 + i))
  }
  return updates
}

describe('UpdateStore.newId', () => {
  it('makes ids whose string order is the order they were made in, and that differ within a millisecond', async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push(store.newId())
      await sleep(3)
    }
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids).size).toBe(3)
    const burst = Array.from({ length: 100 }, () => store.newId())
    expect(new Set(burst).size).toBe(100)
    for (const id of [...ids, ...burst]) expect(id).toMatch(/^[0-9a-z]{9}-[0-9a-f]{12}$/)
  })
})

describe('UpdateStore put and load', () => {
  it('loads what was put, oldest first whatever order it was put in, with weights (undefined too) and acceptance times', async () => {
    const [a, b, c] = await threeUpdates()
    expect(a.id < b.id && b.id < c.id).toBe(true)
    await store.put(c)
    await store.put(a)
    await store.put(b)

    const { updates, rejected } = await store.load()
    expect(rejected).toEqual([])
    expect(updates.map(u => u.id)).toEqual([a.id, b.id, c.id])
    expect(updates.map(u => u.weight)).toEqual([2.5, undefined, 0])
    expect(updates[1].weight).toBeUndefined()
    expect(updates.map(u => u.acceptedAt)).toEqual([a.acceptedAt, b.acceptedAt, c.acceptedAt])
    expect(updates.every(u => u.session === SESSION)).toBe(true)
    for (const [i, original] of [a, b, c].entries()) {
      expect(updates[i].values).toBeInstanceOf(Float32Array)
      expect(Buffer.from(bitsOf(updates[i].values))).toEqual(Buffer.from(bitsOf(original.values)))
    }
  })

  it('keeps values bit for bit: NaN payloads, -0, infinities and subnormals', async () => {
    const values = fromBits(0x7fc00001, 0xffa00000, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x3eaaaaab)
    const id = store.newId()
    await store.put(update(id, values, 1))
    const { updates } = await store.load()
    expect(updates).toHaveLength(1)
    expect(Buffer.from(bitsOf(updates[0].values))).toEqual(Buffer.from(bitsOf(values)))
    // raw little-endian float32, as documented
    expect(Buffer.from(await readFile(join(dir, `${id}.f32`)))).toEqual(Buffer.from(bitsOf(values)))
  })

  it('stores just the values of a Float32Array that views part of a larger buffer', async () => {
    const whole = new Float32Array([9, 9, 1.25, -7, 9])
    const values = whole.subarray(2, 4)
    const id = store.newId()
    await store.put(update(id, values, undefined))
    expect((await readFile(join(dir, `${id}.f32`))).length).toBe(8)
    const { updates } = await store.load()
    expect(Array.from(updates[0].values)).toEqual([1.25, -7])
  })

  it('writes a JSON record and a values file per update, and no temporary files', async () => {
    const [a] = await threeUpdates()
    await store.put(a)
    expect((await readdir(dir)).sort()).toEqual([`${a.id}.f32`, `${a.id}.json`])
    const record = JSON.parse(await readFile(join(dir, `${a.id}.json`), 'utf8'))
    expect(record).toEqual({ id: a.id, session: SESSION, weight: 2.5, acceptedAt: a.acceptedAt, dimension: 3 })
  })

  it('loads nothing from an empty directory', async () => {
    expect(await store.load()).toEqual({ updates: [], rejected: [] })
  })
})

describe('UpdateStore.remove', () => {
  it('deletes both files of the update and leaves the others', async () => {
    const [a, b, c] = await threeUpdates()
    for (const u of [a, b, c]) await store.put(u)
    await store.remove(b.id)
    const files = await readdir(dir)
    expect(files).not.toContain(`${b.id}.json`)
    expect(files).not.toContain(`${b.id}.f32`)
    expect(files).toHaveLength(4)
    expect((await store.load()).updates.map(u => u.id)).toEqual([a.id, c.id])
  })

  it('does nothing for an id it does not hold', async () => {
    await store.remove(store.newId())
    expect(await readdir(dir)).toEqual([])
  })
})

describe('UpdateStore.load with damaged records', () => {
  it('reports a values file of the wrong length, invalid JSON and a record naming another update, renames each .json.corrupt, and still loads the good ones', async () => {
    const [good1, short, good2] = await threeUpdates()
    await sleep(5)
    const garbled = store.newId()
    await sleep(5)
    const misnamed = store.newId()
    for (const u of [good1, short, good2]) await store.put(u)

    // the values file lost its last float
    const shortValues = await readFile(join(dir, `${short.id}.f32`))
    await writeFile(join(dir, `${short.id}.f32`), shortValues.subarray(0, shortValues.length - 4))
    // a record that is not JSON
    await writeFile(join(dir, `${garbled}.json`), '{"id": "' + garbled + '", "sess')
    await writeFile(join(dir, `${garbled}.f32`), new Uint8Array(12))
    // a copy of a good record (and its values) under another update's name
    await copyFile(join(dir, `${good1.id}.json`), join(dir, `${misnamed}.json`))
    await copyFile(join(dir, `${good1.id}.f32`), join(dir, `${misnamed}.f32`))

    const { updates, rejected } = await store.load()
    expect(updates.map(u => u.id)).toEqual([good1.id, good2.id])
    expect(Array.from(updates[1].values)).toEqual(Array.from(good2.values))

    expect(rejected.map(r => r.file)).toEqual([`${short.id}.json`, `${garbled}.json`, `${misnamed}.json`])
    expect(rejected[0].reason).toBe('the values file has 8 bytes, not 12')
    expect(rejected[1].reason).toMatch(/JSON/)
    expect(rejected[2].reason).toBe('the record names another update')

    const files = await readdir(dir)
    for (const id of [short.id, garbled, misnamed]) {
      expect(files).toContain(`${id}.json.corrupt`)
      expect(files).not.toContain(`${id}.json`)
      // their values go aside with them, so nothing is left behind for good
      expect(files).toContain(`${id}.f32.corrupt`)
      expect(files).not.toContain(`${id}.f32`)
    }
    for (const id of [good1.id, good2.id]) expect(files).toContain(`${id}.json`)

    // moved aside, they are not reported again
    const again = await store.load()
    expect(again.rejected).toEqual([])
    expect(again.updates.map(u => u.id)).toEqual([good1.id, good2.id])
  })

  it('reports records with a missing values file, a bad session, no dimension or a bad weight', async () => {
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      ids.push(store.newId())
      await sleep(3)
    }
    const record = (id: string, fields: object): string => JSON.stringify({ id, session: SESSION, weight: 1, acceptedAt: 1, dimension: 1, ...fields })
    await writeFile(join(dir, `${ids[0]}.json`), record(ids[0], {}))
    await writeFile(join(dir, `${ids[1]}.json`), record(ids[1], { session: 'not-hex' }))
    await writeFile(join(dir, `${ids[2]}.json`), record(ids[2], { dimension: 0 }))
    await writeFile(join(dir, `${ids[3]}.json`), record(ids[3], { weight: 'heavy' }))
    for (const id of ids.slice(1)) await writeFile(join(dir, `${id}.f32`), new Uint8Array(4))

    const { updates, rejected } = await store.load()
    expect(updates).toEqual([])
    expect(rejected.map(r => r.file)).toEqual(ids.map(id => `${id}.json`))
    expect(rejected[0].reason).toContain('ENOENT')
    expect(rejected.slice(1).map(r => r.reason)).toEqual([
      'the record has no session id', 'the record has no dimension', 'the record has a bad weight'
    ])
    expect((await readdir(dir)).filter(f => f.endsWith('.json.corrupt'))).toHaveLength(4)
  })

  it('ignores leftover temporary files of an interrupted put', async () => {
    const [a, b] = await threeUpdates()
    await store.put(a)
    // a crash after writing b's values and while writing its record
    await writeFile(join(dir, `${b.id}.f32.tmp`), new Uint8Array(12))
    await writeFile(join(dir, `${b.id}.json.tmp`), JSON.stringify({ id: b.id, session: SESSION, acceptedAt: 1, dimension: 3 }))

    const { updates, rejected } = await store.load()
    expect(rejected).toEqual([])
    expect(updates.map(u => u.id)).toEqual([a.id])
    const files = await readdir(dir)
    expect(files).toContain(`${b.id}.json.tmp`)
    expect(files).toContain(`${b.id}.f32.tmp`)
    expect(files.some(f => f.endsWith('.corrupt'))).toBe(false)

    // and a later put of the same update replaces them
    await store.put(b)
    expect((await store.load()).updates.map(u => u.id)).toEqual([a.id, b.id])
    expect((await readdir(dir)).some(f => f.endsWith('.tmp'))).toBe(false)
  })
})
