/** Compiling and instantiating the committed WebAssembly SIMD kernels, shared by each kernel's wrapper. */

const PAGE = 65536

/**
 * The module a `<name>-module.ts` holds as base64, or undefined where WebAssembly or its SIMD proposal
 * is missing: validate() is false on an engine without SIMD. A few kilobytes compile synchronously,
 * even on a browser's main thread.
 */
export function compileKernel (base64: string): WebAssembly.Module | undefined {
  if (typeof WebAssembly !== 'object') return undefined
  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0))
  return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : undefined
}

/**
 * An instance of `module` whose exported memory holds at least `bytes`. The memory is grown once, here,
 * before any view of it is taken: growing detaches the views.
 */
export function instantiateKernel<Exports extends { memory: WebAssembly.Memory }> (module: WebAssembly.Module, bytes = 0): Exports {
  const exports = new WebAssembly.Instance(module).exports as unknown as Exports
  const pages = Math.ceil(bytes / PAGE) - exports.memory.buffer.byteLength / PAGE
  if (pages > 0) exports.memory.grow(pages)
  return exports
}
