import type { Alert, AlertEvent, BoardSnapshot, SiteStatus, StatusEvent } from '@pb/shared';

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
}

export const EMPTY_BOARD: BoardData = Object.freeze({ seq: -1, asOf: null, sites: {}, alerts: {} });

export function isLoaded(board: BoardData): boolean {
  return board.seq >= 0;
}

/** Replaces the board with a snapshot (from `GET /board` or the `snapshot` event). */
export function boardFromSnapshot(snapshot: BoardSnapshot): BoardData {
  const sites: Record<string, SiteStatus> = {};
  for (const status of snapshot.sites) sites[status.site] = status;
  const alerts: Record<string, Alert> = {};
  for (const alert of snapshot.alerts) if (!alert.endedAt) alerts[alert.id] = alert;
  return { seq: snapshot.seq, asOf: snapshot.asOf, sites, alerts };
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
  };
}

/** Records that an event with no board content (e.g. a derogation) has been seen. */
export function advanceSeq(board: BoardData, seq: number): BoardData {
  return seq > board.seq ? { ...board, seq } : board;
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
