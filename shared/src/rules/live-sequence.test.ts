import { describe, expect, it } from 'vitest';
import { sequenceDecision } from './live-sequence.js';
import { RECONNECT_MAX_MS, reconnectDelay } from './reconnect-backoff.js';

describe('sequenceDecision', () => {
  it('applies the next seq and drops what was already shown', () => {
    expect(sequenceDecision(10, 11, false)).toBe('apply');
    expect(sequenceDecision(10, 10, false)).toBe('duplicate');
    expect(sequenceDecision(10, 3, false)).toBe('duplicate');
  });

  it('calls a skipped seq a gap on an unfiltered subscription only', () => {
    expect(sequenceDecision(10, 12, false)).toBe('gap');
    expect(sequenceDecision(10, 15, true)).toBe('apply');
    expect(sequenceDecision(10, 10, true)).toBe('duplicate');
  });

  it('applies anything before the first snapshot or event', () => {
    expect(sequenceDecision(null, 500, false)).toBe('apply');
    expect(sequenceDecision(-1, 57, false)).toBe('apply');
  });
});

describe('reconnectDelay', () => {
  it('doubles from 1 s to at most 4 s, spread over the upper half of each step', () => {
    expect([0, 1, 2, 3, 10].map((attempt) => reconnectDelay(attempt, () => 0))).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
    expect([0, 1, 2].map((attempt) => reconnectDelay(attempt, () => 1))).toEqual([500, 1_000, 2_000]);
    for (let attempt = 0; attempt < 50; attempt++) expect(reconnectDelay(attempt)).toBeLessThanOrEqual(RECONNECT_MAX_MS);
  });
});
