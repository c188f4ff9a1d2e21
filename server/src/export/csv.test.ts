import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATUS, projectSiteStatus, type StoredStatus } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { buildStatusCsv } from './csv.js';

const reference = loadReferenceData();
const NOW = new Date('2026-07-03T10:00:00Z');
const site = (code: string) => reference.byCode.get(code)!;
const status = (code: string, stored: Partial<StoredStatus>) => projectSiteStatus(site(code), { ...EMPTY_STATUS, ...stored }, NOW.getTime(), 360);

describe('CSV export', () => {
  const board = [
    status('RHU03', {
      opel: 4,
      incident: { level: 'critical', reason: 'industrial action, day 2', declaredAt: '2026-01-03T07:00:00Z' },
      ed: { status: 'divert', divertTo: ['RHM01', 'RYR18'], reason: 'no "cubicles"' },
      metrics: { handoverMeanMin: 95, fourHourPct: 61.2, handoverDelaysOver60Min: 12 },
      note: 'Line one\nline two',
      observedAt: '2026-07-03T08:15:00Z',
      receivedAt: '2026-07-03T08:15:02.123Z',
      source: 'api',
      actor: '=HYPERLINK("http://evil")',
      updateId: 'u1',
    }),
    status('RJ122', {}),
  ];
  const text = buildStatusCsv(board, NOW);
  const rows = parse(text, { columns: true }) as Record<string, string>[];

  it('writes a header and one row per site, quoted so a CSV reader gets every cell back', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(rows).toHaveLength(2);
    const [qa, stThomas] = rows as [Record<string, string>, Record<string, string>];
    expect(qa).toMatchObject({
      site: 'RHU03',
      name: 'Queen Alexandra Hospital',
      trust: 'RHU',
      region: 'Y59',
      severity: '4',
      stale: 'false',
      opel: '4',
      incident: 'critical',
      incident_reason: 'industrial action, day 2',
      ed: 'divert',
      divert_to: 'RHM01;RYR18',
      ed_reason: 'no "cubicles"',
      handover_mean_min: '95',
      four_hour_pct: '61.2',
      handover_delays_over_60min: '12',
      ga_occupancy_pct: '',
      note: 'Line one\nline two',
      source: 'api',
      inferred: 'false',
      update_id: 'u1',
    });
    expect(stThomas).toMatchObject({ site: 'RJ122', name: "St Thomas' Hospital", opel: '', incident: '', ed: '', severity: '0', observed_at: '' });
  });

  it('gives times in UK local time with their offset, across BST', () => {
    const [qa] = rows as [Record<string, string>];
    expect(qa.observed_at).toBe('2026-07-03T09:15:00+01:00');
    expect(qa.received_at).toBe('2026-07-03T09:15:02+01:00');
    expect(qa.incident_declared_at).toBe('2026-01-03T07:00:00+00:00');
    expect(Date.parse(qa.observed_at!)).toBe(Date.parse('2026-07-03T08:15:00Z'));
  });

  it('defuses spreadsheet formulas in free-text cells', () => {
    const [qa] = rows as [Record<string, string>];
    expect(qa.actor).toBe('\'=HYPERLINK("http://evil")');
  });

  it('writes only the header for an empty board', () => {
    expect(buildStatusCsv([], NOW).split('\r\n')).toHaveLength(2);
  });
});
