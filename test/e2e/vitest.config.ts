import { defineConfig } from 'vitest/config';

// End-to-end tests: one Chromium and one loopback host per file, files one after another (CI has
// two cores, and every file already runs a browser and a server).
export default defineConfig({
  test: {
    root: `${import.meta.dirname}/../..`,
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
