import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'


export default defineConfig({
  resolve: {
    alias: [
      { find: /^@volumes\/([a-z0-9-]+)$/, replacement: fileURLToPath(new URL('./packages/$1/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
