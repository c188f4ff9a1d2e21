import { describe, expect, it } from 'vitest';
import type { AlertEvent, BoardSnapshot } from '@pb/shared';
import { derogation, siteStatus } from './test-fixtures';
import { applyAlertEvent, applyDerogationEvent, applyStatusEvent, boardFromSnapshot, EMPTY_BOARD, mergeAlert, mergeDerogation } from './board-reducer';

const snapshot: BoardSnapshot = {
  seq: 10,
  asOf: '2026-01-03T09:00:00.000Z',
  sites: [siteStatus('RHU03'), siteStatus('RHU01')],
  alerts: [{ id: 'a1', kind: 'critical_incident', site: 'RHU03', region: 'Y59', raisedAt: '2026-01-03T08:00:00.000Z' }],
};

describe('board reducers', () => {
  it('builds a board from a snapshot, leaving ended alerts out', () => {
    const board = boardFromSnapshot({ ...snapshot, alerts: [...snapshot.alerts, { id: 'a2', kind: 'divert', site: 'RHU01', region: 'Y59', raisedAt: '2026-01-03T08:00:00Z', endedAt: '2026-01-03T08:30:00Z' }] });
    expect(board.seq).toBe(10);
    expect(Object.keys(board.alerts)).toEqual(['a1']);
  });

  it('moves seq and "data as of" on a status event, leaving the old board as it was', () => {
    const board = boardFromSnapshot(snapshot);
    const next = applyStatusEvent(board, { seq: 11, site: 'RHU03', status: siteStatus('RHU03', { opel: 4, severity: 4, receivedAt: '2026-01-03T09:05:00.000Z' }) });
    expect(next.seq).toBe(11);
    expect(next.asOf).toBe('2026-01-03T09:05:00.000Z');
    expect(next.alerts).toBe(board.alerts);
    expect(board.seq).toBe(10);
  });

  it('acknowledges and ends alerts', () => {
    const board = boardFromSnapshot(snapshot);
    const raised = snapshot.alerts[0]!;
    const acked: AlertEvent = { ...raised, seq: 11, acknowledgedBy: 'Director', acknowledgedAt: '2026-01-03T09:10:00.000Z' };
    const afterAck = applyAlertEvent(board, acked);
    expect(afterAck.alerts['a1']?.acknowledgedBy).toBe('Director');
    const afterEnd = applyAlertEvent(afterAck, { ...acked, seq: 12, endedAt: '2026-01-03T10:00:00.000Z' });
    expect(afterEnd.alerts['a1']).toBeUndefined();
    expect(afterEnd.seq).toBe(12);
  });

  it('merges an acknowledgement from the API without moving seq', () => {
    const board = boardFromSnapshot(snapshot);
    const merged = mergeAlert(board, { ...snapshot.alerts[0]!, acknowledgedBy: 'D', acknowledgedAt: '2026-01-03T09:10:00Z' });
    expect(merged.seq).toBe(10);
    expect(merged.alerts['a1']?.acknowledgedBy).toBe('D');
  });

  it('starts empty', () => {
    expect(EMPTY_BOARD.seq).toBe(-1);
  });
});

describe('derogation requests on the board', () => {
  it('applies a derogation event by id and moves seq', () => {
    const board = boardFromSnapshot(snapshot);
    const created = applyDerogationEvent(board, { seq: 11, derogation: derogation('d1') });
    expect(created.seq).toBe(11);
    expect(created.derogations.d1?.state).toBe('submitted');
    expect(created.alerts).toBe(board.alerts);
    const reviewed = applyDerogationEvent(created, { seq: 12, derogation: derogation('d1', {}, ['under_review']) });
    expect(reviewed.derogations.d1?.state).toBe('under_review');
    expect(created.derogations.d1?.state).toBe('submitted');
  });

  it('keeps the requests through a snapshot, which does not carry them', () => {
    const held = applyDerogationEvent(boardFromSnapshot(snapshot), { seq: 11, derogation: derogation('d1') });
    expect(boardFromSnapshot({ ...snapshot, seq: 20 }, held.derogations).derogations.d1).toBeDefined();
    expect(boardFromSnapshot(snapshot).derogations).toEqual({});
  });

  it('merges a PATCH answer without moving seq, and not over a newer event', () => {
    const board = applyDerogationEvent(boardFromSnapshot(snapshot), { seq: 11, derogation: derogation('d1', {}, ['under_review', 'approved']) });
    expect(mergeDerogation(board, derogation('d1', {}, ['under_review']))).toBe(board);
    const revoked = mergeDerogation(board, derogation('d1', {}, ['under_review', 'approved', 'revoked']));
    expect(revoked.seq).toBe(11);
    expect(revoked.derogations.d1?.state).toBe('revoked');
  });
});
