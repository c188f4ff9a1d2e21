/**
 * Worker-thread entry: runs large posts' ingest off the server's event loop, with
 * Redis connections of its own, made on the thread's first post.
 */
import { workerData } from 'node:worker_threads';
import { Queue } from 'bullmq';
import { redisKeys, UPDATES_QUEUE } from '@pb/shared';
import { createRedis, loadReferenceData, waitForRedis, type Config } from '@pb/shared/node';
import { createUpdateIngest, type IngestAnswer, type IngestRequest, type UpdateIngest } from './ingest-updates.js';

export interface IngestThreadData {
  config: Config;
}

let ready: Promise<UpdateIngest> | undefined;

async function startIngest(config: Config): Promise<UpdateIngest> {
  const keys = redisKeys(config.keyPrefix);
  const redis = createRedis(config.redisUrl, { name: 'pb-server-ingest' });
  redis.on('error', () => undefined);
  // BullMQ's scripts get a connection of their own, as on the main thread.
  const queueRedis = createRedis(config.redisUrl, { name: 'pb-server-ingest-queue' });
  queueRedis.on('error', () => undefined);
  await Promise.all([waitForRedis(redis), waitForRedis(queueRedis)]);
  const queue = new Queue(UPDATES_QUEUE, { connection: queueRedis, prefix: keys.bullPrefix });
  queue.on('error', () => undefined);
  return createUpdateIngest({ redis, keys, queue, reference: loadReferenceData(config.sitesFile), config });
}

export default async function ingestInThread(request: IngestRequest): Promise<IngestAnswer> {
  ready ??= startIngest((workerData as IngestThreadData).config).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready).ingest(request);
}
