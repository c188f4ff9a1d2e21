import { describe, expect, it } from 'vitest';
import { siteStatus } from '../lib/test-fixtures';
import { needsAttention, rankAttention } from './attention';

describe('sites needing attention on the wallboard', () => {
  const sites = [
    siteStatus('A', { name: 'Alpha', severity: 2 }),
    siteStatus('B', { name: 'Bravo', severity: 4, opel: 4 }),
    siteStatus('C', { name: 'Charlie', severity: 4, incident: { level: 'critical' } }),
    siteStatus('D', { name: 'Delta', severity: 2, ed: { status: 'divert', divertTo: ['B'] } }),
    siteStatus('E', { name: 'Echo', severity: 3, region: 'Y59' }),
  ];

  it('lists severe pressure, incidents and A&E redirecting, most severe and loudest first', () => {
    expect(needsAttention(sites[0]!)).toBe(false);
    expect(rankAttention(sites, null).map((s) => s.site)).toEqual(['C', 'B', 'E', 'D']);
  });

  it('keeps to the region on the wall', () => {
    expect(rankAttention(sites, 'Y59').map((s) => s.site)).toEqual(['E']);
  });
});
