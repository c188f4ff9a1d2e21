import type { Redis } from 'ioredis';
import type { RedisKeys, UpdateError } from '@pb/shared';

/** Recent rejections kept for `GET /rejections`. */
const REJECTIONS_KEPT = 1000;

/**
 * Marks an update rejected with its reasons and lists it among recent rejections,
 * so nothing is dropped without a trace. An update already applied stays applied.
 */
export async function recordRejection(redis: Redis, keys: RedisKeys, updateId: string, errors: UpdateError[], job: unknown): Promise<void> {
  const recordKey = keys.update(updateId);
  const state = await redis.hget(recordKey, 'state');
  if (state === 'applied' || state === 'superseded' || state === 'rejected') return;
  const details = job && typeof job === 'object' ? (job as Record<string, unknown>) : {};
  const entry = {
    id: updateId,
    errors,
    rejectedAt: new Date().toISOString(),
    format: details.format,
    site: details.site,
    row: details.row,
    actor: details.actor,
    keyId: details.keyId,
  };
  await redis
    .multi()
    .hset(recordKey, { state: 'rejected', errors: JSON.stringify(errors) })
    .lpush(keys.rejections, JSON.stringify(entry))
    .ltrim(keys.rejections, 0, REJECTIONS_KEPT - 1)
    .exec();
}
