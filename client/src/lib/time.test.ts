import { describe, expect, it } from 'vitest';
import { formatRelative, formatUkTime, fromUkLocalInput, toUkLocalInput } from './time';

describe('UK time', () => {
  it('shows GMT in winter and BST in summer', () => {
    expect(formatUkTime('2026-01-03T09:15:00Z')).toBe('09:15');
    expect(formatUkTime('2026-07-03T09:15:00Z')).toBe('10:15');
  });

  it('round-trips datetime-local values across the clock changes', () => {
    expect(fromUkLocalInput('2026-01-03T09:15')).toBe('2026-01-03T09:15:00.000Z');
    expect(fromUkLocalInput('2026-07-03T10:15')).toBe('2026-07-03T09:15:00.000Z');
    expect(toUkLocalInput('2026-07-03T09:15:00Z')).toBe('2026-07-03T10:15');
    // 29 March 2026: clocks go forward at 01:00 GMT.
    expect(fromUkLocalInput('2026-03-29T00:30')).toBe('2026-03-29T00:30:00.000Z');
    expect(fromUkLocalInput('2026-03-29T02:30')).toBe('2026-03-29T01:30:00.000Z');
    // 25 October 2026: 01:30 happens twice; the first (BST) is chosen.
    expect(fromUkLocalInput('2026-10-25T01:30')).toBe('2026-10-25T00:30:00.000Z');
    expect(fromUkLocalInput('2026-02-30T10:00')).toBeNull();
    expect(fromUkLocalInput('nonsense')).toBeNull();
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-01-03T12:00:00Z');
    expect(formatRelative('2026-01-03T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-01-03T11:55:00Z', now)).toBe('5 min ago');
    expect(formatRelative('2026-01-03T09:00:00Z', now)).toBe('3 h ago');
    expect(formatRelative('2026-01-01T12:00:00Z', now)).toBe('2 days ago');
    expect(formatRelative(null, now)).toBe('never');
  });
});
