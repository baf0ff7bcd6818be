import { defineConfig } from 'vitest/config'
import { packageAlias } from './vitest.alias.js'

/**
 * The end-to-end tests: real `secagg node` processes, the CI-sized testnet, the federated example, and
 * rounds of real libp2p nodes with peers stopped in every phase. `npm run test:e2e`; CI runs them too.
 */
export default defineConfig({
  resolve: { alias: packageAlias },
  test: {
    include: ['test/**/*.e2e.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000
  }
})
