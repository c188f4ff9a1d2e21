import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection for the board. `maxRetriesPerRequest: null` is what BullMQ
 * workers need; for request paths we keep a bounded retry so the API can answer 503
 * instead of hanging while Redis is away (SPEC §9).
 */
export function createRedis(url: string, options: { forBullWorker?: boolean; autoPipelining?: boolean; name?: string } = {}): Redis {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.forBullWorker ? null : 1,
    enableOfflineQueue: options.forBullWorker ? true : false,
    connectionName: options.name,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // Commands issued in the same tick leave in one write: far fewer syscalls under load.
    enableAutoPipelining: !options.forBullWorker || options.autoPipelining === true,
    lazyConnect: false,
  };
  return new Redis(url, redisOptions);
}

/** Waits for the first successful connection, or says why not. */
export async function waitForRedis(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/**
 * Refuses to run on a Redis that may evict keys: an evicted job or status would be
 * an accepted update silently lost (SPEC §9).
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1];
  if (policy && policy !== 'noeviction') {
    throw new Error(`Redis maxmemory-policy is "${policy}"; Pressure Board needs "noeviction" so accepted updates are never evicted (CONFIG SET maxmemory-policy noeviction).`);
  }
}

/** Deletes every key of one board: they all share its hash tag `{prefix}`. */
export async function deleteBoardKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * SPEC §11: a 202 promises the update is kept. On a Redis without its append-only
 * file an accepted update can be lost in a restart, so say so, naming the setting.
 * (Managed services that refuse CONFIG are given the benefit of the doubt.)
 */
export async function warnIfNotDurable(redis: Redis, logger: { warn(object: object, message: string): void }): Promise<boolean> {
  let reply: string[];
  try {
    reply = (await redis.config('GET', 'appendonly')) as string[];
  } catch {
    return true;
  }
  if (reply[1] === 'yes') return true;
  logger.warn(
    { setting: 'appendonly', value: reply[1] ?? 'unknown' },
    'Redis runs with appendonly no: updates accepted with 202 can be lost if Redis restarts. Turn on the append-only file (CONFIG SET appendonly yes, and appendfsync always or everysec in redis.conf).',
  );
  return false;
}
