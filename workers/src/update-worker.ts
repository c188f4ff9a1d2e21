import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { updateJobSchema, UPDATES_QUEUE, issuesToDetails, type RedisKeys, type UpdateError, type UpdateJob } from '@pb/shared';
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

/**
 * Normalises and applies posted updates. Bad input fails the job as unrecoverable
 * with its reasons recorded; only Redis trouble is retried, a bounded number of times.
 */
export function startUpdateWorker(deps: UpdateWorkerDeps): Worker {
  const applier = new StatusApplier(deps.redis, deps.keys, deps.staleAfterMinutes);

  const worker = new Worker(UPDATES_QUEUE, (job: Job) => processUpdateJob(job, applier, deps), {
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
    // Out of retries: say so on the update rather than leave it queued for ever.
    const id = typeof job.data?.updateId === 'string' ? job.data.updateId : job.id;
    if (!id) return;
    recordRejection(deps.redis, deps.keys, id, [{ message: `could not be applied after ${attempts} attempts: ${error.message}` }], job.data).catch((recordError: unknown) =>
      deps.logger.error({ err: recordError, updateId: id }, 'could not record the rejection of an update'),
    );
  });
  worker.on('error', (error) => deps.logger.error({ err: error }, 'update worker error'));
  return worker;
}

async function processUpdateJob(job: Job, applier: StatusApplier, deps: UpdateWorkerDeps): Promise<ApplyOutcome> {
  const parsed = updateJobSchema.safeParse(job.data);
  if (!parsed.success) {
    const errors = issuesToDetails(parsed.error.issues, ['job']);
    if (typeof job.data?.updateId === 'string') await recordRejection(deps.redis, deps.keys, job.data.updateId, errors, job.data);
    throw new UnrecoverableError(`invalid job data: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  const data = parsed.data;
  const result = normaliseUpdateJob(data, deps.reference, Date.now());
  if (!result.ok) return reject(deps, data, result.errors);

  const sites = result.updates.map((normalised) => deps.reference.byCode.get(normalised.update.site));
  const unknown = result.updates.find((_, index) => !sites[index]);
  if (unknown) return reject(deps, data, [{ path: 'site', message: `unknown site code ${unknown.update.site}` }]);
  const codes = result.updates.map((normalised) => normalised.update.site);
  const origin = { updateId: data.updateId, actor: data.actor, receivedAt: data.receivedAt };
  const outcomes: ApplyOutcome[] = [];
  for (const [index, normalised] of result.updates.entries()) {
    const last = index === result.updates.length - 1;
    const finish = last ? { earlierApplied: outcomes.some((outcome) => outcome.state === 'applied'), sites: codes } : undefined;
    outcomes.push(await applier.applyUpdate(sites[index]!, normalised, origin, finish));
  }
  const state = outcomes.some((outcome) => outcome.state === 'applied') ? 'applied' : 'superseded';
  return { state, seq: Math.max(...outcomes.map((outcome) => outcome.seq)) };
}

async function reject(deps: UpdateWorkerDeps, job: UpdateJob, errors: UpdateError[]): Promise<never> {
  await recordRejection(deps.redis, deps.keys, job.updateId, errors, job);
  throw new UnrecoverableError(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
}
