import type { Alert, AlertEvent, BoardSnapshot, DerogationEvent, SiteStatus, StatusEvent } from '@pb/shared';
import { applyDerogation, type DerogationMap } from './derogations';

/**
 * The board as the client holds it. Immutable: every reducer returns a new object and
 * shares the untouched site statuses, so keyed lists re-render only what changed.
 */
export interface BoardData {
  /** The last sequence number applied; -1 before anything has loaded. */
  seq: number;
  /** Time of the newest snapshot or event applied (ISO), shown as "Data as of". */
  asOf: string | null;
  sites: Readonly<Record<string, SiteStatus>>;
  /** Open alerts by id; an alert that has ended leaves the board. */
  alerts: Readonly<Record<string, Alert>>;
  /**
   * Derogation requests by id. The board snapshot does not carry them: they come from
   * `GET /derogations` after each snapshot and from `derogation` events.
   */
  derogations: DerogationMap;
}

export const EMPTY_BOARD: BoardData = Object.freeze({ seq: -1, asOf: null, sites: {}, alerts: {}, derogations: {} });

export function isLoaded(board: BoardData): boolean {
  return board.seq >= 0;
}

/**
 * Replaces the board with a snapshot (from `GET /board` or the `snapshot` event). The
 * snapshot has no derogation requests, so the ones held are kept until they are reloaded.
 */
export function boardFromSnapshot(snapshot: BoardSnapshot, derogations: DerogationMap = {}): BoardData {
  const sites: Record<string, SiteStatus> = {};
  for (const status of snapshot.sites) sites[status.site] = status;
  const alerts: Record<string, Alert> = {};
  for (const alert of snapshot.alerts) if (!alert.endedAt) alerts[alert.id] = alert;
  return { seq: snapshot.seq, asOf: snapshot.asOf, sites, alerts, derogations };
}

function later(a: string | null, b: string | null | undefined): string | null {
  if (!b) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** Applies one `status` event. The caller has already decided the seq is next in line. */
export function applyStatusEvent(board: BoardData, event: StatusEvent): BoardData {
  return {
    seq: Math.max(board.seq, event.seq),
    asOf: later(board.asOf, event.status.receivedAt ?? event.status.observedAt),
    sites: { ...board.sites, [event.site]: event.status },
    alerts: board.alerts,
    derogations: board.derogations,
  };
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
    sites: board.sites,
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

export type SeqDecision = 'apply' | 'duplicate' | 'gap';

/**
 * What to do with an event numbered `seq` when `lastSeq` is the last one applied
 * (SPEC §5). Seqs are global and gap-free, so on an unfiltered subscription anything
 * beyond the next number means events were missed; a region-filtered subscription
 * legitimately skips numbers, so it only drops what it has already seen.
 */
export function sequenceDecision(lastSeq: number, seq: number, filtered: boolean): SeqDecision {
  if (seq <= lastSeq) return 'duplicate';
  if (!filtered && lastSeq >= 0 && seq > lastSeq + 1) return 'gap';
  return 'apply';
}

/** Open alerts, newest first; unacknowledged ones before acknowledged. */
export function sortedAlerts(alerts: Readonly<Record<string, Alert>>): Alert[] {
  return Object.values(alerts).sort((a, b) => {
    const ackA = a.acknowledgedAt ? 1 : 0;
    const ackB = b.acknowledgedAt ? 1 : 0;
    if (ackA !== ackB) return ackA - ackB;
    return Date.parse(b.raisedAt) - Date.parse(a.raisedAt);
  });
}
