import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { issuesToDetails, updateBatchSchema, updatesOfBatch, UPDATES_QUEUE, type RedisKeys, type UpdateBatch } from '@pb/shared';
import { QueueDepth, type Logger, type ReferenceData } from '@pb/shared/node';
import { normaliseUpdateJob } from './normalise/index.js';
import { StatusApplier, type PostedUpdate } from './apply/apply-status-update.js';
import { recordRejections, type Rejection } from './apply/record-rejection.js';
import { recordPartialResults, type PartRejection } from './apply/record-partial-results.js';
import { batchInputExcerpt } from './apply/input-excerpt.js';

export interface UpdateWorkerDeps {
  connection: Redis;
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  staleAfterMinutes: number;
  concurrency: number;
  logger: Logger;
  /** The process's one applier (shared with maintenance, so its per-site order covers both). */
  applier?: StatusApplier;
}

export interface BatchOutcome {
  applied: number;
  superseded: number;
  rejected: number;
  /** Compare-and-set rounds lost to another worker process while applying this job. */
  retries: number;
}

/** Completed jobs kept, and for how long. */
const COMPLETED_JOBS_KEPT = { count: 200, age: 3600 };

/** Failed jobs kept (each with at most a 4 KB excerpt of its input), and for how long. */
const FAILED_JOBS_KEPT = { count: 1000, age: 7 * 24 * 3600 };

/**
 * Normalises and applies posted updates, a job of one or more at a time, each with its
 * own result. Bad input is rejected with its reasons recorded; a job whose every update
 * was rejected fails as unrecoverable. Only Redis trouble is retried, a bounded number
 * of times, and updates finished before the retry are not applied twice. A failed job
 * keeps only an excerpt of its input (SPEC §11).
 */
export function startUpdateWorker(deps: UpdateWorkerDeps): Worker {
  const applier = deps.applier ?? new StatusApplier(deps.redis, deps.keys, deps.staleAfterMinutes);

  const depth = new QueueDepth(deps.redis, deps.keys);
  // A job's room in the queue-depth bound (SPEC §11) is given back once it is done for
  // good: finished, or refused as unrecoverable. Releasing is idempotent per job, so a
  // job run again after a crash never gives back twice.
  const processJob = async (job: Job): Promise<BatchOutcome> => {
    try {
      const outcome = await processUpdateBatch(job, applier, deps);
      if (job.id) await depth.release([job.id]);
      return outcome;
    } catch (error) {
      if (error instanceof UnrecoverableError && job.id) await depth.release([job.id]);
      throw error;
    }
  };

  const worker = new Worker(UPDATES_QUEUE, processJob, {
    connection: deps.connection,
    prefix: deps.keys.bullPrefix,
    concurrency: deps.concurrency,
    // A completed job's data is up to 500 updates; each update's own record says how it
    // ended, so BullMQ keeps only a few recent ones (for the queue admin and benchmarks).
    removeOnComplete: COMPLETED_JOBS_KEPT,
    removeOnFail: FAILED_JOBS_KEPT,
  });

  worker.on('failed', (job, error) => {
    if (!job || error instanceof UnrecoverableError) return;
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts) return;
    // Out of retries: say so on every update still waiting rather than leave it queued for ever.
    const parsed = updateBatchSchema.safeParse(job.data);
    const rejections = parsed.success ? rejectionsOf(parsed.data, [{ message: `could not be applied after ${attempts} attempts: ${error.message}` }]) : [];
    recordRejections(deps.redis, deps.keys, rejections)
      .then(() => job.updateData(boundedJobData(job.data)))
      .then(() => (job.id ? depth.release([job.id]) : 0))
      .catch((recordError: unknown) => deps.logger.error({ err: recordError, jobId: job.id }, 'could not record the failure of a job'));
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'update worker error'));
  return worker;
}

async function processUpdateBatch(job: Job, applier: StatusApplier, deps: UpdateWorkerDeps): Promise<BatchOutcome> {
  const parsed = updateBatchSchema.safeParse(job.data);
  if (!parsed.success) {
    const errors = issuesToDetails(parsed.error.issues, ['job']);
    const items: unknown = job.data?.items;
    const rejections: Rejection[] = [];
    for (const item of Array.isArray(items) ? items : []) {
      if (typeof item?.updateId === 'string') rejections.push({ updateId: item.updateId, errors, input: item.body });
    }
    await recordRejections(deps.redis, deps.keys, rejections);
    await job.updateData(boundedJobData(job.data));
    throw new UnrecoverableError(`invalid job data: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`.slice(0, 2000));
  }

  // Normalising is pure: done for the whole job before it waits its turn on any site.
  const now = Date.now();
  const posted: PostedUpdate[] = [];
  const rejections: Rejection[] = [];
  const partRejections: PartRejection[] = [];
  const unchanged: string[] = [];
  for (const update of updatesOfBatch(parsed.data)) {
    const result = normaliseUpdateJob(update, deps.reference, now);
    if (!result.ok) {
      rejections.push({ updateId: update.updateId, errors: result.errors, input: update.body, format: update.format, site: update.site, row: update.row, actor: update.actor, keyId: update.keyId });
      continue;
    }
    // Hospitals rejected on their own, and a row that changes nothing (SPEC §10).
    if (result.partErrors?.length) partRejections.push({ updateId: update.updateId, errors: result.partErrors, input: update.body, format: update.format, actor: update.actor, keyId: update.keyId });
    if (result.updates.length === 0) {
      unchanged.push(update.updateId);
      continue;
    }
    posted.push({
      origin: { updateId: update.updateId, actor: update.actor, receivedAt: update.receivedAt },
      // normaliseUpdateJob has checked every site against the reference data.
      changes: result.updates.map((normalised) => ({ site: deps.reference.byCode.get(normalised.update.site)!, normalised })),
    });
  }
  await recordRejections(deps.redis, deps.keys, rejections);
  await recordPartialResults(deps.redis, deps.keys, partRejections, unchanged);
  const { outcomes, retries } = await applier.applyUpdates(posted);

  const outcome: BatchOutcome = { applied: unchanged.length, superseded: 0, rejected: rejections.length, retries };
  for (const result of outcomes) outcome[result.state]++;
  if (outcome.rejected > 0 && outcome.applied + outcome.superseded === 0) {
    await job.updateData(boundedJobData(job.data));
    const reasons = rejections.map((rejection) => rejection.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
    throw new UnrecoverableError(reasons.join(' | ').slice(0, 2000));
  }
  return outcome;
}

/** Rejections for every update of a batch, with the same reasons. */
function rejectionsOf(batch: UpdateBatch, errors: Rejection['errors']): Rejection[] {
  return updatesOfBatch(batch).map((update) => ({ updateId: update.updateId, errors, input: update.body, format: update.format, site: update.site, row: update.row, actor: update.actor, keyId: update.keyId }));
}

/**
 * What a failed job keeps in BullMQ: who posted what, how many updates, and at most
 * a 4 KB excerpt of the raw input (SPEC §11). Each update's own record says how it
 * ended, and `GET /rejections` lists each with its reasons.
 */
export function boundedJobData(data: unknown): Record<string, unknown> {
  const batch: Record<string, unknown> = data && typeof data === 'object' ? { ...data } : {};
  const items = Array.isArray(batch.items) ? batch.items : [];
  const kept: Record<string, unknown> = { updates: items.length, inputExcerpt: batchInputExcerpt(batch) };
  for (const field of ['format', 'source', 'keyId', 'actor', 'receivedAt'] as const) {
    if (typeof batch[field] === 'string') kept[field] = String(batch[field]).slice(0, 200);
  }
  return kept;
}
