import { describe, expect, it } from 'vitest';
import { londonLocalToUtc, londonOffsetMinutes, londonWallClock, londonWallClockToInstant, parseLondonLocal, toLondonIso } from './london-time.js';

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());

describe('UK local time', () => {
  it('uses GMT in winter and BST in summer', () => {
    expect(londonOffsetMinutes(Date.parse('2026-01-03T09:15:00Z'))).toBe(0);
    expect(londonOffsetMinutes(Date.parse('2026-07-03T09:15:00Z'))).toBe(60);
    expect(londonWallClock(Date.parse('2026-07-03T09:15:07Z'))).toEqual({ year: 2026, month: 7, day: 3, hour: 10, minute: 15, second: 7 });
    expect(iso(parseLondonLocal('2026-01-03T09:15'))).toBe('2026-01-03T09:15:00.000Z');
    expect(iso(parseLondonLocal('2026-07-03T10:15:30'))).toBe('2026-07-03T09:15:30.000Z');
  });

  it('reads the repeated autumn hour as the earlier (BST) instant, on either side of the year', () => {
    // 25 October 2026 and 29 October 2023: 01:00–01:59 happen twice (BST, then GMT).
    expect(iso(parseLondonLocal('2026-10-25T01:30'))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(parseLondonLocal('2023-10-29T01:00'))).toBe('2023-10-29T00:00:00.000Z');
    expect(iso(parseLondonLocal('2023-10-29T01:59:59'))).toBe('2023-10-29T00:59:59.000Z');
    expect(londonLocalToUtc('2026-10-25', 1, 30)).toBe('2026-10-25T00:30:00Z');
    // Either side of the repeated hour there is one reading only.
    expect(iso(parseLondonLocal('2026-10-25T00:59'))).toBe('2026-10-24T23:59:00.000Z');
    expect(iso(parseLondonLocal('2026-10-25T02:00'))).toBe('2026-10-25T02:00:00.000Z');
  });

  it('moves a time in the skipped spring hour forward by the gap', () => {
    // 29 March 2026: clocks go from 01:00 GMT to 02:00 BST.
    expect(iso(parseLondonLocal('2026-03-29T00:30'))).toBe('2026-03-29T00:30:00.000Z');
    expect(iso(parseLondonLocal('2026-03-29T01:30'))).toBe('2026-03-29T01:30:00.000Z'); // = 02:30 BST
    expect(iso(parseLondonLocal('2026-03-29T02:30'))).toBe('2026-03-29T01:30:00.000Z');
    expect(londonLocalToUtc('2026-03-29', 1, 0)).toBe('2026-03-29T01:00:00Z');
  });

  it('round-trips every quarter hour across both change days', () => {
    for (const day of ['2026-03-29', '2026-10-25']) {
      const start = Date.parse(`${day}T00:00:00Z`) - 3 * 3_600_000;
      for (let instant = start; instant < start + 30 * 3_600_000; instant += 15 * 60_000) {
        const wall = londonWallClock(instant);
        const back = londonWallClockToInstant(wall);
        // Only the second pass through the repeated hour does not come back as itself.
        const repeated = londonOffsetMinutes(instant) === 0 && londonOffsetMinutes(instant - 3_600_000) === 60;
        expect(back).toBe(repeated ? instant - 3_600_000 : instant);
      }
    }
  });

  it('gives the sitrep time (08:00 UK) of a date, and nothing for a date that does not exist', () => {
    expect(londonLocalToUtc('2023-06-01', 8, 0)).toBe('2023-06-01T07:00:00Z');
    expect(londonLocalToUtc('2023-12-01', 8, 0)).toBe('2023-12-01T08:00:00Z');
    expect(londonLocalToUtc('2023-02-30', 8, 0)).toBeUndefined();
    expect(londonLocalToUtc('1 June 2023', 8, 0)).toBeUndefined();
    expect(parseLondonLocal('2026-02-30T10:00')).toBeNull();
    expect(parseLondonLocal('2026-01-03T24:00')).toBeNull();
    expect(parseLondonLocal('nonsense')).toBeNull();
  });

  it('writes an instant as local time with its offset', () => {
    expect(toLondonIso('2026-07-03T09:15:00Z')).toBe('2026-07-03T10:15:00+01:00');
    expect(toLondonIso('2026-10-25T00:30:00Z')).toBe('2026-10-25T01:30:00+01:00');
    expect(toLondonIso('2026-10-25T01:30:00Z')).toBe('2026-10-25T01:30:00+00:00');
    expect(toLondonIso(null)).toBe('');
    expect(toLondonIso('not a time')).toBe('');
  });
});
