import { defineConfig } from 'vitest/config'
import { packageAlias } from './vitest.alias.js'

export default defineConfig({
  // the examples import the package by name: test them against the sources, not an older build
  resolve: { alias: packageAlias },
  test: {
    include: ['test/**/*.test.ts'],
    // The fast tier. Tests of many peers take minutes: `npm run test:slow` runs them (vitest.slow.config.ts);
    // daemon processes, the testnet and long real-node fault runs are `npm run test:e2e`. CI runs all three.
    exclude: ['test/**/*.slow.test.ts', 'test/**/*.e2e.test.ts', '**/node_modules/**'],
    // Both cores: the default leaves one for the main process, and the suite is CPU-bound.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
