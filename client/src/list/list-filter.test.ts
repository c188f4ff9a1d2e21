import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, filterStatuses, keepRanking, rankSites, sortStatuses } from './list-filter';
import { siteStatus } from '../lib/test-fixtures';

const sites = [
  siteStatus('RHU03', { name: 'Queen Alexandra Hospital', region: 'Y59', opel: 4, severity: 4, incident: { level: 'critical' }, ed: { status: 'divert', divertTo: ['RHU01'] } }),
  siteStatus('RJ122', { name: "St Thomas' Hospital", region: 'Y56', opel: 2, severity: 2, stale: true, observedAt: '2026-01-03T01:00:00Z' }),
  siteStatus('RAL01', { name: 'Royal Free Hospital', region: 'Y56', severity: 0 }),
];

describe('filterStatuses', () => {
  it('filters by region, severity, incident, A&E and staleness', () => {
    expect(filterStatuses(sites, { ...EMPTY_FILTER, region: 'Y56' }).map((s) => s.site)).toEqual(['RJ122', 'RAL01']);
    expect(filterStatuses(sites, { ...EMPTY_FILTER, severity: 0 }).map((s) => s.site)).toEqual(['RAL01']);
    expect(filterStatuses(sites, { ...EMPTY_FILTER, incident: 'any' }).map((s) => s.site)).toEqual(['RHU03']);
    expect(filterStatuses(sites, { ...EMPTY_FILTER, incident: 'none' }).map((s) => s.site)).toEqual(['RJ122', 'RAL01']);
    expect(filterStatuses(sites, { ...EMPTY_FILTER, ed: 'divert' }).map((s) => s.site)).toEqual(['RHU03']);
    expect(filterStatuses(sites, { ...EMPTY_FILTER, ed: 'unknown' }).map((s) => s.site)).toEqual(['RJ122', 'RAL01']);
    expect(filterStatuses(sites, { ...EMPTY_FILTER, staleOnly: true }).map((s) => s.site)).toEqual(['RJ122']);
  });

  it('searches names and codes, ignoring case', () => {
    expect(filterStatuses(sites, { ...EMPTY_FILTER, search: 'royal' }).map((s) => s.site)).toEqual(['RAL01']);
    expect(filterStatuses(sites, { ...EMPTY_FILTER, search: 'rhu03' }).map((s) => s.site)).toEqual(['RHU03']);
  });
});

describe('sortStatuses', () => {
  it('sorts by a column either way, ties by name', () => {
    expect(sortStatuses(sites, 'severity', 'descending').map((s) => s.site)).toEqual(['RHU03', 'RJ122', 'RAL01']);
    expect(sortStatuses(sites, 'name', 'ascending').map((s) => s.site)).toEqual(['RHU03', 'RAL01', 'RJ122']);
    expect(sortStatuses(sites, 'region', 'ascending').map((s) => s.site)).toEqual(['RAL01', 'RJ122', 'RHU03']);
  });
});

describe('keepRanking', () => {
  it('keeps the order of an earlier sort while statuses change, and asks for a new sort when a site is new to it', () => {
    const ranking = rankSites(sortStatuses(sites, 'severity', 'descending'));
    const changed = sites.map((status) => (status.site === 'RAL01' ? { ...status, severity: 4 } : status));
    expect(keepRanking(changed, ranking)?.map((s) => s.site)).toEqual(['RHU03', 'RJ122', 'RAL01']);
    expect(keepRanking(changed, ranking)?.find((s) => s.site === 'RAL01')?.severity).toBe(4);
    expect(keepRanking([...changed, siteStatus('RXX01')], ranking)).toBeNull();
  });
});
