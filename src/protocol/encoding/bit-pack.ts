/**
 * m-bit packing of vectors mod 2^m, little-endian: value i occupies stream bits [i*m, (i+1)*m).
 * A chunk of a multiple of 32 values packs into whole words, so packed chunks concatenate exactly.
 *
 * Every group of 32 values maps to exactly m words, so the loops are unrolled per group with constant
 * shifts, generated once per width: unpacking then costs about what a plain vector add costs, three to
 * four times less than a loop that computes its shifts (the add itself is the floor on the test machine).
 * Where code generation is forbidden (a browser page whose CSP bans eval), a table-driven loop does the
 * same work more slowly.
 */
import { assertLittleEndian } from '../crypto/bytes.js'
import { simdPack, simdPacks } from '../crypto/wasm/pack.js'

assertLittleEndian()

const GROUP = 32

/** Bytes that `count` values take at `bits` bits each. */
export function packedLength (count: number, bits: number): number {
  return Math.ceil(count * bits / 8)
}

function lowBitsMask (bits: number): number {
  return bits === 32 ? 0xffffffff : 2 ** bits - 1
}

function assertBits (bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`bit width must be an integer in 1..32, got ${bits}`)
}

/** How the unpacked values combine with the target. */
export type UnpackMode = 'fill' | 'add' | 'subtract'

const OPERATOR: Record<UnpackMode, string> = { fill: '=', add: '+=', subtract: '-=' }

type GroupKernel = (source: Uint32Array, target: Uint32Array, groups: number) => void

const packKernels = new Map<number, GroupKernel>()
const unpackKernels = new Map<string, GroupKernel>()

/** Compiles straight-line code, or returns undefined where the runtime forbids it. */
function compile (body: string): GroupKernel | undefined {
  try {
    // eslint-disable-next-line no-new-func -- the source is built from integer constants only
    return new Function('source', 'target', 'groups', body) as GroupKernel
  } catch {
    return undefined
  }
}

/** Where value j of a group starts: its word and bit within the group's m words. */
function position (j: number, bits: number): { word: number, shift: number } {
  return { word: (j * bits) >>> 5, shift: (j * bits) & 31 }
}

function packKernel (bits: number): GroupKernel {
  let kernel = packKernels.get(bits)
  if (kernel !== undefined) return kernel
  const mask = lowBitsMask(bits)
  let body = 'for (let g = 0, i = 0, w = 0; g < groups; g++, i += 32, w += ' + bits + ') {\n'
  for (let j = 0; j < GROUP; j++) body += `const v${j} = source[i + ${j}] & ${mask};\n`
  for (let k = 0; k < bits; k++) {
    const parts: string[] = []
    for (let j = 0; j < GROUP; j++) {
      const start = j * bits - 32 * k
      if (start >= 32 || start + bits <= 0) continue
      parts.push(start >= 0 ? `(v${j} << ${start})` : `(v${j} >>> ${-start})`)
    }
    body += `target[w + ${k}] = ${parts.join(' | ')};\n`
  }
  body += '}'
  kernel = compile(body) ?? ((source, target, groups) => {
    for (let g = 0; g < groups; g++) packGroup(source, g * GROUP, target, g * bits, bits, mask)
  })
  packKernels.set(bits, kernel)
  return kernel
}

function packGroup (source: Uint32Array, at: number, target: Uint32Array, w: number, bits: number, mask: number): void {
  for (let j = 0; j < GROUP; j++) {
    const v = (source[at + j] & mask) >>> 0
    const { word, shift } = position(j, bits)
    target[w + word] |= v << shift
    if (shift + bits > 32) target[w + word + 1] |= v >>> (32 - shift)
  }
}

