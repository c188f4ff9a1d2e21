/**
 * Quick apply-throughput check: adds 20 jobs of 500 JSON updates (spread over the
 * sites, varied observedAt) at once, as the API queues posted arrays, to running
 * workers, and prints how fast they drain the queue through normalise + apply +
 * publish (no server runs).
 *
 *   npx tsx test/support/measure-apply-throughput.ts [arrays=20] [hotSite]
 *
 * With a site code as second argument every update goes to that one site.
 */
import { Queue } from 'bullmq';
import { UPDATES_QUEUE, type UpdateBatch } from '@pb/shared';
import { createLogger } from '@pb/shared/node';
import { startWorkers } from '../../workers/src/start-workers.js';
import { Redis } from 'ioredis';
import { deletePrefix, REDIS_URL, reference, testConfig, uniquePrefix } from './test-board.js';

const arrays = Number(process.argv[2] ?? 20);
const hotSite = process.argv[3];
const PER_ARRAY = 500;

// Workers only, no server: what is measured is normalise + apply + publish to the stream.
const prefix = uniquePrefix('measure');
const config = testConfig(prefix, process.env.PB_WORKER_CONCURRENCY ? { workerConcurrency: Number(process.env.PB_WORKER_CONCURRENCY) } : {});
const board = { prefix, config, redis: new Redis(REDIS_URL) };
const queueConnection = board.redis.duplicate();
const queue = new Queue(UPDATES_QUEUE, { connection: queueConnection, prefix: `{${board.prefix}}:bull` });
try {
  const sites = reference.sites;
  const base = Date.now() - 3600_000;
  const workers = await startWorkers(board.config, reference, createLogger('measure', 'silent'));
  const jobs = [];
  const records = board.redis.multi();
  for (let a = 0; a < arrays; a++) {
    const body = Array.from({ length: PER_ARRAY }, (_, i) => ({
      site: hotSite ?? sites[(a * PER_ARRAY + i * 7) % sites.length]!.code,
      // Mostly rising times, with every fifth update from the past (superseded).
      observedAt: new Date(base + (a * PER_ARRAY + i) * 100 - (i % 5 === 0 ? 600_000 : 0)).toISOString(),
      opel: ((a + i) % 4) + 1,
      metrics: { handoverMeanMin: (a * i) % 200, fourHourPct: (i % 100) },
    }));
    // As the API queues a posted array: a queued record per update, one job per 500.
    const batch: UpdateBatch = {
      format: 'json', source: 'api', keyId: 'measure', actor: 'measure', receivedAt: new Date().toISOString(),
      items: body.map((update, i) => ({ updateId: `u_m${a}_${i}`, body: update, site: update.site })),
    };
    for (const item of batch.items) records.hset(`{${board.prefix}}:update:${item.updateId}`, { id: item.updateId, state: 'queued', keyId: 'measure', format: 'json', receivedAt: batch.receivedAt });
    jobs.push({ name: 'json', data: batch, opts: { jobId: batch.items[0]!.updateId, attempts: 5 } });
  }
  await records.exec();
  const total = arrays * PER_ARRAY;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await queue.addBulk(jobs);
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    if ((counts.completed ?? 0) + (counts.failed ?? 0) >= arrays) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const seq = Number(await board.redis.get(`{${board.prefix}}:seq`));
  const retries = (await queue.getJobs(['completed'])).reduce((sum, job) => sum + Number(job.returnvalue?.retries ?? 0), 0);
  console.log(`${total} updates${hotSite ? ` for ${hotSite}` : ` over ${reference.sites.length} sites`} drained in ${seconds.toFixed(2)} s: ${Math.round(total / seconds)} updates/s (last seq ${seq}, compare-and-set retries ${retries}); worker CPU ${Math.round((cpu.user + cpu.system) / total)} µs per update`);
  await workers.close();
} finally {
  await queue.close();
  await queueConnection.quit();
  await deletePrefix(board.redis, prefix);
  await board.redis.quit();
}
process.exit(0);
