import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'client/src/**/*.test.ts', 'cli/src/**/*.test.ts', 'workers/src/**/*.test.ts', 'server/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Wall-clock bounds run on their own afterwards: vitest.responsiveness.config.ts.
    exclude: ['test/responsiveness/**', '**/node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start real servers and a real Chromium; on a
    // 2-core machine running every file at once only makes them slower and flakier.
    maxWorkers: 2,
  },
});
