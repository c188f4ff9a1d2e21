import { describe, expect, it } from 'vitest';
import type { Alert } from '@pb/shared';
import { countByKind, rankAlerts } from './alert-ranking';

const alert = (id: string, kind: Alert['kind'], raisedAt: string, acknowledgedAt?: string): Alert => ({ id, kind, site: 'X', region: 'Y56', raisedAt, ...(acknowledgedAt ? { acknowledgedAt } : {}) });

describe('rankAlerts', () => {
  it('puts unacknowledged alerts first, the loudest kind first, then the newest', () => {
    const ranked = rankAlerts([
      alert('stale', 'stale', '2026-01-03T10:00:00Z'),
      alert('divert-old', 'divert', '2026-01-03T08:00:00Z'),
      alert('divert-new', 'divert', '2026-01-03T09:00:00Z'),
      alert('closed', 'ed_closed', '2026-01-03T07:00:00Z'),
      alert('major-acked', 'major_incident', '2026-01-03T10:00:00Z', '2026-01-03T10:01:00Z'),
      alert('critical', 'critical_incident', '2026-01-03T06:00:00Z'),
    ]);
    expect(ranked.map((a) => a.id)).toEqual(['critical', 'closed', 'divert-new', 'divert-old', 'stale', 'major-acked']);
  });

  it('counts alerts by kind, loudest kind first', () => {
    const counts = countByKind([alert('a', 'stale', '2026-01-03T10:00:00Z'), alert('b', 'divert', '2026-01-03T10:00:00Z'), alert('c', 'divert', '2026-01-03T10:00:00Z'), alert('d', 'major_incident', '2026-01-03T10:00:00Z')]);
    expect(counts).toEqual([
      { kind: 'major_incident', count: 1 },
      { kind: 'divert', count: 2 },
      { kind: 'stale', count: 1 },
    ]);
  });
});
