import type { Alert, AlertKind } from '@pb/shared';

/**
 * How loud each kind of alert is, loudest first. The first three ring until a director
 * acknowledges them (SPEC §7); the rest are listed after them.
 */
export const ALERT_LOUDNESS: readonly AlertKind[] = ['major_incident', 'critical_incident', 'ed_closed', 'divert', 'escalation', 'until_expired', 'stale'];

/** Kinds that ring until acknowledged (SPEC §7). */
export const LOUD_KINDS: ReadonlySet<AlertKind> = new Set(['critical_incident', 'major_incident', 'ed_closed']);

const rank = new Map(ALERT_LOUDNESS.map((kind, index) => [kind, index]));

/**
 * Open alerts in the order a director should see them: unacknowledged before
 * acknowledged, then the loudest kind first, then the newest. Pure.
 */
export function rankAlerts(alerts: Iterable<Alert>): Alert[] {
  return [...alerts].sort((a, b) => {
    const ackA = a.acknowledgedAt ? 1 : 0;
    const ackB = b.acknowledgedAt ? 1 : 0;
    if (ackA !== ackB) return ackA - ackB;
    const loud = (rank.get(a.kind) ?? ALERT_LOUDNESS.length) - (rank.get(b.kind) ?? ALERT_LOUDNESS.length);
    if (loud !== 0) return loud;
    return Date.parse(b.raisedAt) - Date.parse(a.raisedAt) || a.id.localeCompare(b.id);
  });
}

/** How many alerts of each kind, loudest kind first, leaving out kinds with none. */
export function countByKind(alerts: Iterable<Alert>): { kind: AlertKind; count: number }[] {
  const counts = new Map<AlertKind, number>();
  for (const alert of alerts) counts.set(alert.kind, (counts.get(alert.kind) ?? 0) + 1);
  return ALERT_LOUDNESS.filter((kind) => counts.has(kind)).map((kind) => ({ kind, count: counts.get(kind)! }));
}
