import { describe, expect, it } from 'vitest';

/**
 * The hour's soak (`npm run bench -- soak`), cut short for every run of the tests: a
 * minute at 50 updates/s with 100 boards and a wallboard in Chromium, on a board and
 * Redis of its own. Memory flatness needs the long run (the first minute is warm-up);
 * what must hold from the first minute is checked here.
 */
describe('a short soak', () => {
  it('keeps every Redis key family within its bound, refuses no post, and leaves every board and the wallboard at the board’s seq', async () => {
    process.env.BENCH_SOAK_MINUTES = '1';
    process.env.BENCH_SOAK_SCREENS = '100';
    process.env.BENCH_SOAK_SAMPLE_SECONDS = '20';
    const { runSoakBenchmark } = await import('../../bench/soak.js');
    const rows = await runSoakBenchmark();
    const met = (pattern: RegExp) => {
      const row = rows.find((candidate) => pattern.test(String(candidate.measure)));
      expect(row, `a row for ${pattern}`).toBeDefined();
      return `${row!.measure}: ${row!.value} → ${row!.met}`;
    };
    for (const pattern of [/key families inside/, /refused/, /screens whose last seq/, /wallboard's seq/, /wallboard DOM elements/]) {
      expect(met(pattern)).toMatch(/→ yes$/);
    }
  }, 240_000);
});
