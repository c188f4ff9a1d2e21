import type { StoredStatus } from '../site-status.js';
import type { AlertKind } from '../events.js';
import { severityOf } from './severity.js';

/**
 * The alert conditions a status holds (SPEC §5). An alert is raised when its
 * condition starts and ends when the condition stops holding.
 */
export function alertConditionsOf(status: StoredStatus): Set<AlertKind> {
  const kinds = new Set<AlertKind>();
  if (status.incident?.level === 'critical') kinds.add('critical_incident');
  if (status.incident?.level === 'major') kinds.add('major_incident');
  if (status.ed?.status === 'closed') kinds.add('ed_closed');
  if (status.ed?.status === 'divert') kinds.add('divert');
  // Escalation is severity 4 that no incident alert already explains (OPEL 4): a
  // critical incident alone should not sound two alarms for one event.
  if (severityOf(status) === 4 && !kinds.has('critical_incident') && !kinds.has('major_incident')) kinds.add('escalation');
  return kinds;
}

/** Which alert conditions start and which end between two statuses. */
export function alertChanges(previous: StoredStatus, next: StoredStatus): { raised: AlertKind[]; ended: AlertKind[] } {
  const before = alertConditionsOf(previous);
  const after = alertConditionsOf(next);
  return {
    raised: [...after].filter((kind) => !before.has(kind)),
    ended: [...before].filter((kind) => !after.has(kind)),
  };
}
