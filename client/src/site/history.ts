import type { CanonicalUpdate, SiteStatus, Source } from '@pb/shared';
import { ED_LABELS, INCIDENT_LABELS } from '../lib/feed';

/**
 * One entry of `GET /sites/:code/history`, newest first. An applied entry carries the
 * status it produced; a superseded one (older than the status it arrived after) carries
 * only the update it posted.
 */
export interface HistoryEntry {
  seq: number;
  state: 'applied' | 'superseded';
  observedAt: string;
  receivedAt: string;
  actor: string;
  updateId: string;
  source: Source;
  status?: SiteStatus;
  update?: Partial<CanonicalUpdate>;
}

/** An applied entry, which always has its status. */
export type AppliedEntry = HistoryEntry & { status: SiteStatus };

export function isApplied(entry: HistoryEntry): entry is AppliedEntry {
  return entry.state === 'applied' && entry.status !== undefined && entry.status !== null;
}

/** Words for what a superseded update posted, e.g. "OPEL 3, critical incident". */
export function describePostedUpdate(update: Partial<CanonicalUpdate> | undefined): string {
  if (!update) return 'details not recorded';
  const parts: string[] = [];
  const opel = update.opel !== undefined ? update.opel : update.reap;
  if (opel !== undefined) parts.push(opel === null ? 'OPEL unknown' : `OPEL ${opel}`);
  if (update.incident) parts.push(INCIDENT_LABELS[update.incident.level]);
  if (update.ed) parts.push(ED_LABELS[update.ed.status]);
  if (update.metrics && Object.keys(update.metrics).length > 0) parts.push(`${Object.keys(update.metrics).length} metric(s)`);
  if (update.note !== undefined) parts.push('note');
  return parts.length > 0 ? parts.join(', ') : 'no fields';
}

export type Axis = 'opel' | 'incident' | 'ed' | 'metrics' | 'note';

/** Where an axis's current value came from. */
export interface Provenance {
  source: Source | null;
  actor: string | null;
  observedAt: string | null;
  inferred: boolean;
}

function axisValue(status: SiteStatus, axis: Axis): string {
  return JSON.stringify(status[axis] ?? null);
}

/**
 * For each axis, the applied update that last changed it: walks the history from the
 * newest entry until the axis's value differs from the one before. Falls back to the
 * current status's own provenance when the history does not reach that far. Pure.
 */
export function axisProvenance(current: SiteStatus, entries: readonly HistoryEntry[]): Record<Axis, Provenance> {
  const applied = entries.filter(isApplied);
  const fallback: Provenance = { source: current.source, actor: current.actor, observedAt: current.observedAt, inferred: current.inferred };
  const result = {} as Record<Axis, Provenance>;
  for (const axis of ['opel', 'incident', 'ed', 'metrics', 'note'] as const) {
    result[axis] = fallback;
    for (let i = 0; i < applied.length; i++) {
      const entry = applied[i]!;
      const older = applied[i + 1];
      if (!older || axisValue(entry.status, axis) !== axisValue(older.status, axis)) {
        result[axis] = { source: entry.source, actor: entry.actor, observedAt: entry.observedAt, inferred: entry.status.inferred };
        break;
      }
    }
  }
  return result;
}

/** Entries observed within the last `hours` before `now`. */
export function recentEntries(entries: readonly HistoryEntry[], now: number, hours = 24): HistoryEntry[] {
  const from = now - hours * 3_600_000;
  return entries.filter((entry) => Date.parse(entry.receivedAt) >= from || Date.parse(entry.observedAt) >= from);
}
