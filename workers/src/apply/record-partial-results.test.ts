import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@pb/shared';
import { deleteBoardKeys } from '@pb/shared/node';
import { recordPartialResults } from './record-partial-results.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('recordPartialResults against a real Redis', () => {
  let redis: Redis;
  const prefix = `partial-${randomBytes(6).toString('hex')}`;
  const keys = redisKeys(prefix);
  const queued = (id: string) => redis.hset(keys.update(id), { id, state: 'queued', format: 'edxl-have' });

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteBoardKeys(redis, prefix);
    await redis.quit();
  });

  it('keeps rejected hospitals as the update’s errors and lists them once, even when the job runs again', async () => {
    await queued('u_message');
    const part = { updateId: 'u_message', errors: [{ path: 'Hospital[1]', message: 'no site is called "St Elsewhere"' }], input: '<HospitalStatus/>', format: 'edxl-have', actor: 'ICB', keyId: 'k1' };
    await recordPartialResults(redis, keys, [part], []);
    await recordPartialResults(redis, keys, [part], []);
    // The state is left to what applies.
    expect(await redis.hgetall(keys.update('u_message'))).toMatchObject({ state: 'queued', errors: JSON.stringify(part.errors) });
    const listed = (await redis.lrange(keys.rejections, 0, -1)).map((entry) => JSON.parse(entry));
    expect(listed).toEqual([{ id: 'u_message', errors: part.errors, partial: true, rejectedAt: expect.any(String), format: 'edxl-have', actor: 'ICB', keyId: 'k1', input: '<HospitalStatus/>' }]);
  });

  it('ends an update that changes nothing as applied, without a seq; a finished or vanished record is left alone', async () => {
    await queued('u_blank');
    await redis.hset(keys.update('u_rejected'), { id: 'u_rejected', state: 'rejected' });
    await recordPartialResults(redis, keys, [], ['u_blank', 'u_rejected', 'u_gone']);
    expect(await redis.hgetall(keys.update('u_blank'))).toEqual({ id: 'u_blank', state: 'applied', format: 'edxl-have' });
    expect(await redis.hget(keys.update('u_rejected'), 'state')).toBe('rejected');
    expect(await redis.exists(keys.update('u_gone'))).toBe(0);
  });
});
