import { describe, expect, it } from 'vitest';
import { rollUp } from './rollup';
import { siteStatus } from './test-fixtures';

describe('rollUp', () => {
  it('counts severities, incidents, diversions and stale sites per region and for England', () => {
    const rollups = rollUp([
      siteStatus('A1', { region: 'Y56', opel: 4, severity: 4, incident: { level: 'critical' } }),
      siteStatus('A2', { region: 'Y56', opel: 2, severity: 2, ed: { status: 'divert', divertTo: ['A1'] }, stale: true }),
      siteStatus('B1', { region: 'Y59', severity: 3, ed: { status: 'closed', divertTo: [] } }),
      siteStatus('B2', { region: 'Y59', incident: { level: 'major' }, severity: 4 }),
      siteStatus('C1', { region: 'Y62' }),
    ]);
    expect(rollups.ENG.total).toBe(5);
    expect(rollups.ENG.bySeverity).toEqual([1, 0, 1, 1, 2]);
    expect(rollups.Y56).toMatchObject({ total: 2, criticalIncidents: 1, diverting: 1, stale: 1 });
    expect(rollups.Y59).toMatchObject({ total: 2, majorIncidents: 1, edClosed: 1 });
    expect(rollups.Y62.bySeverity[0]).toBe(1);
    expect(rollups.Y58.total).toBe(0);
  });
});
