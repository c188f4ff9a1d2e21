import { Queue, Worker } from 'bullmq';
import { deliveryRetryDelayMs, NOTIFICATIONS_QUEUE, type RedisKeys } from '@pb/shared';
import { createRedis, DeliveryLog, SubscriptionStore, type Config, type Logger, type ReferenceData } from '@pb/shared/node';
import { AlertFanOut } from './alert-fan-out.js';
import { AlertStreamConsumer } from './alert-stream-consumer.js';
import { deliverNotification } from './deliver-notification.js';
import { Mailer } from './channels/email.js';

/**
 * Deliveries in flight per workers process. They mostly wait on receivers (up to 5 s
 * each), so many run at once and a slow receiver holds one slot, not the queue.
 */
const DELIVERY_CONCURRENCY = 64;

export interface RunningNotifications {
  close(): Promise<void>;
}

export interface NotificationOptions {
  config: Config;
  keys: RedisKeys;
  reference: ReferenceData;
  logger: Logger;
  /** Test hook: how long an unacknowledged stream entry waits before another consumer takes it. */
  claimIdleMs?: number;
}

/**
 * Notifications out (SPEC §14) in a workers process: follows alert events through the
 * stream's consumer group and fans them out as jobs on the one notifications queue,
 * and runs those jobs (deliveries, escalations) with retries.
 */
export async function startNotifications(options: NotificationOptions): Promise<RunningNotifications> {
  const { config, keys, reference, logger } = options;
  const redis = createRedis(config.redisUrl, { forBullWorker: true, name: `pb-workers-notify-${config.keyPrefix}` });
  const streamRedis = createRedis(config.redisUrl, { forBullWorker: true, name: `pb-workers-notify-stream-${config.keyPrefix}` });
  redis.on('error', () => undefined);
  streamRedis.on('error', () => undefined);
  const subscriptions = new SubscriptionStore(redis, keys);
  const deliveries = new DeliveryLog(redis, keys);
  const mailer = config.smtpUrl ? new Mailer(config.smtpUrl, config.mailFrom) : null;

  const queue = new Queue(NOTIFICATIONS_QUEUE, { connection: redis, prefix: keys.bullPrefix });
  queue.on('error', (error) => logger.warn({ err: error.message }, 'notifications queue error'));
  const deps = { redis, keys, reference, subscriptions, deliveries, mailer, publicUrl: config.publicUrl, policy: { allowPrivate: config.webhookAllowPrivate, allowHttp: config.webhookAllowHttp } };
  const worker = new Worker(NOTIFICATIONS_QUEUE, (job) => deliverNotification(deps, job), {
    connection: redis,
    prefix: keys.bullPrefix,
    concurrency: DELIVERY_CONCURRENCY,
    settings: { backoffStrategy: (attemptsMade: number) => deliveryRetryDelayMs(attemptsMade) },
    // Deliveries take seconds at most; a process that dies mid-delivery has its job
    // taken over after this, rather than BullMQ's default half-minute.
    lockDuration: 15_000,
    stalledInterval: 5_000,
  });
  worker.on('error', (error) => logger.error({ err: error }, 'notifications worker error'));
  worker.on('failed', (job, error) => {
    if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError')) logger.warn({ job: job.id, err: error.message }, 'notification not delivered');
  });

  const fanOut = new AlertFanOut({ queue, subscriptions, deliveries, escalationMinuteMs: config.escalationMinuteMs, logger });
  const consumer = new AlertStreamConsumer({ redis: streamRedis, keys, logger, onAlert: (seq, alert) => fanOut.handle(seq, alert), ...(options.claimIdleMs ? { claimIdleMs: options.claimIdleMs } : {}) });
  await worker.waitUntilReady();
  await consumer.start();

  return {
    async close() {
      await consumer.stop();
      // Worker.close() lets deliveries in flight finish (each is bounded by its 5 s timeout).
      await worker.close();
      await queue.close();
      mailer?.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
