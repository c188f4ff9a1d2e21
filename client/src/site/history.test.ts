import { describe, expect, it } from 'vitest';
import { axisProvenance, describePostedUpdate, type HistoryEntry } from './history';
import { siteStatus } from '../lib/test-fixtures';

function entry(seq: number, source: HistoryEntry['source'], actor: string, overrides: Parameters<typeof siteStatus>[1], state: HistoryEntry['state'] = 'applied'): HistoryEntry {
  const at = `2026-01-03T0${seq}:00:00.000Z`;
  return { seq, state, observedAt: at, receivedAt: at, actor, updateId: `u${seq}`, source, status: siteStatus('X', { ...overrides, source, actor, observedAt: at }) };
}

describe('axisProvenance', () => {
  it('finds the update that last changed each axis', () => {
    const entries = [
      entry(3, 'api', 'Integration', { opel: 3, incident: { level: 'critical' } }),
      { ...entry(2, 'text', 'Phone line', {}, 'superseded'), status: undefined, update: { site: 'X', opel: 1 } },
      entry(1, 'form', 'Site manager', { opel: 3 }),
    ];
    const current = entries[0]!.status!;
    const provenance = axisProvenance(current, entries);
    expect(provenance.incident).toMatchObject({ source: 'api', actor: 'Integration' });
    expect(provenance.opel).toMatchObject({ source: 'form', actor: 'Site manager' });
  });

  it('falls back to the current status without history', () => {
    const current = siteStatus('X', { source: 'csv', actor: 'Sitrep', opel: 2 });
    expect(axisProvenance(current, []).opel).toMatchObject({ source: 'csv', actor: 'Sitrep' });
  });
});

describe('describePostedUpdate', () => {
  it('names the fields a superseded update posted', () => {
    expect(describePostedUpdate({ site: 'X', opel: 3, incident: { level: 'critical' } })).toBe('OPEL 3, critical incident');
    expect(describePostedUpdate(undefined)).toBe('details not recorded');
  });
});
