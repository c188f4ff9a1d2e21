import { MAX_FUTURE_SKEW_MS, type NormalisedUpdate, type UpdateError, type UpdateJob } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { normaliseCanonicalJson } from './canonical-json.js';
import { normaliseCsvRow } from './csv-row.js';
import { normaliseEdxlHave } from './edxl-have.js';
import { normaliseFreeText } from './free-text.js';
import { rejected, type NormaliseResult } from './result.js';

export type { NormaliseResult } from './result.js';

/** The one normaliser for each input format (SPEC §6). */
function normaliseByFormat(job: UpdateJob, reference: ReferenceData): NormaliseResult {
  switch (job.format) {
    case 'json':
      return normaliseCanonicalJson(job.body, job.source, job.receivedAt);
    case 'text':
      return normaliseFreeText(job.body, job.site, job.receivedAt, reference);
    case 'csv-row':
      return normaliseCsvRow(job.header, job.body, job.receivedAt, reference);
    case 'edxl-have':
      return normaliseEdxlHave(job.body, reference);
    case 'opel':
      // Bare {"site","opel"} / {"site","reap"} JSON (with the six ED parameters as metrics) is canonical JSON.
      return normaliseCanonicalJson(job.body, job.source, job.receivedAt);
  }
}

/**
 * Normalises one job to canonical updates and checks them against the reference data
 * and the poster's rights. Never throws for bad input: every problem becomes a reason.
 * An update that fails the checks rejects the job, unless it is a part that stands
 * alone (a hospital of an EDXL-HAVE message): then only that part is rejected.
 */
export function normaliseUpdateJob(job: UpdateJob, reference: ReferenceData, now: number): NormaliseResult {
  let result: NormaliseResult;
  try {
    result = normaliseByFormat(job, reference);
  } catch (error) {
    return rejected({ message: `could not read the ${job.format} input: ${(error as Error).message}` });
  }
  if (!result.ok) return result;
  const { updates, parts } = result;
  if (!parts) {
    const errors = updates.flatMap((normalised, index) => checkAgainstReference(normalised, job, reference, now, updates.length > 1 ? `[${index}]` : ''));
    return errors.length ? rejected(...errors) : result;
  }
  const kept: NormalisedUpdate[] = [];
  const keptParts: string[] = [];
  const partErrors = [...(result.partErrors ?? [])];
  updates.forEach((normalised, index) => {
    const part = parts[index] ?? `[${index}]`;
    const errors = checkAgainstReference(normalised, job, reference, now, `${part}.`);
    if (errors.length > 0) {
      partErrors.push(...errors.map((error) => ({ ...error, message: `${normalised.update.site}: ${error.message}` })));
    } else {
      kept.push(normalised);
      keptParts.push(part);
    }
  });
  if (kept.length === 0) return rejected(...partErrors);
  return { ok: true, updates: kept, parts: keptParts, partErrors };
}

function checkAgainstReference(normalised: NormalisedUpdate, job: UpdateJob, reference: ReferenceData, now: number, at: string): UpdateError[] {
  const { update } = normalised;
  const errors: UpdateError[] = [];
  const site = reference.byCode.get(update.site);
  if (!site) {
    errors.push({ path: `${at}site`, message: `unknown site code ${update.site}` });
  } else if (job.trusts && !job.trusts.includes(site.trust)) {
    errors.push({ path: `${at}site`, message: `this key may not post for ${update.site} (trust ${site.trust})` });
  }
  for (const code of update.ed?.divertTo ?? []) {
    if (!reference.byCode.has(code)) errors.push({ path: `${at}ed.divertTo`, message: `unknown site code ${code}` });
  }
  if (Date.parse(update.observedAt) > now + MAX_FUTURE_SKEW_MS) {
    errors.push({ path: `${at}observedAt`, message: 'is more than 5 minutes in the future' });
  }
  return errors;
}
