import type { NormalisedUpdate, UpdateError } from '@pb/shared';

/**
 * What every normaliser returns: the canonical updates it read, or why it could not.
 *
 * Most inputs are one update with one result. A message whose parts stand alone (an
 * EDXL-HAVE message's hospitals, SPEC §10) also says which part each update came from
 * (`parts`, e.g. "Hospital[0]"), and `partErrors` holds the parts rejected on their
 * own: the others still apply. `updates` is empty only when the input deliberately
 * changes nothing (a CSV row whose every value is blank).
 */
export type NormaliseResult =
  | { ok: true; updates: NormalisedUpdate[]; parts?: string[]; partErrors?: UpdateError[] }
  | { ok: false; errors: UpdateError[] };

export function rejected(...errors: UpdateError[]): NormaliseResult {
  return { ok: false, errors };
}
