import type { Alert, AlertEvent, BoardSnapshot, DerogationEvent, StatusEvent } from '@pb/shared';
import { applyDerogation, type DerogationMap } from './derogations';

/**
 * The board's whole-value parts as the client holds them: seq, "data as of", open alerts
 * and derogation requests. Immutable: every reducer returns a new object. Site statuses
 * are not here: they live one signal per site in a `SiteStore`, so a status event does
 * not copy every site.
 */
export interface BoardData {
  /** The last sequence number applied; -1 before anything has loaded. */
  seq: number;
  /** Time of the newest snapshot or event applied (ISO), shown as "Data as of". */
  asOf: string | null;
  /** Open alerts by id; an alert that has ended leaves the board. */
  alerts: Readonly<Record<string, Alert>>;
  /**
   * Derogation requests by id. The board snapshot does not carry them: they come from
   * `GET /derogations` after each snapshot and from `derogation` events.
   */
  derogations: DerogationMap;
}

export const EMPTY_BOARD: BoardData = Object.freeze({ seq: -1, asOf: null, alerts: {}, derogations: {} });

export function isLoaded(board: BoardData): boolean {
  return board.seq >= 0;
}

/**
 * The board's parts from a snapshot (`GET /board` or the `snapshot` event); its sites go
 * to a `SiteStore`. The snapshot has no derogation requests, so the ones held are kept
 * until they are reloaded.
 */
export function boardFromSnapshot(snapshot: BoardSnapshot, derogations: DerogationMap = {}): BoardData {
  const alerts: Record<string, Alert> = {};
  for (const alert of snapshot.alerts) if (!alert.endedAt) alerts[alert.id] = alert;
  return { seq: snapshot.seq, asOf: snapshot.asOf, alerts, derogations };
}

function later(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** What one `status` event does to the board's parts: seq and "data as of" move on. */
export function applyStatusEvent(board: BoardData, event: StatusEvent): BoardData {
  return { ...board, seq: Math.max(board.seq, event.seq), asOf: later(board.asOf, event.status.receivedAt ?? event.status.observedAt) };
}

/** Applies one `alert` event: raised, acknowledged (same id, new seq) or ended. */
export function applyAlertEvent(board: BoardData, event: AlertEvent): BoardData {
  const { seq, ...alert } = event;
  const alerts = { ...board.alerts };
  if (alert.endedAt) delete alerts[alert.id];
  else alerts[alert.id] = alert;
  return {
    seq: Math.max(board.seq, seq),
    asOf: later(board.asOf, alert.endedAt ?? alert.acknowledgedAt ?? alert.raisedAt),
    alerts,
    derogations: board.derogations,
  };
}

/** Applies one `derogation` event: a request created or moved to a new state. */
export function applyDerogationEvent(board: BoardData, event: DerogationEvent): BoardData {
  return {
    ...board,
    seq: Math.max(board.seq, event.seq),
    asOf: later(board.asOf, event.derogation.updatedAt),
    derogations: applyDerogation(board.derogations, event.derogation),
  };
}

/** Records that an event with no board content has been seen. */
export function advanceSeq(board: BoardData, seq: number): BoardData {
  return seq > board.seq ? { ...board, seq } : board;
}

/** Merges a derogation request the API returned (e.g. after a change) without moving `seq`. */
export function mergeDerogation(board: BoardData, derogation: DerogationEvent['derogation']): BoardData {
  const derogations = applyDerogation(board.derogations, derogation);
  return derogations === board.derogations ? board : { ...board, derogations };
}

/** Merges an alert the API returned (e.g. after acknowledging) without moving `seq`. */
export function mergeAlert(board: BoardData, alert: Alert): BoardData {
  const alerts = { ...board.alerts };
  if (alert.endedAt) delete alerts[alert.id];
  else alerts[alert.id] = { ...alerts[alert.id], ...alert };
  return { ...board, alerts };
}
