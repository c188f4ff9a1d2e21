import type { NormalisedUpdate, UpdateError } from '@pb/shared';

/** What every normaliser returns: the canonical updates it read, or why it could not. */
export type NormaliseResult = { ok: true; updates: NormalisedUpdate[] } | { ok: false; errors: UpdateError[] };

export function rejected(...errors: UpdateError[]): NormaliseResult {
  return { ok: false, errors };
}
