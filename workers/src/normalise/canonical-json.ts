import { canonicalUpdateSchema, issuesToDetails, type Source } from '@pb/shared';
import { rejected, type NormaliseResult } from './result.js';

const OPEL_ONLY_FIELDS = new Set(['site', 'observedAt', 'opel', 'metrics']);

/**
 * Canonical JSON (form and API). The server validated it before the 202; it is
 * validated again here because `job.data` is a boundary too.
 */
export function normaliseCanonicalJson(body: unknown, source: Source, receivedAt: string): NormaliseResult {
  const parsed = canonicalUpdateSchema.safeParse(body);
  if (!parsed.success) return rejected(...issuesToDetails(parsed.error.issues));
  const update = parsed.data;
  const keys = Object.keys(body as object);
  // A bare OPEL or REAP number is recorded as such, so the board can say where a level came from.
  const effectiveSource: Source =
    update.reap !== undefined ? 'reap' : source === 'api' && update.opel != null && keys.every((key) => OPEL_ONLY_FIELDS.has(key)) ? 'opel' : source;
  return {
    ok: true,
    updates: [{ update: { ...update, observedAt: update.observedAt ?? receivedAt }, source: effectiveSource, inferred: false }],
  };
}