function unpackKernel (bits: number, mode: UnpackMode): GroupKernel {
  const key = `${bits}/${mode}`
  let kernel = unpackKernels.get(key)
  if (kernel !== undefined) return kernel
  const mask = lowBitsMask(bits)
  const op = OPERATOR[mode]
  let body = 'for (let g = 0, i = 0, w = 0; g < groups; g++, i += 32, w += ' + bits + ') {\n'
  for (let j = 0; j < GROUP; j++) {
    const { word, shift } = position(j, bits)
    const low = shift === 0 ? `source[w + ${word}]` : `(source[w + ${word}] >>> ${shift})`
    const high = shift + bits > 32 ? ` | (source[w + ${word + 1}] << ${32 - shift})` : ''
    body += `target[i + ${j}] ${op} (${low}${high}) & ${mask};\n`
  }
  body += '}'
  kernel = compile(body) ?? ((source, target, groups) => {
    unpackLoop(source, 0, target.subarray(0, groups * GROUP), bits, mode)
  })
  unpackKernels.set(key, kernel)
  return kernel
}

/**
 * Unpacks target.length values from `words` starting at bit `bit` of word `w`. Branch-free: each value
 * is its word shifted down, or-ed with the next word shifted up in two steps (a shift by 32 is a shift
 * by 0 in JavaScript). It reads one word past the last value, so `words` must have a spare word.
 */
function unpackLoop (words: Uint32Array, w: number, target: Uint32Array, bits: number, mode: UnpackMode): void {
  const mask = lowBitsMask(bits)
  let bit = 0
  for (let i = 0; i < target.length; i++) {
    const v = ((words[w] >>> bit) | ((words[w + 1] << (31 - bit)) << 1)) & mask
    if (mode === 'add') target[i] += v
    else if (mode === 'subtract') target[i] -= v
    else target[i] = v
    bit += bits
    w += bit >>> 5
    bit &= 31
  }
}

/** Packs the low `bits` bits of each value: in WebAssembly SIMD for 8 to 25 bits where it runs (wasm/pack.ts). */
export function pack (values: Uint32Array, bits: number): Uint8Array {
  assertBits(bits)
  if (!simdPacks(bits)) return packJs(values, bits)
  const out = allocatePacked(values.length, bits)
  simdPack(values, bits, out)
  return out
}

/** pack in plain JavaScript: the fallback, and the reference the SIMD packing is tested against. */
export function packJs (values: Uint32Array, bits: number): Uint8Array {
  assertBits(bits)
  const groups = Math.floor(values.length / GROUP)
  const words = new Uint32Array(Math.ceil(values.length * bits / 32) + 1)
  packKernel(bits)(values, words, groups)
  const rest = values.length - groups * GROUP
  if (rest > 0) {
    const tail = new Uint32Array(GROUP)
    tail.set(values.subarray(groups * GROUP))
    packGroup(tail, 0, words, groups * bits, bits, lowBitsMask(bits))
  }
  return new Uint8Array(words.buffer, 0, packedLength(values.length, bits))
}

/**
 * The packed bytes as whole words plus one spare word, so the unpacking loop can always read the word
 * after the current one. Copied only when the bytes are unaligned or have no room after them.
 */
function asWords (packed: Uint8Array): Uint32Array {
  const words = Math.ceil(packed.byteLength / 4) + 1
  if (packed.byteOffset % 4 === 0 && packed.byteOffset + words * 4 <= packed.buffer.byteLength) {
    return new Uint32Array(packed.buffer, packed.byteOffset, words)
  }
  const copy = new Uint32Array(words)
  new Uint8Array(copy.buffer).set(packed)
  return copy
}

/** A buffer for `count` packed values with the spare word unpacking reads, so it is never copied. */
export function allocatePacked (count: number, bits: number): Uint8Array {
  const length = packedLength(count, bits)
  return new Uint8Array(new ArrayBuffer((Math.ceil(length / 4) + 1) * 4), 0, length)
}

/** Unpacks `target.length` values and writes, adds or subtracts them into `target` mod 2^32. */
export function unpackInto (packed: Uint8Array, bits: number, target: Uint32Array, mode: UnpackMode): void {
  assertBits(bits)
  if (packed.byteLength !== packedLength(target.length, bits)) {
    throw new RangeError(`packed data has ${packed.byteLength} bytes, ${target.length} values of ${bits} bits need ${packedLength(target.length, bits)}`)
  }
  const words = asWords(packed)
  const groups = Math.floor(target.length / GROUP)
  unpackKernel(bits, mode)(words, target, groups)
  unpackLoop(words, groups * bits, target.subarray(groups * GROUP), bits, mode)
}
