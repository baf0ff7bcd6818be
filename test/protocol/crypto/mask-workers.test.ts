/**
 * Masks split over worker threads (mask-workers-node.ts) give exactly the words one thread gives, for
 * any length (ranges of whole chunks, the last one short), any mix of added and subtracted masks of
 * either key length, and more ranges than chunks; a mask a worker cannot run fails the call instead of
 * hanging it; and the workers keep a process alive while they work and let it end once idle.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { maskWorkers } from '../../../src/protocol/crypto/mask-workers-node.js'
import { applyKeystreams, type MaskKey } from '../../../src/protocol/crypto/prg.js'
import { nodePrg } from '../../../src/protocol/crypto/prg-node.js'
import { KERNEL_WORDS } from '../../../src/protocol/crypto/wasm/words.js'

const maskArb = fc.record({
  key: fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 })),
  mode: fc.constantFrom('add' as const, 'subtract' as const)
})

async function oneThread (target: Uint32Array, masks: readonly MaskKey[]): Promise<Uint32Array> {
  const out = target.slice()
  await applyKeystreams(out, masks.map(({ key, mode }) => ({ stream: nodePrg.open(key), mode })))
  return out
}

describe('masks on worker threads', () => {
  // three threads on any machine: ranges that are not halves, and workers on the 2-core machine's second core
  const parallel = maskWorkers({ threads: 3, minWords: 0 })

  it('give the words one thread gives', async () => {
    await fc.assert(fc.asyncProperty(
      fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: KERNEL_WORDS - 5, max: 4 * KERNEL_WORDS + 77 })),
      fc.array(maskArb, { minLength: 1, maxLength: 6 }),
      fc.integer(),
      async (length, masks, seed) => {
        const target = Uint32Array.from({ length }, (_, i) => Math.imul(seed, i + 1) >>> 0)
        const expected = await oneThread(target, masks)
        await parallel(target, masks)
        expect(Buffer.from(target.buffer).equals(Buffer.from(expected.buffer))).toBe(true)
      }
    ), { numRuns: 40 })
  })

  it('fail the call, not hang it, when a mask cannot run', async () => {
    const target = new Uint32Array(3 * KERNEL_WORDS)
    await expect(parallel(target, [{ key: new Uint8Array(20), mode: 'add' }])).rejects.toThrow(/PRG key/)
  })

  it('keep the process alive while they work, and let it end when idle', async () => {
    // a process of its own, on the build (npm test builds first): its only wait is on the workers
    const built = fileURLToPath(new URL('../../../dist/src/protocol/crypto/mask-workers-node.js', import.meta.url))
    const script = `
      const { maskWorkers } = await import(${JSON.stringify(built)})
      const target = new Uint32Array(4 * 16384)
      await maskWorkers({ threads: 2, minWords: 0 })(target, [{ key: new Uint8Array(16).fill(1), mode: 'add' }])
      console.log(target.some(w => w !== 0) ? 'masked' : 'unmasked')
    `
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000 })
    expect(stdout.trim()).toBe('masked')
  })
})
