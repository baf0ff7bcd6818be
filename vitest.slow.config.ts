import { defineConfig } from 'vitest/config'

/** The slow tests: hundreds to a thousand peers in one process. `npm run test:slow`. */
export default defineConfig({
  test: {
    include: ['test/**/*.slow.test.ts'],
    // one at a time: each takes both cores and gigabytes
    fileParallelism: false,
    // hundreds of libp2p nodes in one process can outgrow the default heap of about 4 GB
    execArgv: ['--max-old-space-size=16384'],
    testTimeout: 90 * 60_000,
    hookTimeout: 5 * 60_000
  }
})
