import { describe, expect, it } from 'vitest';
import { buildUpdate, fieldOf, hasChanges, metricInput, validateUpdate, valuesFromStatus } from './post-form';
import { siteStatus } from '../lib/test-fixtures';

const now = Date.parse('2026-01-03T09:30:00Z');
const current = siteStatus('RHU03', { opel: 2, incident: { level: 'none' }, ed: { status: 'open', divertTo: [] }, metrics: { fourHourPct: 70 }, note: 'Old note' });

describe('buildUpdate', () => {
  it('sends only site and observedAt when nothing changed', () => {
    const initial = valuesFromStatus(current);
    const { update, errors } = buildUpdate('RHU03', '2026-01-03T09:15', initial, valuesFromStatus(current), now);
    expect(errors).toEqual([]);
    expect(update).toEqual({ site: 'RHU03', observedAt: '2026-01-03T09:15:00.000Z' });
    expect(hasChanges(update)).toBe(false);
  });

  it('sends the changed fields only, with the whole A&E state when any of it changed', () => {
    const initial = valuesFromStatus(current);
    const values = valuesFromStatus(current);
    values.opel = '4';
    values.edStatus = 'divert';
    values.divertTo = ['RHU01'];
    values.metrics.handoverMeanMin = '95';
    const { update, errors } = buildUpdate('RHU03', '2026-01-03T09:15', initial, values, now);
    expect(errors).toEqual([]);
    expect(update).toEqual({
      site: 'RHU03',
      observedAt: '2026-01-03T09:15:00.000Z',
      opel: 4,
      ed: { status: 'divert', divertTo: ['RHU01'] },
      metrics: { handoverMeanMin: 95 },
    });
    expect(validateUpdate(update)).toEqual([]);
  });

  it('stamps an update with the moment it is sent when the time was left as it is', () => {
    const initial = valuesFromStatus(current);
    expect(buildUpdate('RHU03', null, initial, valuesFromStatus(current), now).update.observedAt).toBe('2026-01-03T09:30:00.000Z');
  });

  it('maps unknown OPEL to null and a cleared note to null', () => {
    const initial = valuesFromStatus(current);
    const values = { ...valuesFromStatus(current), opel: 'unknown' as const, note: '' };
    const { update } = buildUpdate('RHU03', '2026-01-03T09:15', initial, values, now);
    expect(update.opel).toBeNull();
    expect(update.note).toBeNull();
  });

  it('refuses a time in the future and out-of-range figures, with field paths', () => {
    const initial = valuesFromStatus(current);
    const values = valuesFromStatus(current);
    values.metrics.fourHourPct = '140';
    values.note = 'x'.repeat(501);
    const built = buildUpdate('RHU03', '2026-01-03T12:00', initial, values, now);
    expect(built.errors).toEqual([{ path: 'observedAt', message: 'must not be in the future' }]);
    const issues = validateUpdate(built.update).map((issue) => issue.path);
    expect(issues).toEqual(expect.arrayContaining(['metrics.fourHourPct', 'note']));
  });

  it('refuses diverting a site to itself', () => {
    const initial = valuesFromStatus(current);
    const values = { ...valuesFromStatus(current), edStatus: 'divert' as const, divertTo: ['RHU03'] };
    const { update } = buildUpdate('RHU03', '2026-01-03T09:15', initial, values, now);
    expect(validateUpdate(update).map((issue) => fieldOf(issue.path))).toContain('ed.divertTo');
  });
});

describe('metricInput', () => {
  it('takes each input’s limits and hint from the shared ranges the API enforces', () => {
    expect(metricInput('fourHourPct')).toEqual({ min: 0, max: 100, step: 'any', hint: '0–100' });
    expect(metricInput('handoverDelaysOver60Min')).toEqual({ min: 0, max: 9999, step: '1', hint: '0 to below 10,000, whole number' });
    expect(metricInput('longestWaitHours')).toEqual({ min: 0, step: 'any', hint: '0 to below 10,000' });
  });
});
