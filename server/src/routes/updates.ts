import express, { Router, type Request } from 'express';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { MAX_BODY_BYTES, POSTING_ROLES, type RedisKeys, type UpdateResult, type UpdateState } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { readableRegions, requireRole, type Caller } from '../auth/authenticate.js';
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.js';
import type { IngestRunner } from '../ingest/ingest-runner.js';
import { isUpdateMediaType, type UpdateMediaType } from '../ingest/read-update-body.js';

export interface UpdatesRouteDeps {
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  ingest: IngestRunner;
  postedCounter: Counter<'format'>;
}

/**
 * `POST /updates` and `GET /updates/:id` (SPEC §4). The route only translates HTTP:
 * reading, checking and queueing a post is the ingest service's (`ingest/`), which
 * runs large posts in a worker thread.
 */
export function updatesRouter(deps: UpdatesRouteDeps): Router {
  const router = Router();

  router.post(
    '/updates',
    requireRole(...POSTING_ROLES),
    // Refuse what cannot be read before reading it.
    (req, _res, next) => {
      mediaTypeOf(req);
      next();
    },
    // Raw bytes: ingest decodes, hashes (for Idempotency-Key repeats) and parses them once.
    express.raw({ type: () => true, limit: MAX_BODY_BYTES }),
    async (req, res) => {
      const answer = await deps.ingest.ingest({
        caller: req.caller!,
        mediaType: mediaTypeOf(req),
        bytes: Buffer.isBuffer(req.body) ? req.body : new Uint8Array(0),
        siteParam: typeof req.query.site === 'string' ? req.query.site : undefined,
        idempotencyKey: readIdempotencyKey(req),
        receivedAt: Date.now(),
        ...(typeof req.id === 'string' ? { requestId: req.id } : {}),
      });
      deps.postedCounter.inc({ format: answer.format }, answer.queued);
      res.status(202).type('application/json').send(answer.json);
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

/** The media type of the request, or 415 naming what is accepted. */
function mediaTypeOf(req: Request): UpdateMediaType {
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (isUpdateMediaType(type)) return type;
  if (type === '') throw new ApiError(415, 'unsupported_media_type', 'Say what the body is with a Content-Type header: application/json, text/plain, text/csv or application/xml.');
  throw new ApiError(415, 'unsupported_media_type', `Content-Type ${type} is not accepted; use application/json, text/plain, text/csv or application/xml.`);
}

