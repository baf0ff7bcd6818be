/**
 * A session's recent events as its event stream sends them, each with an id, so that a client that
 * reconnects with Last-Event-ID is sent what it missed (as the server-sent events standard has it).
 * Ids are `<run>-<sequence>`: the run changes at every start of the daemon, and a client whose last
 * id is of an earlier run missed everything held since.
 */
import { randomBytes } from 'node:crypto'
import type { RoundRecord, SessionWorker, UpdateStatus } from './session-worker.js'

export interface LoggedEvent {
  id: string
  event: string
  data: unknown
}

// Enough for several rounds of progress, dropouts and updates; a client away longer reads the rounds' records.
export const EVENTS_HELD = 256

const run = randomBytes(4).toString('hex')

export class EventLog {
  private readonly held: Array<LoggedEvent & { seq: number }> = []
  private seq = 0
  private readonly listeners = new Set<(event: LoggedEvent) => void>()

  constructor (worker: SessionWorker, summary: (record: RoundRecord) => object) {
    worker.on('progress', progress => { this.add('progress', progress) })
    worker.on('dropout', dropout => { this.add('dropout', dropout) })
    worker.on('update', (status: UpdateStatus) => { this.add('update', status) })
    worker.on('result', (record: RoundRecord) => { this.add('result', summary(record)) })
  }

  /** Every event from now on. Returns the unsubscribe. */
  follow (listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** The events held after the one with this id: all of them for an id of another run or none given. */
  since (lastEventId: string | undefined): LoggedEvent[] {
    if (lastEventId === undefined) return []
    const [idRun, idSeq] = lastEventId.split('-')
    const after = idRun === run && /^\d+$/.test(idSeq ?? '') ? Number(idSeq) : 0
    return this.held.filter(e => e.seq > after).map(({ id, event, data }) => ({ id, event, data }))
  }

  private add (event: string, data: unknown): void {
    const seq = ++this.seq
    const logged = { id: `${run}-${seq}`, event, data }
    this.held.push({ ...logged, seq })
    if (this.held.length > EVENTS_HELD) this.held.shift()
    for (const listener of this.listeners) listener(logged)
  }
}
