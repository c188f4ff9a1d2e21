import { describe, expect, it } from 'vitest';
import { sequenceDecision } from './live-sequence.js';

describe('sequenceDecision', () => {
  it('prints the next seq, drops ones already printed, and calls a skipped number a gap', () => {
    expect(sequenceDecision(10, 11, false)).toBe('apply');
    expect(sequenceDecision(10, 10, false)).toBe('duplicate');
    expect(sequenceDecision(10, 3, false)).toBe('duplicate');
    expect(sequenceDecision(10, 12, false)).toBe('gap');
  });

  it('expects skipped numbers on a region-filtered subscription', () => {
    expect(sequenceDecision(10, 15, true)).toBe('apply');
    expect(sequenceDecision(10, 10, true)).toBe('duplicate');
  });

  it('takes whatever comes first when nothing has been printed yet', () => {
    expect(sequenceDecision(null, 500, false)).toBe('apply');
  });
});
