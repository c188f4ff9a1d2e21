import { Gauge, type Registry } from 'prom-client';

/** The job states a queue's depth is reported in (SPEC §15). */
export const REPORTED_JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** What the gauge needs of a BullMQ `Queue` (kept structural so `shared` does not depend on BullMQ). */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/**
 * `pb_queue_jobs{queue, state}`: jobs waiting, active, delayed and failed in each queue,
 * read from Redis when Prometheus scrapes (one `getJobCounts` per queue), so every
 * server and worker reports the same board-wide numbers; dashboards take `max`.
 */
export function registerQueueJobCounts(registry: Registry, queues: CountableQueue[]): Gauge<'queue' | 'state'> {
  return new Gauge({
    name: 'pb_queue_jobs',
    help: 'Jobs in each queue by state (board-wide, read from Redis at scrape time)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await Promise.all(queues.map(async (queue) => [queue.name, await queue.getJobCounts(...REPORTED_JOB_STATES).catch(() => null)] as const));
      for (const [queue, byState] of counts) {
        // Redis away: report nothing rather than zeros that would look like an empty queue.
        if (!byState) continue;
        for (const state of REPORTED_JOB_STATES) this.set({ queue, state }, byState[state] ?? 0);
      }
    },
  });
}
