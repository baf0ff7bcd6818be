/**
 * Mask regeneration split over threads by coordinate range: an aggregator removing hundreds of masks,
 * or an auditor adding them back, is AES-CTR keystream plus adds, and each coordinate range is
 * independent (AES-CTR seeks to any block). The vector goes into a SharedArrayBuffer; this thread
 * takes the first range with the library's own applyKeystreams, and each worker thread one of the
 * others; the result is copied back.
 *
 * A worker runs a few lines of plain JavaScript given as source, with node:crypto and the words.wat
 * module this thread compiled, and imports nothing of the library: so it runs the same from the build
 * and from the TypeScript sources under the test runner. It repeats applyKeystreams' loop (a chunk of
 * the vector into a kernel, each mask's keystream for that chunk added there), and
 * test/protocol/crypto/mask-workers.test.ts checks the two give the same words.
 *
 * Whether it pays depends on the machine. On the 2-core machine it does not: two AES-CTR streams, in
 * two processes at once, gave 2.7 GB/s between them against 3.7 GB/s for one alone, where two integer
 * loops ran at twice the speed of one. So nodeCryptoSuite leaves it out, and
 * `npm run bench -- --only mask-threads` measures it on the machine at hand. Below about a million
 * keystream words the copies and a worker's round trip cost more than they could save, and one thread
 * does it all. A worker that fails has its range redone on this thread from the untouched original.
 * A worker keeps the process alive only while it has a job.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { applyKeystreams, counterBlock, maskStreams, WORDS_PER_BLOCK, ZERO_IV, type MaskKey } from './prg.js'
import { nodePrg } from './prg-node.js'
import { KERNEL_WORDS, simdModule } from './wasm/words.js'

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createCipheriv, createSecretKey } = require('node:crypto')
const CHUNK = workerData.chunkWords
const ZEROS = Buffer.alloc(CHUNK * 4)
const { exports } = new WebAssembly.Instance(workerData.module)
const sum = new Uint32Array(exports.memory.buffer, 0, CHUNK)
const keystream = new Uint8Array(exports.memory.buffer, CHUNK * 4, CHUNK * 4)
parentPort.on('message', ({ job, target, start, end, iv, masks }) => {
  try {
    // through a KeyObject, as prg-node.ts does: createCipheriv prepares a raw key ten times slower
    const ciphers = masks.map(({ key }) => createCipheriv('aes-' + key.length * 8 + '-ctr', createSecretKey(key), iv))
    for (let at = start; at < end; at += CHUNK) {
      const n = Math.min(CHUNK, end - at)
      sum.set(target.subarray(at, at + n))
      for (let i = 0; i < masks.length; i++) {
        keystream.set(ciphers[i].update(ZEROS.subarray(0, n * 4)))
        if (masks[i].mode === 'add') exports.add(0, CHUNK * 4, n)
        else exports.subtract(0, CHUNK * 4, n)
      }
      target.set(sum.subarray(0, n), at)
    }
    parentPort.postMessage({ job })
  } catch (err) {
    parentPort.postMessage({ job, error: String(err) })
  }
})
`

/** What it takes for the work to be split: more threads than one, and enough words. */
export interface MaskWorkerOptions {
  /** Threads in all, this one included (by default, the machine's available parallelism). */
  threads?: number
  /** Masks times coordinates below which one thread does it all. */
  minWords?: number
}

const DEFAULT_MIN_WORDS = 2 ** 20

/** A CryptoSuite's applyMasks on worker threads, started at first use, keeping the process alive only while they work. */
export function maskWorkers (options: MaskWorkerOptions = {}): (target: Uint32Array, masks: readonly MaskKey[]) => Promise<void> {
  const threads = Math.max(1, options.threads ?? availableParallelism())
  const minWords = options.minWords ?? DEFAULT_MIN_WORDS
  const workers: Array<Worker | undefined> = []
  let jobs = 0
  /** Each job's settling and the worker it went to: a failed job settles with its error. */
  const pending = new Map<number, { settle: (error?: string) => void, worker: Worker }>()

  function settle (job: number, error?: string): void {
    const entry = pending.get(job)
    if (entry === undefined) return
    pending.delete(job)
    // an idle worker must not keep the process alive; a busy one must, or its caller's await is the last thing pending
    if (![...pending.values()].some(other => other.worker === entry.worker)) entry.worker.unref()
    entry.settle(error)
  }

  function worker (slot: number): Worker {
    const existing = workers[slot]
    if (existing !== undefined) return existing
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: simdModule, chunkWords: KERNEL_WORDS } })
    started.on('message', ({ job, error }: { job: number, error?: string }) => { settle(job, error) })
    // a worker that dies takes its jobs with it: they fail, and are redone on this thread
    started.on('error', () => { workers[slot] = undefined })
    started.on('exit', () => {
      workers[slot] = undefined
      for (const [job, { worker }] of pending) if (worker === started) settle(job, 'the mask worker exited')
    })
    // after the listeners, which ref the worker's port again
    started.unref()
    workers[slot] = started
    return started
  }

  async function run (slot: number, message: Omit<WorkerJob, 'job'>): Promise<string | undefined> {
    const job = jobs++
    const target = worker(slot)
    return new Promise<string | undefined>(resolve => {
      pending.set(job, { settle: resolve, worker: target })
      target.ref()
      try {
        target.postMessage({ job, ...message })
      } catch (err) {
        settle(job, String(err))
      }
    })
  }

  return async (target, masks) => {
    const chunks = Math.ceil(target.length / KERNEL_WORDS)
    const parts = Math.min(threads, chunks)
    if (simdModule === undefined || parts < 2 || masks.length * target.length < minWords) {
      await applyKeystreams(target, maskStreams(nodePrg, masks))
      return
    }
    const shared = new Uint32Array(new SharedArrayBuffer(target.length * 4))
    shared.set(target)
    // ranges of whole kernel chunks, so each starts on an AES block
    const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.min(target.length, Math.round(chunks * i / parts) * KERNEL_WORDS))
    const mine = async (start: number, end: number): Promise<void> => {
      await applyKeystreams(shared.subarray(start, end), maskStreams(nodePrg, masks, start))
    }
    const theirs = bounds.slice(1, -1).map(async (start, i) => {
      const end = bounds[i + 2]
      const error = await run(i, { target: shared, start, end, iv: counterBlock(ZERO_IV, start / WORDS_PER_BLOCK), masks: [...masks] })
      if (error !== undefined) {
        shared.set(target.subarray(start, end), start)
        await mine(start, end)
      }
    })
    // all awaited together, so that a failure anywhere leaves no rejection unhandled; target is untouched until all succeed
    await Promise.all([mine(bounds[0], bounds[1]), ...theirs])
    target.set(shared)
  }
}

interface WorkerJob {
  job: number
  target: Uint32Array
  start: number
  end: number
  iv: Uint8Array
  masks: MaskKey[]
}
