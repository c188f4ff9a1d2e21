import express, { Router, type Request } from 'express';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Redis } from 'ioredis';
import {
  canonicalUpdateSchema,
  issuesToDetails,
  MAX_FUTURE_SKEW_MS,
  MAX_UPDATES_PER_POST,
  mayPostFor,
  POSTING_ROLES,
  odsCode,
  type RedisKeys,
  type UpdateResult,
  type UpdateState,
} from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { readableRegions, requireRole, type Caller } from '../auth/authenticate.js';
import { ApiError, badRequest, forbidden, notFound, type ErrorDetail } from '../http/api-error.js';
import { parseJsonBody } from '../ingest/parse-json-body.js';
import type { JobDraft, QueuedUpdate, UpdateEnqueuer } from '../ingest/enqueue-updates.js';
import type { Counter } from 'prom-client';

export interface UpdatesRouteDeps {
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  enqueuer: UpdateEnqueuer;
  postedCounter: Counter<'format'>;
}

/** SPEC §10: bodies over 5 MB are refused with 413. */
const BODY_LIMIT = '5mb';
const MAX_TEXT_CHARS = 5000;

/** `POST /updates` and `GET /updates/:id` (SPEC §4). */
export function updatesRouter(deps: UpdatesRouteDeps): Router {
  const router = Router();

  router.post(
    '/updates',
    requireRole(...POSTING_ROLES),
    // Every accepted content type is read as text first: the raw body is what the
    // idempotency check compares, and what free text, CSV and XML normalisers read.
    express.text({ type: () => true, limit: BODY_LIMIT }),
    async (req, res) => {
      const caller = req.caller!;
      const body = typeof req.body === 'string' ? req.body : '';
      const idempotencyKey = readIdempotencyKey(req);
      const drafts = draftsFor(req, caller, body, deps);
      const rowErrors = drafts.rowErrors;
      if (drafts.jobs.length === 0) throw badRequest('No row of the CSV could be read.', rowErrors.flatMap((r) => r.errors.map((e) => ({ path: `row ${r.row}`, message: e.message }))));
      const queued = await deps.enqueuer.enqueue(drafts.jobs, caller.id, idempotencyKey, `${req.get('content-type') ?? ''}\n${body}`);
      deps.postedCounter.inc({ format: drafts.jobs[0]!.format }, queued.length);
      const updates: (QueuedUpdate | { row: number; state: 'rejected'; errors: { message: string }[] })[] = [...queued, ...rowErrors.map((r) => ({ row: r.row, state: 'rejected' as const, errors: r.errors }))];
      if (rowErrors.length) updates.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      res.status(202).json({ updates });
    },
  );

  router.get('/updates/:id', async (req, res) => {
    const caller = req.caller!;
    const record = await deps.redis.hgetall(deps.keys.update(req.params.id ?? ''));
    if (!record.id) throw notFound(`No update with id ${req.params.id}.`);
    if (caller.role === 'display') throw forbidden('Display keys cannot read individual updates.');
    if (caller.role === 'director' && !inDirectorScope(caller, record, deps.reference)) throw forbidden('This update is about a site outside this key’s regions.');
    if (caller.role === 'trust' && record.keyId !== caller.id) throw forbidden('Trust keys read only the updates they posted.');
    const result: UpdateResult = {
      id: record.id,
      state: record.state as UpdateState,
      ...(record.site ? { site: record.site } : {}),
      ...(record.errors ? { errors: JSON.parse(record.errors) } : {}),
      ...(record.seq && record.state !== 'rejected' ? { seq: Number(record.seq) } : {}),
    };
    res.json(result);
  });

  return router;
}

/** A director scoped to regions reads only updates about sites in them. */
function inDirectorScope(caller: Caller, record: Record<string, string>, reference: ReferenceData): boolean {
  const regions = readableRegions(caller);
  if (regions === null) return true;
  const codes = (record.sites ?? record.site ?? '').split(',').filter(Boolean);
  return codes.some((code) => {
    const site = reference.byCode.get(code);
    return site !== undefined && regions.has(site.region);
  });
}

function readIdempotencyKey(req: Request): string | undefined {
  const value = req.get('idempotency-key');
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) throw badRequest('The Idempotency-Key header must be 1–200 printable characters.');
  return value;
}

interface Drafts {
  jobs: JobDraft[];
  rowErrors: { row: number; errors: { message: string }[] }[];
}

function draftsFor(req: Request, caller: Caller, body: string, deps: UpdatesRouteDeps): Drafts {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const base = {
    keyId: caller.id,
    actor: caller.label,
    receivedAt: new Date().toISOString(),
    ...(caller.role === 'trust' ? { trusts: caller.trusts ?? [] } : {}),
  };
  switch (type) {
    case 'application/json':
      return {
        jobs: jsonDrafts(body, caller, deps.reference).map((update) => ({
          ...base,
          format: 'json',
          source: caller.viaSession ? 'form' : 'api',
          body: update,
          // Recorded on the update, so a director's read of it can be checked against their regions.
          site: String((update as { site: string }).site).toUpperCase(),
        })),
        rowErrors: [],
      };
    case 'text/plain':
      return { jobs: [textDraft(req, body, caller, deps.reference, base)], rowErrors: [] };
    case 'text/csv':
      return csvDrafts(body, base);
    case 'application/xml':
    case 'text/xml':
      if (body.trim() === '') throw badRequest('The body is empty; send an EDXL-HAVE HospitalStatus message.');
      return { jobs: [{ ...base, format: 'edxl-have', source: 'edxl-have', body }], rowErrors: [] };
    case '':
      throw new ApiError(415, 'unsupported_media_type', 'Say what the body is with a Content-Type header: application/json, text/plain, text/csv or application/xml.');
    default:
      throw new ApiError(415, 'unsupported_media_type', `Content-Type ${type} is not accepted; use application/json, text/plain, text/csv or application/xml.`);
  }
}

