import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // the examples import the package by name: test them against the sources, not an older build
  resolve: { alias: { 'libp2p-secagg': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests of many peers take minutes: `npm run test:slow` runs them (vitest.slow.config.ts), and CI too.
    exclude: ['test/**/*.slow.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
