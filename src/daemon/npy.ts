/**
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html), the
 * float parts of it a trainer sends: little-endian float32 or float64 arrays in C order, of any shape
 * (an update is its values in order). Written by hand: the npm packages for it fetch over HTTP in the
 * browser or pull in whole array libraries, and the format is a magic string, a length and a dict.
 */
import { DaemonInputError } from './errors.js'

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY
const DTYPES = { '<f4': 4, '<f8': 8 } as const
// numpy itself refuses headers above 10 KiB unless told otherwise; no array of floats needs more
const MAX_HEADER_LENGTH = 10 * 1024

function bad (message: string): never {
  throw new DaemonInputError('bad-npy', `not a usable .npy file: ${message}`)
}

/** The values of a .npy array of little-endian floats, as float32. */
export function parseNpy (bytes: Uint8Array): Float32Array {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) bad('it does not start with \\x93NUMPY')
  const major = bytes[6]
  if (major < 1 || major > 3) bad(`format version ${major}.${bytes[7]} is not 1, 2 or 3`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const lengthSize = major === 1 ? 2 : 4
  if (bytes.length < 8 + lengthSize) bad('the header is cut off')
  const headerLength = lengthSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true)
  const dataStart = 8 + lengthSize + headerLength
  if (headerLength > MAX_HEADER_LENGTH) bad(`a header of ${headerLength} bytes is too long`)
  if (dataStart > bytes.length) bad('the header is cut off')
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthSize, dataStart))
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1]
  if (descr === undefined) bad('the header has no descr')
  if (!Object.hasOwn(DTYPES, descr)) bad(`dtype '${descr}' is not little-endian float32 ('<f4') or float64 ('<f8')`)
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1]
  if (fortran === undefined) bad('the header has no fortran_order')
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1]
  if (shapeText === undefined) bad('the header has no shape')
  const shape = shapeText.split(',').map(s => s.trim()).filter(s => s.length > 0).map(s => /^\d+$/.test(s) ? Number(s) : bad(`shape (${shapeText}) is not a tuple of sizes`))
  if (fortran === 'True' && shape.filter(size => size > 1).length > 1) bad('the array is in Fortran order; save it with np.ascontiguousarray or flatten it first')
  const count = shape.reduce((a, b) => a * b, 1)
  const width = DTYPES[descr as keyof typeof DTYPES]
  if (bytes.length - dataStart !== count * width) bad(`shape (${shapeText}) needs ${count * width} bytes of data, the file has ${bytes.length - dataStart}`)
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) out[i] = width === 4 ? view.getFloat32(dataStart + 4 * i, true) : view.getFloat64(dataStart + 8 * i, true)
  return out
}

/** A version 1.0 .npy file holding `values` as a one-dimensional float32 array. */
export function toNpy (values: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${values.length},), }`
  // the data starts on a 64-byte boundary, and the header ends with a newline
  const unpadded = 10 + header.length + 1
  header = header + ' '.repeat((64 - unpadded % 64) % 64) + '\n'
  const out = new Uint8Array(10 + header.length + values.length * 4)
  out.set(MAGIC)
  out[6] = 1
  out[7] = 0
  const view = new DataView(out.buffer)
  view.setUint16(8, header.length, true)
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i)
  for (let i = 0; i < values.length; i++) view.setFloat32(10 + header.length + 4 * i, values[i], true)
  return out
}
