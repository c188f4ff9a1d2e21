import type { Job, Worker } from 'bullmq';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerQueueJobCounts, type CountableQueue, type Logger } from '@pb/shared/node';

/** A worker process's own Prometheus metrics (SPEC §15); no notes, labels or key ids in any. */
export function createWorkerMetrics(queues: CountableQueue[]) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerQueueJobCounts(registry, queues);
  return {
    registry,
    jobDuration: new Histogram({
      name: 'pb_job_duration_seconds',
      help: 'Time a job took from when a worker picked it up to when it finished, by queue and outcome',
      labelNames: ['queue', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
      registers: [registry],
    }),
    jobsFinished: new Counter({ name: 'pb_jobs_finished_total', help: 'Jobs finished by queue and outcome', labelNames: ['queue', 'outcome'] as const, registers: [registry] }),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** The request id a job carries when it came from an HTTP post (`X-Request-Id`). */
function requestIdOf(job: Job): string | undefined {
  const data: unknown = job.data;
  const id: unknown = data && typeof data === 'object' ? Reflect.get(data, 'requestId') : undefined;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Times and logs every job `worker` finishes: one line per job naming its id, its queue
 * and the id of the request that posted it, so one `requestId` finds a post in the
 * server's log and in the workers'. Completed jobs log at debug (there are thousands a
 * second); failures at warn.
 */
export function observeJobs(worker: Worker, metrics: WorkerMetrics, logger: Logger): void {
  const queue = worker.name;
  const finished = (job: Job, outcome: 'completed' | 'failed'): { durationMs?: number } => {
    metrics.jobsFinished.inc({ queue, outcome });
    if (job.processedOn === undefined || job.finishedOn === undefined) return {};
    const durationMs = job.finishedOn - job.processedOn;
    metrics.jobDuration.observe({ queue, outcome }, durationMs / 1000);
    return { durationMs };
  };
  worker.on('completed', (job, result: unknown) => {
    const timing = finished(job, 'completed');
    logger.debug({ queue, jobId: job.id, requestId: requestIdOf(job), ...timing, result }, 'job completed');
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const timing = finished(job, 'failed');
    logger.warn({ queue, jobId: job.id, requestId: requestIdOf(job), ...timing, attemptsMade: job.attemptsMade, reason: error.message.slice(0, 500) }, 'job failed');
  });
}
