import type { Worker, Queue } from 'bullmq';
import { redisKeys } from '@pb/shared';
import { assertNoEviction, warnIfNotDurable, createRedis, waitForRedis, type Config, type Logger, type ReferenceData } from '@pb/shared/node';
import { startUpdateWorker } from './update-worker.js';
import { startMaintenance } from './maintenance/maintenance-worker.js';
import { StatusApplier } from './apply/apply-status-update.js';
import { startNotifications } from './notify/start-notifications.js';

export interface RunningWorkers {
  close(): Promise<void>;
}

/** Starts the update and maintenance workers against the configured Redis. */
export async function startWorkers(config: Config, reference: ReferenceData, logger: Logger): Promise<RunningWorkers> {
  const keys = redisKeys(config.keyPrefix);
  const connection = createRedis(config.redisUrl, { forBullWorker: true, name: `pb-workers-bull-${config.keyPrefix}` });
  const redis = createRedis(config.redisUrl, { forBullWorker: true, autoPipelining: true, name: `pb-workers-${config.keyPrefix}` });
  await waitForRedis(redis);
  await assertNoEviction(redis);
  await warnIfNotDurable(redis, logger);

  // One applier per process: its per-site order covers posted updates and housekeeping alike.
  const applier = new StatusApplier(redis, keys, config.staleAfterMinutes);
  const updates = startUpdateWorker({
    connection, redis, keys, reference, logger, applier,
    staleAfterMinutes: config.staleAfterMinutes,
    concurrency: config.workerConcurrency,
  });
  const maintenance = await startMaintenance({ connection, redis, keys, reference, applier, staleAfterMinutes: config.staleAfterMinutes, logger });
  const notifications = await startNotifications({ config, keys, reference, logger });
  await updates.waitUntilReady();
  logger.info({ concurrency: config.workerConcurrency, prefix: config.keyPrefix }, 'workers started');

  const workers: (Worker | Queue)[] = [updates, maintenance.worker, maintenance.queue];
  return {
    async close() {
      // Worker.close() waits for jobs in flight, so nothing accepted is half-done.
      await Promise.all([...workers.map((w) => w.close()), notifications.close()]);
      // A connection already broken at shutdown is simply dropped.
      await Promise.all([connection, redis].map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
