import type { Redis } from 'ioredis';
import type { RedisKeys, UpdateError } from '@pb/shared';
import { inputExcerpt } from './input-excerpt.js';

/** Recent rejections kept for `GET /rejections` (each at most about 4 KB of input). */
export const REJECTIONS_KEPT = 1000;

/** An update the workers could not apply, with why, and what it was. */
export interface Rejection {
  updateId: string;
  errors: UpdateError[];
  /** The raw input; only an excerpt of at most 4 KB is kept (SPEC §11). */
  input: unknown;
  format?: string | undefined;
  site?: string | undefined;
  row?: number | undefined;
  actor?: string | undefined;
  keyId?: string | undefined;
}

/**
 * Marks updates rejected with their reasons and lists them among recent rejections
 * (newest first), so nothing is dropped without a trace: two round trips however
 * many there are. An update already applied, superseded or rejected stays so.
 */
export async function recordRejections(redis: Redis, keys: RedisKeys, rejections: Rejection[]): Promise<void> {
  if (rejections.length === 0) return;
  const read = redis.pipeline();
  for (const rejection of rejections) read.hget(keys.update(rejection.updateId), 'state');
  const states = (await read.exec()) ?? [];
  const rejectedAt = new Date().toISOString();
  const write = redis.multi();
  let writes = 0;
  for (const [index, rejection] of rejections.entries()) {
    const state = states[index]?.[1];
    if (state === 'applied' || state === 'superseded' || state === 'rejected') continue;
    const entry = {
      id: rejection.updateId,
      errors: rejection.errors,
      rejectedAt,
      format: rejection.format,
      site: rejection.site,
      row: rejection.row,
      actor: rejection.actor,
      keyId: rejection.keyId,
      input: inputExcerpt(rejection.input),
    };
    write.hset(keys.update(rejection.updateId), { state: 'rejected', errors: JSON.stringify(rejection.errors) }).lpush(keys.rejections, JSON.stringify(entry));
    writes++;
  }
  if (writes === 0) return;
  await write.ltrim(keys.rejections, 0, REJECTIONS_KEPT - 1).exec();
}
