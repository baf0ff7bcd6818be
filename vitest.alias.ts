import { fileURLToPath } from 'node:url'

/**
 * The package's own name, as the examples import it, resolved to its sources: the root entry and each
 * subpath export (package.json "exports") to the file it is built from.
 */
export const packageAlias = [
  { find: /^libp2p-secagg$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  { find: /^libp2p-secagg\/(core|node|daemon|testing)$/, replacement: fileURLToPath(new URL('./src/entries/$1.ts', import.meta.url)) }
]
