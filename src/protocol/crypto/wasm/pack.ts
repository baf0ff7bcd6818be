/**
 * m-bit packing in WebAssembly SIMD (pack.wat) for 8 <= m <= 25, the widths masked vectors take: a
 * million 23-bit values in 0.55 ms on the 2-core machine, against 1.0 ms in JavaScript (steady state;
 * both take several times that on their first calls, before V8 optimises them). bit-pack.ts's pack
 * uses it where it runs, and its JavaScript stays as the fallback and the reference
 * (test/protocol/crypto/pack-wasm.test.ts).
 */
import { PACK_WASM_BASE64 } from './pack-module.js'
import { KERNEL_WORDS } from './words.js'
import { compileKernel, instantiateKernel } from './module.js'

/** The widths the SIMD packing takes: from 8 bits each output byte has bits of at most two values; to 25, a value and its start fit a lane. */
export const SIMD_PACK_BITS = { min: 8, max: 25 } as const

/** Values in, a chunk at a time, with room for the last pair's 8 */
const VALUES = 0
/** Packed bytes out, with room for the 16 bytes written past the last pair's */
const PACKED = VALUES + KERNEL_WORDS * 4 + 32
const TABLE = PACKED + KERNEL_WORDS * 4 + 32
const TABLE_BYTES = 112
const NONE = 0x80

interface PackExports {
  memory: WebAssembly.Memory
  pack: (src: number, dst: number, pairs: number, bits: number, table: number) => void
}

/** The kernel and its views, made once: packing is synchronous, so no two calls share its memory at once. */
function instantiate (): { pack: PackExports['pack'], table: Uint8Array, area: Uint32Array, packed: Uint8Array } | undefined {
  const module = compileKernel(PACK_WASM_BASE64)
  if (module === undefined) return undefined
  const { memory, pack } = instantiateKernel<PackExports>(module, TABLE + TABLE_BYTES)
  return {
    pack,
    table: new Uint8Array(memory.buffer, TABLE, TABLE_BYTES),
    area: new Uint32Array(memory.buffer, VALUES, KERNEL_WORDS + 8),
    packed: new Uint8Array(memory.buffer, PACKED, KERNEL_WORDS * 4)
  }
}

const kernel = instantiate()
/** The width whose table is in the kernel's memory. */
let tableBits = 0

/**
 * pack.wat's table for `bits`: for each four values of eight, which lane byte each output byte takes
 * first and second (NONE: none), and the multipliers 2^s; then the carry of the first four's last,
 * shared byte into the second four's first.
 */
function packTable (bits: number): Uint8Array {
  const table = new Uint8Array(TABLE_BYTES)
  const view = new DataView(table.buffer)
  for (let group = 0; group < 2; group++) {
    const start = group * 4 * (bits & 1)
    const sources: number[][] = Array.from({ length: 16 }, () => [])
    for (let lane = 0; lane < 4; lane++) {
      const bit = start + lane * bits
      const shift = bit & 7
      view.setUint32(group * 48 + 32 + lane * 4, 2 ** shift, true)
      for (let k = 0; k < Math.ceil((shift + bits) / 8); k++) sources[(bit >>> 3) + k].push(lane * 4 + k)
    }
    sources.forEach(([first = NONE, second = NONE], at) => {
      table[group * 48 + at] = first
      table[group * 48 + 16 + at] = second
    })
  }
  table.fill(NONE, 96)
  if (bits % 2 === 1) table[96] = bits >>> 1
  return table
}

/** Whether simdPack runs here and takes `bits`. */
export function simdPacks (bits: number): boolean {
  return kernel !== undefined && bits >= SIMD_PACK_BITS.min && bits <= SIMD_PACK_BITS.max
}

/** Packs `values` at `bits` bits into `out`, whose length is the packed length; only where simdPacks(bits). */
export function simdPack (values: Uint32Array, bits: number, out: Uint8Array): void {
  const { pack, table, area, packed } = kernel!
  if (tableBits !== bits) {
    table.set(packTable(bits))
    tableBits = bits
  }
  // KERNEL_WORDS values are whole bytes, so each chunk's bytes follow the last's
  for (let done = 0; done < values.length; done += KERNEL_WORDS) {
    const n = Math.min(KERNEL_WORDS, values.length - done)
    const padded = Math.ceil(n / 8) * 8
    area.set(values.subarray(done, done + n))
    // zeros after the last value, so the bits after it in its byte are zero, as the JavaScript leaves them
    area.fill(0, n, padded)
    pack(VALUES, PACKED, padded / 8, bits, TABLE)
    out.set(packed.subarray(0, Math.ceil(n * bits / 8)), done * bits / 8)
  }
}
