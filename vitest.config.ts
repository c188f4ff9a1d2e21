import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/src/**/*.test.ts', 'client/src/**/*.test.ts', 'workers/src/**/*.test.ts', 'server/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration and browser tests start real servers and a real Chromium; on a
    // 2-core machine running every file at once only makes them slower and flakier.
    maxWorkers: 2,
  },
});
