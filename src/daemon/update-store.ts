/**
 * Accepted updates, kept on disk until their round completes, so that none is lost when the daemon
 * stops or crashes. Each is two files in the updates directory: the values (raw little-endian float32)
 * and, written last and atomically, a small JSON record that makes the update count. A record whose
 * values are missing or the wrong size is moved aside and reported, never half-used.
 */
import { randomBytes } from 'node:crypto'
import { readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { writeDurably } from './durable-file.js'

export interface StoredUpdate {
  /** Time-ordered id: the order of ids is the order of acceptance. */
  id: string
  /** The session id, in hex. */
  session: string
  weight: number | undefined
  /** Milliseconds since the epoch. */
  acceptedAt: number
  values: Float32Array
  /** The Idempotency-Key it was submitted with, and a digest of what was submitted, to know a retry from a clash. */
  idempotency?: Idempotency
}

export interface Idempotency {
  key: string
  digest: string
}

type Record = Omit<StoredUpdate, 'values'> & { dimension: number }

export interface LoadReport {
  updates: StoredUpdate[]
  /** Records that could not be used, each with why; they and their values are renamed with a .corrupt suffix. */
  rejected: Array<{ file: string, reason: string }>
}

export class UpdateStore {
  constructor (private readonly dir: string) {}

  /** A fresh, time-ordered update id. */
  newId (): string {
    return `${Date.now().toString(36).padStart(9, '0')}-${randomBytes(6).toString('hex')}`
  }

  /** Writes an update durably (data, then record; each flushed) before the caller says it is accepted. */
  async put (update: StoredUpdate): Promise<void> {
    const { values, ...rest } = update
    await writeDurably(join(this.dir, `${update.id}.f32`), new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    const record: Record = { ...rest, dimension: values.length }
    await writeDurably(join(this.dir, `${update.id}.json`), JSON.stringify(record))
  }

  /** Forgets an update whose round completed: the record first, so a crash between leaves no record without data. */
  async remove (id: string): Promise<void> {
    await rm(join(this.dir, `${id}.json`), { force: true })
    await rm(join(this.dir, `${id}.f32`), { force: true })
  }

  /** Every stored update, oldest first. */
  async load (): Promise<LoadReport> {
    const report: LoadReport = { updates: [], rejected: [] }
    const files = (await readdir(this.dir)).filter(file => file.endsWith('.json')).sort()
    for (const file of files) {
      try {
        report.updates.push(await this.read(file))
      } catch (err: any) {
        report.rejected.push({ file, reason: err.message })
        await rename(join(this.dir, file), join(this.dir, `${file}.corrupt`))
        const values = file.replace(/\.json$/, '.f32')
        await rename(join(this.dir, values), join(this.dir, `${values}.corrupt`)).catch(() => {})
      }
    }
    return report
  }

  private async read (file: string): Promise<StoredUpdate> {
    const record = JSON.parse(await readFile(join(this.dir, file), 'utf8')) as Record
    if (typeof record.id !== 'string' || `${record.id}.json` !== file) throw new Error('the record names another update')
    if (typeof record.session !== 'string' || !/^[0-9a-f]{64}$/.test(record.session)) throw new Error('the record has no session id')
    if (!Number.isInteger(record.dimension) || record.dimension < 1) throw new Error('the record has no dimension')
    if (record.weight !== undefined && (typeof record.weight !== 'number' || !Number.isFinite(record.weight))) throw new Error('the record has a bad weight')
    const bytes = await readFile(join(this.dir, `${record.id}.f32`))
    if (bytes.length !== record.dimension * 4) throw new Error(`the values file has ${bytes.length} bytes, not ${record.dimension * 4}`)
    const values = new Float32Array(record.dimension)
    new Uint8Array(values.buffer).set(bytes)
    const idempotency = record.idempotency
    if (idempotency !== undefined && (typeof idempotency.key !== 'string' || typeof idempotency.digest !== 'string')) throw new Error('the record has a bad idempotency key')
    return { id: record.id, session: record.session, weight: record.weight, acceptedAt: record.acceptedAt, values, ...(idempotency !== undefined ? { idempotency } : {}) }
  }
}
