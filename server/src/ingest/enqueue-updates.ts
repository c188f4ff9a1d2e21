import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Queue } from 'bullmq';
import type { Redis, Result } from 'ioredis';
import { MAX_UPDATES_PER_JOB, type RedisKeys, type UpdateBatch, type UpdateJob } from '@pb/shared';
import type { QueueDepth } from '@pb/shared/node';
import { ApiError } from '../http/api-error.js';

/**
 * Update records (and so `GET /updates/:id`) are kept a day, as long as an
 * Idempotency-Key repeat can return their ids: a poster reads its results within
 * minutes, and on the worst day a week of them would be the largest thing in Redis.
 */
const UPDATE_RECORD_TTL_SECONDS = 24 * 3600;
/** SPEC §10: the same Idempotency-Key within 24 h returns the original update. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/**
 * A claim on an Idempotency-Key lives only this long until its post is queued: a
 * server that dies between claiming and committing blocks retries for seconds, not a day.
 */
const PENDING_CLAIM_TTL_SECONDS = 30;
/** How long a repeat waits for the first request with the same key to finish. */
const PENDING_WAIT_MS = 5_000;
/** Redis trouble while applying is retried, a bounded number of times (never for ever). */
const JOB_ATTEMPTS = 5;

const RECORD_QUEUED_SCRIPT = readFileSync(new URL('./lua/record-queued-updates.lua', import.meta.url), 'utf8');

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See `lua/record-queued-updates.lua`: KEYS are the update records, then one packed argument. */
    pbRecordQueuedUpdates(numberOfKeys: number, ...keysThenRequest: string[]): Result<number, Context>;
  }
}

export type JobDraft = Omit<UpdateJob, 'updateId'>;

export interface QueuedUpdate {
  id: string;
  state: 'queued';
  row?: number;
}

interface IdempotencyRecord {
  bodyHash: string;
  ids: string[];
  /** `pending` until the records and jobs exist, so a concurrent repeat never answers with ids that do not. */
  state: 'pending' | 'committed';
}

export interface UpdateEnqueuerOptions {
  /** SPEC §11: updates waiting before new posts are refused with 503. */
  maxQueued: number;
}

/**
 * Records each update as `queued` and adds its jobs, a chunk of up to 500 updates at
 * a time: one pipeline of records and one `addBulk` per chunk, so a 10,000-row CSV is
 * twenty bounded round trips, never one giant transaction (SPEC §11). With an
 * Idempotency-Key the ids derive from the key, so a repeated (or concurrent) post
 * returns the original ids and applies once.
 */
