import { describe, expect, it } from 'vitest';
import { EMPTY_STATUS, type StoredStatus } from '../site-status.js';
import { alertChanges, alertConditionsOf } from './alerts.js';

const status = (partial: Partial<StoredStatus>): StoredStatus => ({ ...EMPTY_STATUS, ...partial });
const ed = (s: NonNullable<StoredStatus['ed']>['status'], divertTo: string[] = []) => ({ status: s, divertTo });

describe('alertConditionsOf (SPEC §5 alert kinds)', () => {
  it('holds none for an unknown or calm site', () => {
    expect([...alertConditionsOf(EMPTY_STATUS)]).toEqual([]);
    expect([...alertConditionsOf(status({ opel: 3, incident: { level: 'business_continuity' }, ed: ed('advisory') }))]).toEqual([]);
  });

  it('raises critical and major incidents, A&E closures and diverts', () => {
    expect([...alertConditionsOf(status({ incident: { level: 'critical' } }))]).toEqual(['critical_incident']);
    expect([...alertConditionsOf(status({ opel: 4, incident: { level: 'major' } }))]).toEqual(['major_incident']);
    expect([...alertConditionsOf(status({ ed: ed('closed', ['RHM01']) }))]).toEqual(['ed_closed']);
    expect([...alertConditionsOf(status({ ed: ed('divert', ['RHM01']) }))]).toEqual(['divert']);
  });

  it('raises escalation at severity 4 only, when no incident alert already explains it', () => {
    expect([...alertConditionsOf(status({ opel: 4 }))]).toEqual(['escalation']);
    expect([...alertConditionsOf(status({ opel: 4, ed: ed('closed') }))].sort()).toEqual(['ed_closed', 'escalation']);
    expect(alertConditionsOf(status({ opel: 3 })).has('escalation')).toBe(false);
    expect(alertConditionsOf(status({ opel: 4, incident: { level: 'critical' } })).has('escalation')).toBe(false);
  });

  it('raises escalation when a critical incident stands down but OPEL 4 remains', () => {
    const before = status({ opel: 4, incident: { level: 'critical' } });
    const after = status({ opel: 4, incident: { level: 'none', stoodDownAt: '2026-01-03T10:00:00Z' } });
    expect(alertChanges(before, after)).toEqual({ raised: ['escalation'], ended: ['critical_incident'] });
  });
});

describe('alertChanges', () => {
  it('raises what starts and ends what stops, leaving continuing conditions alone', () => {
    const before = status({ opel: 2, ed: ed('divert', ['RHM01']) });
    const after = status({ opel: 2, incident: { level: 'critical' }, ed: ed('open') });
    const { raised, ended } = alertChanges(before, after);
    expect(raised).toEqual(['critical_incident']);
    expect(ended).toEqual(['divert']);
  });

  it('changes nothing when the same conditions continue', () => {
    const before = status({ opel: 4, incident: { level: 'critical' } });
    const after = status({ opel: 3, incident: { level: 'critical', reason: 'still striking' } });
    expect(alertChanges(before, after)).toEqual({ raised: [], ended: [] });
  });

  it('ends the incident alerts when it is stood down', () => {
    const before = status({ opel: 2, incident: { level: 'major' } });
    const after = status({ opel: 2, incident: { level: 'none', stoodDownAt: '2026-01-03T10:00:00Z' } });
    expect(alertChanges(before, after)).toEqual({ raised: [], ended: ['major_incident'] });
  });

  it('moves from divert to closed as one ended and one raised', () => {
    expect(alertChanges(status({ ed: ed('divert') }), status({ ed: ed('closed') }))).toEqual({ raised: ['ed_closed'], ended: ['divert'] });
  });
});
