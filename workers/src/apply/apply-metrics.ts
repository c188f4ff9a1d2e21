import { Counter, type Registry } from 'prom-client';
import type { StatusApplier } from './apply-status-update.js';

/**
 * Publishes the applier's lost compare-and-sets as `pb_apply_cas_retries_total`: how
 * often a commit found a site changed by another worker process and was redone. Within
 * one process applies to a site take turns, so this stays near zero however many jobs
 * run at once; it grows only with contention between processes.
 */
export function registerApplyMetrics(registry: Registry, applier: StatusApplier): void {
  let reported = 0;
  const retries: Counter = new Counter({
    name: 'pb_apply_cas_retries_total',
    help: 'Commits of status changes redone because another worker process changed a site first',
    registers: [registry],
    collect() {
      retries.inc(applier.compareAndSetRetries - reported);
      reported = applier.compareAndSetRetries;
    },
  });
}
