import { mayPostFor, odsCode, type CanonicalUpdate } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import type { Caller } from '../auth/authenticate.js';
import { ApiError, badRequest, forbidden, type ErrorDetail } from '../http/api-error.js';
import type { JobDraft } from './enqueue-updates.js';
import type { BodyRead, CsvRowError } from './read-update-body.js';

export interface Drafts {
  jobs: JobDraft[];
  rowErrors: CsvRowError[];
}

/** Turns a read body into job drafts, checking what needs the reference data and the caller's rights. */
export function draftUpdates(body: BodyRead, caller: Caller, reference: ReferenceData, siteParam: string | undefined, requestId?: string): Drafts {
  const base = {
    ...(requestId ? { requestId } : {}),
    keyId: caller.id,
    actor: caller.label,
    receivedAt: new Date().toISOString(),
    ...(caller.role === 'trust' ? { trusts: caller.trusts ?? [] } : {}),
  };
  switch (body.kind) {
    case 'json':
      checkJsonUpdates(body.updates, body.isArray, caller, reference);
      return {
        jobs: body.updates.map((update) => ({
          ...base,
          format: 'json',
          source: caller.viaSession ? 'form' : 'api',
          body: update,
          // Recorded on the update, so a director's read of it can be checked against their regions.
          site: update.site,
        })),
        rowErrors: [],
      };
    case 'text':
      return { jobs: [{ ...base, format: 'text', source: 'text', body: body.text, site: textSite(siteParam, caller, reference) }], rowErrors: [] };
    case 'csv':
      return { jobs: body.rows.map(({ row, cells }) => ({ ...base, format: 'csv-row', source: 'csv', body: cells, header: body.header, row })), rowErrors: body.rowErrors };
    case 'xml':
      return { jobs: [{ ...base, format: 'edxl-have', source: 'edxl-have', body: body.text }], rowErrors: [] };
  }
}

/** Canonical JSON is checked whole before the 202: an array is accepted or refused as one. */
function checkJsonUpdates(updates: CanonicalUpdate[], isArray: boolean, caller: Caller, reference: ReferenceData): void {
  const unknownSites: ErrorDetail[] = [];
  const notAllowed: string[] = [];
  updates.forEach((update, index) => {
    const prefix = isArray ? `[${index}].` : '';
    const site = reference.byCode.get(update.site);
    if (!site) unknownSites.push({ path: `${prefix}site`, message: `unknown site code ${update.site}` });
    else if (!mayPostFor(caller, site)) notAllowed.push(`${update.site} (trust ${site.trust})`);
    for (const code of update.ed?.divertTo ?? []) {
      if (!reference.byCode.has(code)) unknownSites.push({ path: `${prefix}ed.divertTo`, message: `unknown site code ${code}` });
    }
  });
  if (unknownSites.length) throw new ApiError(422, 'unknown_site', 'The update names a site that is not in the reference data; nothing was queued.', unknownSites);
  if (notAllowed.length) throw forbidden(`This key may not post for ${notAllowed.join(', ')}; nothing was queued.`);
}

/** Free text is about the site named in `?site=`. */
function textSite(siteParam: string | undefined, caller: Caller, reference: ReferenceData): string {
  if (!siteParam) throw badRequest('Free text needs the site it is about: add ?site=<ODS site code>.', [{ path: 'site', message: 'is required' }]);
  const code = odsCode.safeParse(siteParam);
  if (!code.success) throw badRequest('The site is not an ODS code.', [{ path: 'site', message: code.error.issues[0]!.message }]);
  const site = reference.byCode.get(code.data);
  if (!site) throw new ApiError(422, 'unknown_site', `Unknown site code ${code.data}.`, [{ path: 'site', message: `unknown site code ${code.data}` }]);
  if (!mayPostFor(caller, site)) throw forbidden(`This key may not post for ${site.code} (trust ${site.trust}).`);
  return site.code;
}
