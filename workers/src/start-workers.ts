import { Queue, type Worker } from 'bullmq';
import { NOTIFICATIONS_QUEUE, redisKeys, UPDATES_QUEUE } from '@pb/shared';
import { assertNoEviction, warnIfNotDurable, createRedis, waitForRedis, type Config, type Logger, type ReferenceData } from '@pb/shared/node';
import { startUpdateWorker } from './update-worker.js';
import { warmUpFreeText } from './normalise/free-text.js';
import { startMaintenance } from './maintenance/maintenance-worker.js';
import { StatusApplier } from './apply/apply-status-update.js';
import { registerApplyMetrics } from './apply/apply-metrics.js';
import { startNotifications } from './notify/start-notifications.js';
import { createWorkerMetrics, observeJobs } from './metrics/worker-metrics.js';
import { startMetricsServer, type RunningMetricsServer } from './metrics/metrics-server.js';

export interface RunningWorkers {
  /** The port of this process's `GET /metrics`, when one was asked for. */
  metricsPort?: number;
  close(): Promise<void>;
}

export interface WorkerOptions {
  /** Serve Prometheus metrics on this port (`PB_METRICS_PORT`; 0 picks a free one); off when absent. */
  metricsPort?: number;
}

/** Starts the update and maintenance workers against the configured Redis. */
export async function startWorkers(config: Config, reference: ReferenceData, logger: Logger, options: WorkerOptions = {}): Promise<RunningWorkers> {
  const keys = redisKeys(config.keyPrefix);
  const connection = createRedis(config.redisUrl, { forBullWorker: true, name: `pb-workers-bull-${config.keyPrefix}` });
  const redis = createRedis(config.redisUrl, { forBullWorker: true, autoPipelining: true, name: `pb-workers-${config.keyPrefix}` });
  await waitForRedis(redis);
  await assertNoEviction(redis);
  await warnIfNotDurable(redis, logger);

  // One applier per process: its per-site order covers posted updates and housekeeping alike.
  const applier = new StatusApplier(redis, keys, config.staleAfterMinutes);
  warmUpFreeText(reference);
  const updates = startUpdateWorker({
    connection, redis, keys, reference, logger, applier,
    staleAfterMinutes: config.staleAfterMinutes,
    concurrency: config.workerConcurrency,
  });
  const maintenance = await startMaintenance({ connection, redis, keys, reference, applier, staleAfterMinutes: config.staleAfterMinutes, logger });
  const notifications = await startNotifications({ config, keys, reference, logger });
  // Queue handles for the depth gauges only (they read counts; they add no jobs).
  const countedQueues = [UPDATES_QUEUE, NOTIFICATIONS_QUEUE].map((name) => new Queue(name, { connection, prefix: keys.bullPrefix }));
  const metrics = createWorkerMetrics([...countedQueues, maintenance.queue]);
  observeJobs(updates, metrics, logger);
  registerApplyMetrics(metrics.registry, applier);
  observeJobs(maintenance.worker, metrics, logger);
  const metricsServer: RunningMetricsServer | null = options.metricsPort === undefined ? null : await startMetricsServer(metrics.registry, options.metricsPort, logger);
  await updates.waitUntilReady();
  logger.info({ concurrency: config.workerConcurrency, prefix: config.keyPrefix }, 'workers started');

  const workers: (Worker | Queue)[] = [updates, maintenance.worker, maintenance.queue, ...countedQueues];
  return {
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    async close() {
      await metricsServer?.close();
      // Worker.close() waits for jobs in flight, so nothing accepted is half-done.
      await Promise.all([...workers.map((w) => w.close()), notifications.close()]);
      // A connection already broken at shutdown is simply dropped.
      await Promise.all([connection, redis].map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
