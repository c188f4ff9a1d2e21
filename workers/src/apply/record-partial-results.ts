import type { Redis } from 'ioredis';
import type { RedisKeys, UpdateError } from '@pb/shared';
import { inputExcerpt } from './input-excerpt.js';
import { REJECTIONS_KEPT } from './record-rejection.js';

/** Parts of one update rejected on their own, while the rest of it applies. */
export interface PartRejection {
  updateId: string;
  errors: UpdateError[];
  /** The raw input; only an excerpt of at most 4 KB is kept (SPEC §11). */
  input: unknown;
  format?: string | undefined;
  actor?: string | undefined;
  keyId?: string | undefined;
}

/**
 * Results an update can have beside applied, superseded and rejected (SPEC §10):
 *
 * - **rejected parts**: hospitals of an EDXL-HAVE message rejected on their own while the
 *   others apply. The update's record keeps them as its `errors` (so `GET /updates/:id`
 *   says `applied` with `errors`), and they are listed among recent rejections with
 *   `partial: true`. The state comes from what applies, so this never marks it rejected.
 * - **unchanged**: an update that changes nothing (a CSV row whose every value is blank)
 *   ends `applied`, without a `seq`: nothing happened on the board.
 *
 * Two round trips at most however many there are; a record that is gone (expired) is left
 * gone, and a retried job does not list its rejected parts twice.
 */
export async function recordPartialResults(redis: Redis, keys: RedisKeys, partRejections: PartRejection[], unchangedIds: string[]): Promise<void> {
  if (partRejections.length === 0 && unchangedIds.length === 0) return;
  const read = redis.pipeline();
  for (const part of partRejections) read.hmget(keys.update(part.updateId), 'id', 'errors');
  for (const id of unchangedIds) read.hmget(keys.update(id), 'id', 'state');
  const replies = ((await read.exec()) ?? []).map(([, value]) => value as (string | null)[]);

  const write = redis.multi();
  let listed = 0;
  let writes = 0;
  const rejectedAt = new Date().toISOString();
  partRejections.forEach((part, index) => {
    const [id, errors] = replies[index] ?? [];
    if (!id || errors) return;
    const entry = { id: part.updateId, errors: part.errors, partial: true, rejectedAt, format: part.format, actor: part.actor, keyId: part.keyId, input: inputExcerpt(part.input) };
    write.hset(keys.update(part.updateId), { errors: JSON.stringify(part.errors) }).lpush(keys.rejections, JSON.stringify(entry));
    listed++;
    writes++;
  });
  unchangedIds.forEach((updateId, index) => {
    const [id, state] = replies[partRejections.length + index] ?? [];
    if (!id || state === 'applied' || state === 'superseded' || state === 'rejected') return;
    write.hset(keys.update(updateId), { state: 'applied' });
    writes++;
  });
  if (writes === 0) return;
  if (listed > 0) write.ltrim(keys.rejections, 0, REJECTIONS_KEPT - 1);
  await write.exec();
}
