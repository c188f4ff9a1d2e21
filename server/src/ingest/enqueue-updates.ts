import { createHash, randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MAX_UPDATES_PER_JOB, type RedisKeys, type UpdateBatch, type UpdateJob } from '@pb/shared';
import { ApiError } from '../http/api-error.js';

/** Update records (and so `GET /updates/:id`) are kept a week. */
const UPDATE_RECORD_TTL_SECONDS = 7 * 24 * 3600;
/** SPEC §10: the same Idempotency-Key within 24 h returns the original update. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/** Redis trouble while applying is retried, a bounded number of times (never for ever). */
const JOB_ATTEMPTS = 5;

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

/** How long a repeat waits for the first request with the same key to finish. */
const PENDING_WAIT_MS = 5_000;

/**
 * Records each update as `queued` and adds one job per update, with the update id
 * as BullMQ job id. With an Idempotency-Key the ids derive from the key, so a
 * repeated (or concurrent) post returns the original ids and applies once.
 */
export class UpdateEnqueuer {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly queue: Queue,
  ) {}

  async enqueue(drafts: JobDraft[], keyId: string, idempotencyKey: string | undefined, body: string): Promise<QueuedUpdate[]> {
    const ids = idempotencyKey ? idempotentIds(keyId, idempotencyKey, drafts.length) : drafts.map(() => newUpdateId());
    const idemKey = idempotencyKey ? this.keys.idempotency(keyId, idempotencyKey) : undefined;
    if (idemKey) {
      const claim: IdempotencyRecord = { bodyHash: sha256(body), ids, state: 'pending' };
      const claimed = await this.redis.set(idemKey, JSON.stringify(claim), 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
      if (claimed !== 'OK') {
        const repeat = await this.repeatOf(idemKey, claim.bodyHash, drafts);
        // The first request failed and let its claim go: this one takes over.
        if (repeat === null) return this.enqueue(drafts, keyId, idempotencyKey, body);
        return repeat;
      }
    }
    const jobs = drafts.map((draft, index) => ({ ...draft, updateId: ids[index]! }));
    try {
      const multi = this.redis.multi();
      for (const job of jobs) {
        const record: Record<string, string> = { id: job.updateId, state: 'queued', keyId: job.keyId, format: job.format, receivedAt: job.receivedAt };
        if (job.site) record.site = job.site;
        if (job.row !== undefined) record.row = String(job.row);
        multi.hset(this.keys.update(job.updateId), record).expire(this.keys.update(job.updateId), UPDATE_RECORD_TTL_SECONDS);
      }
      await multi.exec();
      const batches = chunk(jobs, MAX_UPDATES_PER_JOB).map((updates) => {
        const { updateId: _id, body: _body, site: _site, row: _row, ...common } = updates[0]!;
        const batch: UpdateBatch = { ...common, items: updates.map(({ updateId, body, site, row }) => ({ updateId, body, ...(site ? { site } : {}), ...(row !== undefined ? { row } : {}) })) };
        // The first update's id names the job, so a repeated post finds the same job.
        return { name: batch.format, data: batch, opts: { jobId: updates[0]!.updateId, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential' as const, delay: 200 } } };
      });
      await this.queue.addBulk(batches);
      if (idemKey) await this.redis.set(idemKey, JSON.stringify({ bodyHash: sha256(body), ids, state: 'committed' } satisfies IdempotencyRecord), 'EX', IDEMPOTENCY_TTL_SECONDS);
    } catch (error) {
      // Nothing half-stored: forget the claim so the poster can safely try again.
      await Promise.allSettled([idemKey ? this.redis.del(idemKey) : Promise.resolve(), ...jobs.map((job) => this.redis.del(this.keys.update(job.updateId)))]);
      throw error;
    }
    return jobs.map((job) => ({ id: job.updateId, state: 'queued', ...(job.row !== undefined ? { row: job.row } : {}) }));
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
      if (Date.now() > deadline) throw new ApiError(409, 'conflict', 'A request with this Idempotency-Key is still being accepted; try again shortly.');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function newUpdateId(): string {
  return `u_${randomBytes(12).toString('base64url')}`;
}

function idempotentIds(keyId: string, idempotencyKey: string, count: number): string[] {
  const base = `u_${createHash('sha256').update(`${keyId}\0${idempotencyKey}`).digest('base64url').slice(0, 22)}`;
  return count === 1 ? [base] : Array.from({ length: count }, (_, index) => `${base}-${index}`);
}
