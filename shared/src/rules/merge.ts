import type { NormalisedUpdate } from '../canonical-update.js';
import type { StoredStatus } from '../site-status.js';

/** Who and what an update came from, recorded on the stored status. */
export interface UpdateOrigin {
  updateId: string;
  actor: string;
  receivedAt: string;
}

/**
 * Applies a partial update to a site's stored status (SPEC §10): only the fields the
 * update names change. Metrics merge one by one; an incident keeps its original
 * `declaredAt` while the same level continues; `{"level": "none"}` stands it down.
 * Pure: returns a new object and never mutates `current`.
 */
export function mergeStatusUpdate(current: StoredStatus, normalised: NormalisedUpdate, origin: UpdateOrigin): StoredStatus {
  const { update } = normalised;
  const next: StoredStatus = {
    ...current,
    metrics: { ...current.metrics },
    observedAt: update.observedAt,
    receivedAt: origin.receivedAt,
    source: normalised.source,
    actor: origin.actor,
    inferred: normalised.inferred,
    updateId: origin.updateId,
  };

  const opel = update.opel !== undefined ? update.opel : update.reap;
  if (opel !== undefined) next.opel = opel;

  if (update.incident) {
    const { level, reason, declaredAt } = update.incident;
    const previous = current.incident;
    if (level === 'none') {
      next.incident = previous && previous.level !== 'none'
        ? { level: 'none', ...(reason ? { reason } : {}), stoodDownAt: update.observedAt }
        : { level: 'none', ...(reason ? { reason } : {}) };
    } else {
      const continuing = previous?.level === level;
      next.incident = {
        level,
        ...(reason ?? (continuing ? previous?.reason : undefined) ? { reason: reason ?? previous?.reason } : {}),
        declaredAt: declaredAt ?? (continuing && previous?.declaredAt ? previous.declaredAt : update.observedAt),
      };
    }
  }

  if (update.ed) {
    const { status, divertTo, reason, until } = update.ed;
    next.ed = {
      status,
      // Where patients go only means something while diverting or closed.
      divertTo: status === 'divert' || status === 'closed' ? [...new Set(divertTo ?? [])] : [],
      ...(reason ? { reason } : {}),
      ...(until ? { until } : {}),
    };
  }

  if (update.metrics) {
    for (const [name, value] of Object.entries(update.metrics)) {
      if (value !== undefined) (next.metrics as Record<string, number>)[name] = value;
    }
  }

  if (update.note !== undefined) next.note = update.note;
  return next;
}

/**
 * An update observed before the site's current status only goes to history
 * (`superseded`); an equal time applies (SPEC §10).
 */
export function isSuperseded(current: StoredStatus, observedAt: string): boolean {
  return current.observedAt !== null && Date.parse(observedAt) < Date.parse(current.observedAt);
}
