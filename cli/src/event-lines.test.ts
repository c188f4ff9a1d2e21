import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATUS, type BoardSnapshot, type SiteStatus } from '@pb/shared';
import { alertLine, describeChanges, snapshotLine, statusLine } from './event-lines.js';

const on = pc.createColors(true);
const off = pc.createColors(false);
const NOW = Date.parse('2026-01-03T12:00:00Z');

function status(overrides: Partial<SiteStatus> = {}): SiteStatus {
  return { site: 'RHU03', name: 'Queen Alexandra Hospital', trust: 'RHU', region: 'Y59', icb: 'QRL', ...EMPTY_STATUS, severity: 0, stale: false, ...overrides };
}

describe('event lines', () => {
  it('writes a status event as time, seq, site, severity in number and words, and what changed', () => {
    const previous = status({ opel: 3, severity: 3, ed: { status: 'open', divertTo: [] }, metrics: { handoverMeanMin: 60 } });
    const now = status({
      opel: 4,
      severity: 4,
      incident: { level: 'critical' },
      ed: { status: 'divert', divertTo: ['RHM01'] },
      metrics: { handoverMeanMin: 95 },
      note: 'No cubicles',
      receivedAt: '2026-01-03T09:15:02Z',
      actor: 'Portsmouth EPRR',
    });
    expect(statusLine({ seq: 42, site: 'RHU03', status: now, previous }, off, NOW)).toBe(
      '09:15:02  #42  RHU03 Queen Alexandra Hospital  [4] OPEL 4, critical incident, A&E diverting — ' +
        'OPEL 3→4, incident —→critical, A&E open→divert (to RHM01), handoverMeanMin 60→95, note "No cubicles" · Portsmouth EPRR',
    );
  });

  it('colours by severity (4 red, 3 yellow, 2 cyan, 1 green) and only when colour is on', () => {
    const line = (severity: number) => statusLine({ seq: 1, site: 'RHU03', status: status({ opel: severity || null, severity }) }, on, NOW);
    expect(line(4)).toContain('\x1b[31m[4] OPEL 4');
    expect(line(3)).toContain('\x1b[33m[3] OPEL 3');
    expect(line(2)).toContain('\x1b[36m[2] OPEL 2');
    expect(line(1)).toContain('\x1b[32m[1] OPEL 1');
    expect(statusLine({ seq: 1, site: 'RHU03', status: status({ opel: 4, severity: 4 }) }, off, NOW)).not.toContain('\x1b[');
  });

  it('shows a date before the time when the event is not from today in London', () => {
    const line = statusLine({ seq: 7, site: 'RHU03', status: status({ receivedAt: '2025-07-01T23:30:00Z' }) }, off, NOW);
    expect(line.startsWith('2025-07-02 00:30:00  #7')).toBe(true);
  });

  it('says a re-post with nothing new is a reconfirmation', () => {
    expect(describeChanges(status({ opel: 2 }), status({ opel: 2 }))).toEqual(['reconfirmed, no change']);
  });

  it('writes alerts raised, acknowledged and ended, coloured by the site they concern', () => {
    const raised = { seq: 5, id: 'a1', kind: 'ed_closed' as const, site: 'RHU03', region: 'Y59', raisedAt: '2026-01-03T10:00:00Z' };
    const site = { name: 'Queen Alexandra Hospital', severity: 3 };
    expect(alertLine(raised, site, off, NOW)).toBe('10:00:00  #5  RHU03 Queen Alexandra Hospital  alert raised: A&E closed');
    expect(alertLine({ ...raised, acknowledgedAt: '2026-01-03T10:05:00Z', acknowledgedBy: 'Director SE' }, site, off, NOW)).toContain('alert acknowledged by Director SE: A&E closed');
    expect(alertLine({ ...raised, endedAt: '2026-01-03T11:00:00Z' }, undefined, off, NOW)).toBe('11:00:00  #5  RHU03  alert ended: A&E closed');
    expect(alertLine(raised, site, on, NOW)).toContain('\x1b[33malert raised');
  });

  it('sums up a snapshot in one line', () => {
    const snapshot: BoardSnapshot = {
      seq: 120,
      asOf: '2026-01-03T11:59:00Z',
      sites: [status({ severity: 4 }), status({ severity: 4, stale: true }), status({ severity: 2 }), status()],
      alerts: [{ id: 'a', kind: 'escalation', site: 'RHU03', region: 'Y59', raisedAt: '2026-01-03T11:00:00Z' }],
    };
    expect(snapshotLine(snapshot, off, NOW)).toBe('11:59:00  #120  snapshot: 4 sites — 2 at 4, 1 at 2, 1 unknown; 1 stale; 1 open alert');
  });
});