/** Canonical JSON is validated whole before the 202: an array is accepted or refused as one. */
function jsonDrafts(body: string, caller: Caller, reference: ReferenceData): unknown[] {
  const value = parseJsonBody(body);
  const isArray = Array.isArray(value);
  const items: unknown[] = isArray ? value : [value];
  if (isArray && items.length === 0) throw badRequest('The array is empty; send at least one update.');
  if (items.length > MAX_UPDATES_PER_POST) throw new ApiError(413, 'too_large', `At most ${MAX_UPDATES_PER_POST} updates in one array; this one has ${items.length}.`);

  const invalid: ErrorDetail[] = [];
  const unknownSites: ErrorDetail[] = [];
  const notAllowed: string[] = [];
  const now = Date.now();
  items.forEach((item, index) => {
    const at: (string | number)[] = isArray ? [index] : [];
    const parsed = canonicalUpdateSchema.safeParse(item);
    if (!parsed.success) {
      invalid.push(...issuesToDetails(parsed.error.issues, at));
      return;
    }
    const update = parsed.data;
    const prefix = isArray ? `[${index}].` : '';
    if (update.observedAt && Date.parse(update.observedAt) > now + MAX_FUTURE_SKEW_MS) {
      invalid.push({ path: `${prefix}observedAt`, message: 'is more than 5 minutes in the future' });
    }
    const site = reference.byCode.get(update.site);
    if (!site) unknownSites.push({ path: `${prefix}site`, message: `unknown site code ${update.site}` });
    else if (!mayPostFor(caller, site)) notAllowed.push(`${update.site} (trust ${site.trust})`);
    for (const code of update.ed?.divertTo ?? []) {
      if (!reference.byCode.has(code)) unknownSites.push({ path: `${prefix}ed.divertTo`, message: `unknown site code ${code}` });
    }
  });
  if (invalid.length) throw badRequest(`The update${isArray ? 's are' : ' is'} not valid; nothing was queued.`, invalid);
  if (unknownSites.length) throw new ApiError(422, 'unknown_site', 'The update names a site that is not in the reference data; nothing was queued.', unknownSites);
  if (notAllowed.length) throw forbidden(`This key may not post for ${notAllowed.join(', ')}; nothing was queued.`);
  return items;
}

function textDraft(req: Request, body: string, caller: Caller, reference: ReferenceData, base: Omit<JobDraft, 'format' | 'source' | 'body'>): JobDraft {
  const siteParam = typeof req.query.site === 'string' ? req.query.site : undefined;
  if (!siteParam) throw badRequest('Free text needs the site it is about: add ?site=<ODS site code>.', [{ path: 'site', message: 'is required' }]);
  const code = odsCode.safeParse(siteParam);
  if (!code.success) throw badRequest('The site is not an ODS code.', [{ path: 'site', message: code.error.issues[0]!.message }]);
  const site = reference.byCode.get(code.data);
  if (!site) throw new ApiError(422, 'unknown_site', `Unknown site code ${code.data}.`, [{ path: 'site', message: `unknown site code ${code.data}` }]);
  if (!mayPostFor(caller, site)) throw forbidden(`This key may not post for ${site.code} (trust ${site.trust}).`);
  if (body.trim() === '') throw badRequest('The text is empty; say what is happening at the site.', [{ path: 'body', message: 'is empty' }]);
  if (body.length > MAX_TEXT_CHARS) throw badRequest(`Free text is limited to ${MAX_TEXT_CHARS} characters.`, [{ path: 'body', message: `has ${body.length} characters` }]);
  return { ...base, format: 'text', source: 'text', body, site: site.code };
}

/**
 * CSV is per row (SPEC §10): each readable row becomes its own update; a row that
 * cannot even be split into cells is reported at once and does not sink the rest.
 */
function csvDrafts(body: string, base: Omit<JobDraft, 'format' | 'source' | 'body'>): Drafts {
  let records: string[][];
  try {
    records = parseCsv(body, { relax_column_count: true, skip_empty_lines: true, bom: true, trim: true }) as string[][];
  } catch (error) {
    throw badRequest(`The CSV cannot be read: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header || header.length === 0) throw badRequest('The CSV is empty.');
  const columns = header.map((name) => name.trim().toLowerCase());
  if (!columns.includes('site') && !columns.includes('trust_code')) {
    throw badRequest('The CSV header needs a "site" column (per-site CSV) or a "trust_code" column (sitrep CSV).', [{ path: 'header', message: `has ${columns.join(', ')}` }]);
  }
  if (rows.length === 0) throw badRequest('The CSV has a header but no rows.');
  const drafts: Drafts = { jobs: [], rowErrors: [] };
  rows.forEach((cells, index) => {
    const row = index + 1;
    if (cells.length !== columns.length) {
      drafts.rowErrors.push({ row, errors: [{ message: `row ${row} has ${cells.length} cells; the header has ${columns.length}` }] });
      return;
    }
    drafts.jobs.push({ ...base, format: 'csv-row', source: 'csv', body: cells, header: columns, row });
  });
  return drafts;
}