export class UpdateEnqueuer {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly queue: Queue,
    private readonly depth: QueueDepth,
    private readonly options: UpdateEnqueuerOptions,
  ) {
    // Defined once per connection; ioredis then runs it by EVALSHA.
    redis.defineCommand('pbRecordQueuedUpdates', { lua: RECORD_QUEUED_SCRIPT });
  }

  /**
   * Queues the drafts; `bodyHash` identifies the body for Idempotency-Key repeats.
   * Throws 503 (nothing queued) when the queue is over its bound.
   */
  async enqueue(drafts: JobDraft[], keyId: string, idempotencyKey: string | undefined, bodyHash: string): Promise<QueuedUpdate[]> {
    const ids = idempotencyKey ? idempotentIds(keyId, idempotencyKey, drafts.length) : newUpdateIds(drafts.length);
    const idemKey = idempotencyKey ? this.keys.idempotency(keyId, idempotencyKey) : undefined;
    if (idemKey) {
      const claim: IdempotencyRecord = { bodyHash, ids, state: 'pending' };
      const claimed = await this.redis.set(idemKey, JSON.stringify(claim), 'EX', PENDING_CLAIM_TTL_SECONDS, 'NX');
      if (claimed !== 'OK') {
        const repeat = await this.repeatOf(idemKey, bodyHash, drafts);
        // The first request failed (or died) and its claim is gone: this one takes over.
        if (repeat === null) return this.enqueue(drafts, keyId, idempotencyKey, bodyHash);
        return repeat;
      }
    }
    const jobs = drafts.map((draft, index) => ({ ...draft, updateId: ids[index]! }));
    const chunks = chunk(jobs, MAX_UPDATES_PER_JOB);
    // The first update's id names each job, so a repeated post finds the same jobs.
    const reservations = chunks.map((updates) => ({ jobId: updates[0]!.updateId, updates: updates.length }));
    let reserved = false;
    const added: string[] = [];
    try {
      const room = await this.depth.reserve(reservations, this.options.maxQueued);
      if (!room.ok) {
        throw new ApiError(
          503,
          'queue_full',
          `The board has ${room.waiting.toLocaleString('en-GB')} updates waiting to be applied (the limit is ${this.options.maxQueued.toLocaleString('en-GB')}); nothing was queued. Try again shortly.`,
          undefined,
          { 'Retry-After': '5' },
        );
      }
      reserved = true;
      for (const updates of chunks) {
        await this.recordQueued(updates);
        await this.queue.add(updates[0]!.format, batchOf(updates), { jobId: updates[0]!.updateId, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 200 } });
        added.push(updates[0]!.updateId);
      }
      if (idemKey) await this.redis.set(idemKey, JSON.stringify({ bodyHash, ids, state: 'committed' } satisfies IdempotencyRecord), 'EX', IDEMPOTENCY_TTL_SECONDS);
    } catch (error) {
      await this.undo(idemKey, jobs, added, reserved ? reservations.map((r) => r.jobId) : []);
      throw error;
    }
    return jobs.map((job) => ({ id: job.updateId, state: 'queued', ...(job.row !== undefined ? { row: job.row } : {}) }));
  }

  /**
   * Nothing half-stored: on failure, jobs not yet started are removed, their records
   * and room in the bound given back, and the claim forgotten so the poster can retry.
   */
  private async undo(idemKey: string | undefined, jobs: UpdateJob[], added: string[], reservedJobIds: string[]): Promise<void> {
    const removed = await Promise.allSettled(added.map((jobId) => this.queue.remove(jobId)));
    // A job already running keeps its room; the worker gives it back when it finishes.
    const running = new Set(added.filter((_, index) => { const r = removed[index]!; return r.status === 'rejected' || r.value === 0; }));
    await Promise.allSettled([
      idemKey ? this.redis.del(idemKey) : Promise.resolve(),
      this.depth.release(reservedJobIds.filter((id) => !running.has(id))),
      ...chunk(jobs, MAX_UPDATES_PER_JOB)
        .filter((updates) => !running.has(updates[0]!.updateId))
        .map((updates) => this.redis.del(...updates.map((job) => this.keys.update(job.updateId)))),
    ]);
  }

  /** One script call per chunk: the chunk's update records, `queued` (see the script for why `state` is set only when absent). */
  private async recordQueued(updates: UpdateJob[]): Promise<void> {
    const first = updates[0]!;
    const request = {
      ttl: UPDATE_RECORD_TTL_SECONDS,
      common: { keyId: first.keyId, format: first.format, receivedAt: first.receivedAt },
      items: updates.map((job) => [job.updateId, job.site ?? '', job.row ?? -1]),
    };
    await this.redis.pbRecordQueuedUpdates(updates.length, ...updates.map((job) => this.keys.update(job.updateId)), JSON.stringify(request));
  }

  /** The original ids for a repeated key, once the original is committed; null if it failed meanwhile. */
  private async repeatOf(idemKey: string, bodyHash: string, drafts: JobDraft[]): Promise<QueuedUpdate[] | null> {
    const deadline = Date.now() + PENDING_WAIT_MS;
    for (;;) {
      const json = await this.redis.get(idemKey);
      if (!json) return null;
      const original = JSON.parse(json) as IdempotencyRecord;
      if (original.bodyHash !== bodyHash) {
        throw new ApiError(409, 'idempotency_conflict', 'This Idempotency-Key was already used with a different body in the last 24 hours.');
      }
      if (original.state === 'committed') {
        return original.ids.map((id, index) => ({ id, state: 'queued', ...(drafts[index]?.row !== undefined ? { row: drafts[index]!.row! } : {}) }));
      }
      if (Date.now() > deadline) throw new ApiError(409, 'conflict', 'A request with this Idempotency-Key is still being accepted; try again shortly.', undefined, { 'Retry-After': '1' });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** The job data for updates posted together: what they share once, then each update's own part. */
function batchOf(updates: UpdateJob[]): UpdateBatch {
  const { updateId: _id, body: _body, site: _site, row: _row, ...common } = updates[0]!;
  return { ...common, items: updates.map(({ updateId, body, site, row }) => ({ updateId, body, ...(site ? { site } : {}), ...(row !== undefined ? { row } : {}) })) };
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Fresh ids for the updates of one post: one random draw for the post, then a
 * counter (a draw per update cost more than the rest of a 10,000-row post's ingest).
 */
function newUpdateIds(count: number): string[] {
  const base = `u_${randomBytes(12).toString('base64url')}`;
  return count === 1 ? [base] : Array.from({ length: count }, (_, index) => `${base}-${index}`);
}

function idempotentIds(keyId: string, idempotencyKey: string, count: number): string[] {
  const base = `u_${createHash('sha256').update(`${keyId}\0${idempotencyKey}`).digest('base64url').slice(0, 22)}`;
  return count === 1 ? [base] : Array.from({ length: count }, (_, index) => `${base}-${index}`);
}
