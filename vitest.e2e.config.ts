import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The end-to-end tests: real `secagg node` processes, the CI-sized testnet, the federated example, and
 * rounds of real libp2p nodes with peers stopped in every phase. `npm run test:e2e`; CI runs them too.
 */
export default defineConfig({
  resolve: { alias: { 'libp2p-secagg': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000
  }
})
