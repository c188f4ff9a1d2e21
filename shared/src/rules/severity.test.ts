import { describe, expect, it } from 'vitest';
import { EMPTY_STATUS, type StoredStatus } from '../site-status.js';
import { DEFAULT_STALE_AFTER_MINUTES, isStale, severityOf, severityWords } from './severity.js';

type Axes = Pick<StoredStatus, 'opel' | 'incident' | 'ed'>;
const axes = (partial: Partial<Axes>): Axes => ({ opel: null, incident: null, ed: null, ...partial });
const ed = (status: NonNullable<Axes['ed']>['status']) => ({ status, divertTo: [] });

describe('severityOf (SPEC §2: max(opel, 4 if critical/major, 3 if A&E closed))', () => {
  it('is 0 (unknown) when nothing is known', () => {
    expect(severityOf(EMPTY_STATUS)).toBe(0);
    expect(severityOf(axes({ incident: { level: 'none' }, ed: ed('open') }))).toBe(0);
  });

  it('is the OPEL level on its own', () => {
    for (const opel of [1, 2, 3, 4]) expect(severityOf(axes({ opel }))).toBe(opel);
  });

  it('is at least 4 for a critical or major incident, whatever OPEL says', () => {
    expect(severityOf(axes({ opel: 1, incident: { level: 'critical' } }))).toBe(4);
    expect(severityOf(axes({ incident: { level: 'major' } }))).toBe(4);
    expect(severityOf(axes({ opel: 2, incident: { level: 'business_continuity' } }))).toBe(2);
    expect(severityOf(axes({ opel: 2, incident: { level: 'none', stoodDownAt: '2026-01-03T10:00:00Z' } }))).toBe(2);
  });

  it('is at least 3 when A&E is closed, but never lowers a higher level', () => {
    expect(severityOf(axes({ ed: ed('closed') }))).toBe(3);
    expect(severityOf(axes({ opel: 1, ed: ed('closed') }))).toBe(3);
    expect(severityOf(axes({ opel: 4, ed: ed('closed') }))).toBe(4);
    expect(severityOf(axes({ opel: 1, ed: ed('divert') }))).toBe(1);
    expect(severityOf(axes({ ed: ed('advisory') }))).toBe(0);
    expect(severityOf(axes({ ed: ed('closed'), incident: { level: 'critical' } }))).toBe(4);
  });
});

describe('isStale (SPEC §2: default window 6 h)', () => {
  const now = Date.parse('2026-01-03T18:00:00Z');

  it('defaults to 6 hours', () => {
    expect(DEFAULT_STALE_AFTER_MINUTES).toBe(360);
  });

  it('is stale only once the window has passed', () => {
    expect(isStale('2026-01-03T12:00:00Z', now, 360)).toBe(false);
    expect(isStale('2026-01-03T11:59:59Z', now, 360)).toBe(true);
    expect(isStale('2026-01-03T17:00:00Z', now, 30)).toBe(true);
    expect(isStale('2026-01-03T17:45:00Z', now, 30)).toBe(false);
  });

  it('treats a site that never reported as unknown, not stale', () => {
    expect(isStale(null, now, 360)).toBe(false);
  });
});

describe('severityWords (SPEC §10 accessible names)', () => {
  it('reads the SPEC example', () => {
    expect(severityWords(axes({ opel: 4, incident: { level: 'critical' }, ed: ed('divert') }))).toBe('OPEL 4, critical incident, A&E diverting');
  });

  it('names every axis that is not normal', () => {
    expect(severityWords(axes({ opel: 2 }))).toBe('OPEL 2');
    expect(severityWords(axes({ opel: 3, incident: { level: 'major' }, ed: ed('closed') }))).toBe('OPEL 3, major incident, A&E closed');
    expect(severityWords(axes({ opel: 1, incident: { level: 'business_continuity' }, ed: ed('advisory') }))).toBe('OPEL 1, business continuity incident, A&E on advisory');
    expect(severityWords(axes({ opel: 1, incident: { level: 'none' }, ed: ed('open') }))).toBe('OPEL 1');
    expect(severityWords({ ...axes({ opel: 2 }), stale: true })).toBe('OPEL 2, stale');
  });

  it('says unknown distinctly, never as a level', () => {
    expect(severityWords(EMPTY_STATUS)).toBe('no status reported');
    expect(severityWords(axes({ ed: ed('closed') }))).toBe('OPEL unknown, A&E closed');
  });
});
