import type { StoredStatus } from '../site-status.js';

export type Severity = 0 | 1 | 2 | 3 | 4;

/**
 * Severity for display and alerting (SPEC §2):
 * max(opel, 4 if a critical or major incident, 3 if A&E closed); 0 means unknown.
 */
export function severityOf(status: Pick<StoredStatus, 'opel' | 'incident' | 'ed'>): Severity {
  let severity = status.opel ?? 0;
  const incident = status.incident?.level;
  if (incident === 'critical' || incident === 'major') severity = Math.max(severity, 4);
  if (status.ed?.status === 'closed') severity = Math.max(severity, 3);
  return severity as Severity;
}

/** Default stale window: a site not updated for 6 hours is stale (SPEC §2). */
export const DEFAULT_STALE_AFTER_MINUTES = 360;

/** A site that has never reported is unknown, not stale. */
export function isStale(observedAt: string | null, now: number, staleAfterMinutes: number): boolean {
  if (observedAt === null) return false;
  return now - Date.parse(observedAt) > staleAfterMinutes * 60_000;
}

const INCIDENT_WORDS = {
  none: '',
  business_continuity: 'business continuity incident',
  critical: 'critical incident',
  major: 'major incident',
} as const;

const ED_WORDS = {
  open: '',
  advisory: 'A&E on advisory',
  divert: 'A&E diverting',
  closed: 'A&E closed',
  not_applicable: '',
} as const;

/**
 * The words a screen reader hears for a site (SPEC §10), e.g.
 * "OPEL 4, critical incident, A&E diverting".
 */
export function severityWords(status: Pick<StoredStatus, 'opel' | 'incident' | 'ed'> & { stale?: boolean }): string {
  const parts: string[] = [];
  parts.push(status.opel === null ? 'OPEL unknown' : `OPEL ${status.opel}`);
  const incident = status.incident ? INCIDENT_WORDS[status.incident.level] : '';
  if (incident) parts.push(incident);
  const ed = status.ed ? ED_WORDS[status.ed.status] : '';
  if (ed) parts.push(ed);
  if (status.stale) parts.push('stale');
  if (status.opel === null && !incident && !ed && !status.stale) return 'no status reported';
  return parts.join(', ');
}
