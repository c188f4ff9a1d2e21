import type { Queue } from 'bullmq';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DeliveryLog } from '@pb/shared/node';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Notification metrics (SPEC §14, §15), read from Redis when scraped: deliveries are
 * made by the workers, which serve no HTTP, so they count in Redis and every server
 * reports the board-wide totals (aggregate with max(), not sum(), across servers).
 *
 * - `pb_notification_deliveries_total{channel, outcome}`: attempts that delivered, were retried, or failed for good.
 * - `pb_notification_jobs{state}`: the notifications queue's waiting, active, delayed (retries and escalations) and failed jobs.
 */
export function registerNotificationMetrics(registry: Registry, source: { deliveries: DeliveryLog; queue: Queue }): void {
  new Counter({
    name: 'pb_notification_deliveries_total',
    help: 'Notification delivery attempts by channel and outcome (delivered, retried, failed), all workers',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
    async collect() {
      // While Redis is away the last values stay: /metrics itself keeps answering.
      const counts = await source.deliveries.counts().catch(() => null);
      if (!counts) return;
      this.reset();
      for (const { channel, outcome, count } of counts) this.inc({ channel, outcome }, count);
    },
  });
  new Gauge({
    name: 'pb_notification_jobs',
    help: 'Jobs on the notifications queue by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await source.queue.getJobCounts(...QUEUE_STATES).catch(() => null);
      if (!counts) return;
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
}
