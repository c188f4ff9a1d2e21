import { defineConfig } from 'vitest/config';

/**
 * Tests that hold the server to a wall-clock bound (`/readyz` within 500 ms while it
 * takes in 5 MB bodies or a burst of subscribes). They run after the others, one file
 * at a time, so what they measure is the server under test and not the test next door.
 */
export default defineConfig({
  test: {
    include: ['test/responsiveness/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
