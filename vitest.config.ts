import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests of many peers take minutes: `npm run test:slow` runs them (vitest.slow.config.ts), and CI too.
    exclude: ['test/**/*.slow.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
