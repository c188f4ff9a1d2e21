import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { issuesToDetails, updateBatchSchema, updatesOfBatch, UPDATES_QUEUE, type RedisKeys, type UpdateError, type UpdateJob } from '@pb/shared';
import type { Logger, ReferenceData } from '@pb/shared/node';
import { normaliseUpdateJob } from './normalise/index.js';
import { StatusApplier, type ApplyOutcome } from './apply/apply-status-update.js';
import { recordRejection } from './apply/record-rejection.js';

export interface UpdateWorkerDeps {
  connection: Redis;
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  staleAfterMinutes: number;
  concurrency: number;
  logger: Logger;
}

export interface BatchOutcome {
  applied: number;
  superseded: number;
  rejected: number;
}

/**
 * Normalises and applies posted updates, a job of one or more at a time, each with its
 * own result. Bad input is rejected with its reasons recorded; a job whose every update
 * was rejected fails as unrecoverable. Only Redis trouble is retried, a bounded number
 * of times, and updates finished before the retry are not applied twice.
 */
export function startUpdateWorker(deps: UpdateWorkerDeps): Worker {
  const applier = new StatusApplier(deps.redis, deps.keys, deps.staleAfterMinutes);

  const worker = new Worker(UPDATES_QUEUE, (job: Job) => processUpdateBatch(job, applier, deps), {
    connection: deps.connection,
    prefix: deps.keys.bullPrefix,
    concurrency: deps.concurrency,
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 5000 },
  });

  worker.on('failed', (job, error) => {
    if (!job || error instanceof UnrecoverableError) return;
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts) return;
    // Out of retries: say so on every update still waiting rather than leave it queued for ever.
    const parsed = updateBatchSchema.safeParse(job.data);
    if (!parsed.success) return;
    for (const update of updatesOfBatch(parsed.data)) {
      recordRejection(deps.redis, deps.keys, update.updateId, [{ message: `could not be applied after ${attempts} attempts: ${error.message}` }], update).catch((recordError: unknown) =>
        deps.logger.error({ err: recordError, updateId: update.updateId }, 'could not record the rejection of an update'),
      );
    }
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'update worker error'));
  return worker;
}

async function processUpdateBatch(job: Job, applier: StatusApplier, deps: UpdateWorkerDeps): Promise<BatchOutcome> {
  const parsed = updateBatchSchema.safeParse(job.data);
  if (!parsed.success) {
    const errors = issuesToDetails(parsed.error.issues, ['job']);
    const items: unknown = job.data?.items;
    for (const item of Array.isArray(items) ? items : []) {
      if (typeof item?.updateId === 'string') await recordRejection(deps.redis, deps.keys, item.updateId, errors, job.data);
    }
    throw new UnrecoverableError(`invalid job data: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  const outcome: BatchOutcome = { applied: 0, superseded: 0, rejected: 0 };
  const reasons: string[] = [];
  for (const update of updatesOfBatch(parsed.data)) {
    const result = await processUpdate(update, applier, deps);
    if ('errors' in result) {
      outcome.rejected++;
      reasons.push(result.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
    } else {
      outcome[result.state]++;
    }
  }
  if (outcome.rejected > 0 && outcome.applied + outcome.superseded === 0) throw new UnrecoverableError(reasons.join(' | ').slice(0, 2000));
  return outcome;
}

/** One update: normalised, checked, applied to each site it names — or rejected with reasons. */
async function processUpdate(update: UpdateJob, applier: StatusApplier, deps: UpdateWorkerDeps): Promise<ApplyOutcome | { errors: UpdateError[] }> {
  const result = normaliseUpdateJob(update, deps.reference, Date.now());
  if (!result.ok) {
    await recordRejection(deps.redis, deps.keys, update.updateId, result.errors, update);
    return { errors: result.errors };
  }
  const codes = result.updates.map((normalised) => normalised.update.site);
  const origin = { updateId: update.updateId, actor: update.actor, receivedAt: update.receivedAt };
  const outcomes: ApplyOutcome[] = [];
  for (const [index, normalised] of result.updates.entries()) {
    // normaliseUpdateJob has checked every site against the reference data.
    const site = deps.reference.byCode.get(normalised.update.site)!;
    const last = index === result.updates.length - 1;
    const finish = last ? { earlierApplied: outcomes.some((outcome) => outcome.state === 'applied'), sites: codes } : undefined;
    outcomes.push(await applier.applyUpdate(site, normalised, origin, finish));
  }
  const state = outcomes.some((outcome) => outcome.state === 'applied') ? 'applied' : 'superseded';
  return { state, seq: Math.max(...outcomes.map((outcome) => outcome.seq)) };
}
