import { describe, expect, it } from 'vitest';
import type { CanonicalUpdate, NormalisedUpdate, Source } from '../canonical-update.js';
import { EMPTY_STATUS, type StoredStatus } from '../site-status.js';
import { isSuperseded, mergeStatusUpdate, type UpdateOrigin } from './merge.js';

const T0 = '2026-01-03T09:00:00.000Z';
const T1 = '2026-01-03T10:00:00.000Z';
const T2 = '2026-01-03T11:00:00.000Z';

function normalised(update: Omit<CanonicalUpdate, 'observedAt'> & { observedAt?: string }, source: Source = 'api', inferred = false): NormalisedUpdate {
  return { update: { observedAt: T1, ...update }, source, inferred };
}

function origin(updateId = 'u_1', actor = 'Portsmouth EPRR'): UpdateOrigin {
  return { updateId, actor, receivedAt: '2026-01-03T10:00:05.000Z' };
}

/** Applies updates in order from an empty status. */
function mergeAll(...updates: NormalisedUpdate[]): StoredStatus {
  return updates.reduce((status, update, index) => mergeStatusUpdate(status, update, origin(`u_${index}`)), EMPTY_STATUS);
}

describe('mergeStatusUpdate (SPEC §10: a field not named is left as it is)', () => {
  it('fills the provenance of the new status from the update and its origin', () => {
    const next = mergeStatusUpdate(EMPTY_STATUS, normalised({ site: 'RHU03', opel: 2 }, 'text', true), origin('u_abc', 'Ward manager'));
    expect(next).toEqual({
      ...EMPTY_STATUS,
      opel: 2,
      observedAt: T1,
      receivedAt: '2026-01-03T10:00:05.000Z',
      source: 'text',
      actor: 'Ward manager',
      inferred: true,
      updateId: 'u_abc',
    });
  });

  it('changes only the fields a partial update names', () => {
    const start = mergeAll(normalised({
      site: 'RHU03', observedAt: T0, opel: 3, note: 'first',
      incident: { level: 'business_continuity', reason: 'IT outage' },
      ed: { status: 'advisory', reason: 'busy' },
    }));
    const next = mergeStatusUpdate(start, normalised({ site: 'RHU03', metrics: { fourHourPct: 61.2 } }), origin('u_2'));
    expect(next).toMatchObject({
      opel: 3, note: 'first',
      incident: { level: 'business_continuity', reason: 'IT outage', declaredAt: T0 },
      ed: { status: 'advisory', divertTo: [], reason: 'busy' },
      metrics: { fourHourPct: 61.2 },
      observedAt: T1, updateId: 'u_2',
    });
  });

  it('never mutates the current status', () => {
    const start = mergeAll(normalised({ site: 'RHU03', opel: 1, metrics: { handoverMeanMin: 30 } }));
    const copy = structuredClone(start);
    mergeStatusUpdate(start, normalised({ site: 'RHU03', opel: 4, metrics: { handoverMeanMin: 90 }, note: 'x' }), origin());
    expect(start).toEqual(copy);
    expect(EMPTY_STATUS.metrics).toEqual({});
  });

  it('merges metrics one by one', () => {
    const status = mergeAll(
      normalised({ site: 'RHU03', observedAt: T0, metrics: { handoverMeanMin: 95, fourHourPct: 61.2 } }),
      normalised({ site: 'RHU03', observedAt: T1, metrics: { fourHourPct: 70, longestWaitHours: 11 } }),
    );
    expect(status.metrics).toEqual({ handoverMeanMin: 95, fourHourPct: 70, longestWaitHours: 11 });
  });

  it('takes reap as the opel level, and opel: null clears it', () => {
    expect(mergeAll(normalised({ site: 'RYC', reap: 4 }, 'reap')).opel).toBe(4);
    expect(mergeAll(normalised({ site: 'RHU03', opel: 3 }), normalised({ site: 'RHU03', opel: null })).opel).toBeNull();
  });

  it('sets and clears the note only when named', () => {
    expect(mergeAll(normalised({ site: 'RHU03', note: 'a' }), normalised({ site: 'RHU03', opel: 2 })).note).toBe('a');
    expect(mergeAll(normalised({ site: 'RHU03', note: 'a' }), normalised({ site: 'RHU03', note: null })).note).toBeNull();
  });

  it('keeps declaredAt (and the reason) while the same incident level continues', () => {
    const status = mergeAll(
      normalised({ site: 'RHU03', observedAt: T0, incident: { level: 'critical', reason: 'industrial action' } }),
      normalised({ site: 'RHU03', observedAt: T1, incident: { level: 'critical' } }),
      normalised({ site: 'RHU03', observedAt: T2, opel: 4 }),
    );
    expect(status.incident).toEqual({ level: 'critical', reason: 'industrial action', declaredAt: T0 });
  });

  it('restarts declaredAt when the level changes, and honours an explicit declaredAt', () => {
    const escalated = mergeAll(
      normalised({ site: 'RHU03', observedAt: T0, incident: { level: 'business_continuity', reason: 'IT outage' } }),
      normalised({ site: 'RHU03', observedAt: T1, incident: { level: 'critical' } }),
    );
    expect(escalated.incident).toEqual({ level: 'critical', declaredAt: T1 });
    const explicit = mergeAll(normalised({ site: 'RHU03', observedAt: T1, incident: { level: 'major', declaredAt: T0 } }));
    expect(explicit.incident).toEqual({ level: 'major', declaredAt: T0 });
  });

  it('stands an incident down with stoodDownAt = observedAt', () => {
    const status = mergeAll(
      normalised({ site: 'RHU03', observedAt: T0, incident: { level: 'critical', reason: 'industrial action' } }),
      normalised({ site: 'RHU03', observedAt: T2, incident: { level: 'none', reason: 'staff returned' } }),
    );
    expect(status.incident).toEqual({ level: 'none', reason: 'staff returned', stoodDownAt: T2 });
    // Nothing to stand down: no stoodDownAt.
    expect(mergeAll(normalised({ site: 'RHU03', incident: { level: 'none' } })).incident).toEqual({ level: 'none' });
  });

  it('keeps divertTo only while diverting or closed, de-duplicated', () => {
    const diverting = mergeAll(normalised({ site: 'RHU03', ed: { status: 'divert', divertTo: ['RHM01', 'RHM01', 'RN506'], reason: 'no cubicles', until: T2 } }));
    expect(diverting.ed).toEqual({ status: 'divert', divertTo: ['RHM01', 'RN506'], reason: 'no cubicles', until: T2 });
    const reopened = mergeStatusUpdate(diverting, normalised({ site: 'RHU03', observedAt: T2, ed: { status: 'open', divertTo: ['RHM01'] } }), origin());
    expect(reopened.ed).toEqual({ status: 'open', divertTo: [] });
    const closed = mergeAll(normalised({ site: 'RHU03', ed: { status: 'closed', divertTo: ['RHM01'] } }));
    expect(closed.ed?.divertTo).toEqual(['RHM01']);
  });
});

describe('isSuperseded (SPEC §10: older goes to history, equal applies)', () => {
  const current: StoredStatus = { ...EMPTY_STATUS, opel: 2, observedAt: T1 };

  it('supersedes only an update observed strictly before the current status', () => {
    expect(isSuperseded(current, T0)).toBe(true);
    expect(isSuperseded(current, T1)).toBe(false);
    expect(isSuperseded(current, T2)).toBe(false);
  });

  it('compares instants, not strings, across zones and precision', () => {
    expect(isSuperseded(current, '2026-01-03T10:00:00Z')).toBe(false);
    expect(isSuperseded(current, '2026-01-03T10:00:00+00:00')).toBe(false);
    expect(isSuperseded(current, '2026-01-03T10:30:00+01:00')).toBe(true);
    expect(isSuperseded(current, '2026-01-03T09:59:59.999Z')).toBe(true);
  });

  it('never supersedes the first update of a site', () => {
    expect(isSuperseded(EMPTY_STATUS, '1990-01-01T00:00:00Z')).toBe(false);
  });
});
