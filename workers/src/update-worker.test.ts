import { randomBytes } from 'node:crypto';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { redisKeys, UPDATES_QUEUE, type RedisKeys, type UpdateBatch } from '@pb/shared';
import { createLogger, deleteBoardKeys, loadReferenceData } from '@pb/shared/node';
import { StatusApplier, type BatchApplyResult } from './apply/apply-status-update.js';
import { INPUT_EXCERPT_BYTES } from './apply/input-excerpt.js';
import { startUpdateWorker } from './update-worker.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const reference = loadReferenceData();

/** An applier whose Redis is "away": every apply fails, as a lost connection would. */
class UnreachableApplier extends StatusApplier {
  override async applyUpdates(): Promise<BatchApplyResult> {
    throw new Error('Connection is closed.');
  }
}

/**
 * SPEC §11: rejected and failed jobs keep at most a 4 KB excerpt of their raw input,
 * in BullMQ's failed set and in the list of recent rejections alike.
 */
describe('update worker: what rejected and failed jobs keep', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  let prefix: string;
  let keys: RedisKeys;
  let redis: Redis;

  async function start(applier?: StatusApplier): Promise<{ queue: Queue; worker: Worker }> {
    prefix = `uw-${randomBytes(6).toString('hex')}`;
    keys = redisKeys(prefix);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = startUpdateWorker({
      connection, redis, keys, reference, staleAfterMinutes: 60, concurrency: 2, logger: createLogger('test', 'silent'),
      ...(applier ? { applier } : {}),
    });
    const queue = new Queue(UPDATES_QUEUE, { connection: redis.duplicate(), prefix: keys.bullPrefix });
    opened.push(worker, queue, { close: () => connection.quit() });
    await worker.waitUntilReady();
    return { queue, worker };
  }

  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
    await deleteBoardKeys(redis, prefix);
    await redis.quit();
  });

  /** A job of `count` JSON updates with 500-character notes, each with `junk` characters of an unknown field (rejected) when asked. */
  function batch(count: number, junk = 0): UpdateBatch {
    return {
      format: 'json', source: 'api', keyId: 'k1', actor: 'Portsmouth EPRR', receivedAt: new Date().toISOString(),
      items: Array.from({ length: count }, (_, i) => ({ updateId: `u${i}`, body: { site: 'RHU03', opel: 2, note: 'n'.repeat(500), ...(junk ? { junk: 'x'.repeat(junk) } : {}) } })),
    };
  }

  async function waitForFailed(queue: Queue, jobId: string) {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 25))) {
      // The state first, then the job: read the other way round, a job could be caught mid-move.
      if ((await queue.getJobState(jobId)) !== 'failed') continue;
      const job = await queue.getJob(jobId);
      if (job && typeof job.data?.inputExcerpt === 'string') return job;
    }
    throw new Error(`job ${jobId} did not fail with bounded data in time`);
  }

  it('a job whose every update is rejected fails keeping a 4 KB excerpt, and each rejection lists at most 4 KB of its input', async () => {
    const { queue } = await start();
    const data = batch(40, 50_000);
    expect(JSON.stringify(data).length).toBeGreaterThan(2_000_000);
    await queue.add('json', data, { jobId: 'u0', attempts: 3 });

    const job = await waitForFailed(queue, 'u0');
    expect(job.attemptsMade).toBe(1);
    expect(job.data).toMatchObject({ updates: 40, format: 'json', keyId: 'k1', actor: 'Portsmouth EPRR' });
    expect(Buffer.byteLength(job.data.inputExcerpt)).toBeLessThanOrEqual(INPUT_EXCERPT_BYTES);
    expect(job.data.inputExcerpt).toMatch(/^\{"site":"RHU03","opel":2,/);
    expect(Buffer.byteLength(JSON.stringify(job.data))).toBeLessThan(INPUT_EXCERPT_BYTES + 1024);

    const rejections = (await redis.lrange(keys.rejections, 0, -1)).map((json) => JSON.parse(json) as { id: string; input: string; errors: unknown[] });
    expect(rejections).toHaveLength(40);
    for (const rejection of rejections) {
      expect(rejection.errors.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(rejection.input)).toBeLessThanOrEqual(INPUT_EXCERPT_BYTES);
    }
    expect(await redis.hget(keys.update('u7'), 'state')).toBe('rejected');
  });

  it('a job out of retries marks each update rejected with why, and keeps only a 4 KB excerpt', async () => {
    const applierConnection = new Redis(REDIS_URL);
    opened.push({ close: () => applierConnection.quit() });
    const { queue } = await start(new UnreachableApplier(applierConnection, redisKeys('unused'), 60));
    const data = batch(100);
    expect(JSON.stringify(data).length).toBeGreaterThan(50_000);
    await queue.add('json', data, { jobId: 'u0', attempts: 2, backoff: { type: 'fixed', delay: 10 } });

    const job = await waitForFailed(queue, 'u0');
    expect(job.attemptsMade).toBe(2);
    expect(Buffer.byteLength(JSON.stringify(job.data))).toBeLessThan(INPUT_EXCERPT_BYTES + 1024);
    const record = await redis.hgetall(keys.update('u99'));
    expect(record.state).toBe('rejected');
    expect(JSON.parse(record.errors!)).toEqual([{ message: 'could not be applied after 2 attempts: Connection is closed.' }]);
    const rejections = (await redis.lrange(keys.rejections, 0, -1)).map((json) => JSON.parse(json) as { input: string });
    expect(rejections).toHaveLength(100);
    for (const rejection of rejections) expect(Buffer.byteLength(rejection.input)).toBeLessThanOrEqual(INPUT_EXCERPT_BYTES);
  });
});
