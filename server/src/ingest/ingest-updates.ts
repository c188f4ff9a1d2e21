import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys, UpdateFormat } from '@pb/shared';
import { QueueDepth, type Config, type ReferenceData } from '@pb/shared/node';
import type { Caller } from '../auth/authenticate.js';
import { ApiError } from '../http/api-error.js';
import { UpdateRateLimit } from '../http/update-rate-limit.js';
import { draftUpdates } from './draft-updates.js';
import { UpdateEnqueuer, type QueuedUpdate } from './enqueue-updates.js';
import { readUpdateBody, type UpdateMediaType } from './read-update-body.js';

/** One `POST /updates`, as plain data, so it can be handed to a worker thread. */
export interface IngestRequest {
  caller: Caller;
  mediaType: UpdateMediaType;
  /** The raw body; its buffer may be transferred to the thread. */
  bytes: Uint8Array;
  /** `?site=` (free text names its site there). */
  siteParam: string | undefined;
  idempotencyKey: string | undefined;
  /** Milliseconds since the epoch. */
  receivedAt: number;
  /** The request's id (`X-Request-Id`), carried into each job for the workers' logs. */
  requestId?: string;
}

/** The answer to a post: the 202 body ready to send, or the 4xx/503 to throw. */
export type IngestAnswer =
  | { ok: true; format: UpdateFormat; queued: number; json: string }
  | { ok: false; status: number; code: string; message: string; details?: { path: string; message: string }[]; headers?: Record<string, string> };

export interface UpdateIngestDeps {
  reference: ReferenceData;
  rateLimit: UpdateRateLimit;
  enqueuer: UpdateEnqueuer;
}

type RowResult = QueuedUpdate | { row: number; state: 'rejected'; errors: { message: string }[] };

/**
 * Ingest, step by step (SPEC §3, §11): read and check the body, check it against the
 * reference data and the poster's rights, count its updates against the key's limit
 * and the queue's bound, queue it in bounded chunks, and write the 202 body. Every
 * step's cost grows with the body, so for large bodies the whole of it runs in a
 * worker thread, and the server's event loop only moves bytes in and the answer out.
 */
export class UpdateIngest {
  constructor(private readonly deps: UpdateIngestDeps) {}

  async ingest(request: IngestRequest): Promise<IngestAnswer> {
    try {
      const body = readUpdateBody({ mediaType: request.mediaType, bytes: request.bytes, receivedAt: request.receivedAt });
      if (!body.ok) return { ok: false, status: body.status, code: body.code, message: body.message, ...(body.details ? { details: body.details } : {}) };
      const drafts = draftUpdates(body, request.caller, this.deps.reference, request.siteParam, request.requestId);
      await this.deps.rateLimit.consume(request.caller.id, drafts.jobs.length);
      const queued = await this.deps.enqueuer.enqueue(drafts.jobs, request.caller.id, request.idempotencyKey, body.bodyHash);
      const updates: RowResult[] = [...queued, ...drafts.rowErrors.map((r) => ({ row: r.row, state: 'rejected' as const, errors: r.errors }))];
      if (drafts.rowErrors.length) updates.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      return { ok: true, format: drafts.jobs[0]!.format, queued: queued.length, json: JSON.stringify({ updates }) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return {
        ok: false,
        status: error.status,
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
        ...(error.headers ? { headers: error.headers } : {}),
      };
    }
  }
}

/** The ingest service on these connections, bounded as configured. */
export function createUpdateIngest(deps: { redis: Redis; keys: RedisKeys; queue: Queue; reference: ReferenceData; config: Config }): UpdateIngest {
  const { redis, keys, config } = deps;
  return new UpdateIngest({
    reference: deps.reference,
    rateLimit: new UpdateRateLimit(redis, { perSecond: config.updateRatePerSecond, burst: config.updateBurst, keyPrefix: keys.updateRateLimit }),
    enqueuer: new UpdateEnqueuer(redis, keys, deps.queue, new QueueDepth(redis, keys), { maxQueued: config.maxQueued }),
  });
}
