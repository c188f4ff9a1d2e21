import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@pb/shared';
import { StatusApplier } from './apply-status-update.js';
import { registerApplyMetrics } from './apply-metrics.js';

describe('registerApplyMetrics', () => {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
  afterAll(() => redis.disconnect());

  it('publishes the applier’s lost compare-and-sets as a counter that only goes up', async () => {
    const registry = new Registry();
    const applier = new StatusApplier(redis, redisKeys('metrics-test'), 60);
    registerApplyMetrics(registry, applier);
    expect(await registry.metrics()).toMatch(/^pb_apply_cas_retries_total 0$/m);
    applier.compareAndSetRetries += 3;
    expect(await registry.metrics()).toMatch(/^pb_apply_cas_retries_total 3$/m);
    applier.compareAndSetRetries += 2;
    expect(await registry.metrics()).toMatch(/^pb_apply_cas_retries_total 5$/m);
    expect(await registry.metrics()).toMatch(/^pb_apply_cas_retries_total 5$/m);
  });
});
