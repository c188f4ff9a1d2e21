import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

/** The URL scheme that names a Redis Cluster: `redis+cluster://host:port,host:port` (or `rediss+cluster://` for TLS). */
export const CLUSTER_URL_PATTERN = /^rediss?\+cluster:\/\//;

/** What a `redis+cluster://` URL names: its seed nodes, and the credentials and TLS they share. */
export interface ClusterUrl {
  nodes: ClusterNode[];
  username: string | undefined;
  password: string | undefined;
  tls: boolean;
}

/**
 * Reads `redis+cluster://[user:password@]host:port,host:port[,…]`: any reachable node
 * is enough to find the rest, so list two or three. Throws naming what is wrong.
 */
export function parseClusterUrl(url: string): ClusterUrl {
  const match = /^(rediss?)\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/?$/.exec(url);
  if (!match) throw new Error(`"${url}" is not a redis+cluster://host:port,host:port URL`);
  const [, scheme, username, password, hostList] = match;
  const nodes = hostList!.split(',').map((hostPort) => {
    const node = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(hostPort.trim());
    if (!node) throw new Error(`"${hostPort}" in REDIS_URL is not host:port`);
    return { host: node[1]!, port: Number(node[2]) };
  });
  return {
    nodes,
    username: username ? decodeURIComponent(username) : undefined,
    password: password ? decodeURIComponent(password) : undefined,
    tls: scheme === 'rediss',
  };
}

export interface CreateRedisOptions {
  forBullWorker?: boolean;
  autoPipelining?: boolean;
  name?: string;
}

/**
 * A Redis connection for the board. `maxRetriesPerRequest: null` is what BullMQ
 * workers need; for request paths we keep a bounded retry so the API can answer 503
 * instead of hanging while Redis is away (SPEC §9).
 *
 * A `redis+cluster://` URL gives an ioredis `Cluster`. Every key of a board shares one
 * hash tag, so all of them live in one slot: MULTI, Lua and BullMQ's scripts work as on
 * one Redis, and the `Cluster` answers the same commands. It is typed as `Redis` so the
 * stores need not know; the few places whose meaning differs on a cluster (SCAN, CONFIG,
 * which go to one node) use {@link mastersOf}.
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: options.forBullWorker ? null : 1,
    enableOfflineQueue: options.forBullWorker ? true : false,
    connectionName: options.name,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // Commands issued in the same tick leave in one write: far fewer syscalls under load.
    enableAutoPipelining: !options.forBullWorker || options.autoPipelining === true,
    lazyConnect: false,
  };
  if (CLUSTER_URL_PATTERN.test(url)) return asRedis(createCluster(parseClusterUrl(url), redisOptions));
  return new Redis(url, redisOptions);
}

function createCluster(target: ClusterUrl, redisOptions: RedisOptions): Cluster {
  const { enableOfflineQueue, enableAutoPipelining, retryStrategy, lazyConnect, ...perNode } = redisOptions;
  return new Cluster(target.nodes, {
    enableOfflineQueue,
    enableAutoPipelining,
    lazyConnect,
    clusterRetryStrategy: retryStrategy,
    redisOptions: {
      ...perNode,
      username: target.username,
      password: target.password,
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

/**
 * The one place a `Cluster` is handed on as a `Redis`: ioredis gives both the same
 * command interface (and `duplicate`, `quit`, `status`, `defineCommand`), but no common
 * named type, and the board's stores are typed against `Redis`.
 */
function asRedis(cluster: Cluster): Redis {
  return cluster as unknown as Redis;
}

/**
 * The connections a node-level command must run on: each master of a cluster (SCAN and
 * CONFIG answer for one node only), or the connection itself on a single Redis.
 */
export function mastersOf(redis: Redis | Cluster): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Waits for the first successful connection, or says why not. */
export async function waitForRedis(redis: Redis | Cluster, timeoutMs = 10_000): Promise<void> {
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
 * an accepted update silently lost (SPEC §9). On a cluster, every master is asked.
 */
export async function assertNoEviction(redis: Redis | Cluster): Promise<void> {
  for (const node of mastersOf(redis)) {
    const reply = (await node.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      throw new Error(`Redis ${describeNode(node)} has maxmemory-policy "${policy}"; Pressure Board needs "noeviction" so accepted updates are never evicted (CONFIG SET maxmemory-policy noeviction).`);
    }
  }
}

/**
 * Deletes every key of one board: they all share its hash tag `{prefix}`, so on a
 * cluster they sit on one master, but which one is the slot's business: scan each.
 */
export async function deleteBoardKeys(redis: Redis | Cluster, prefix: string): Promise<void> {
  for (const node of mastersOf(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await node.del(...keys);
    } while (cursor !== '0');
  }
}

/**
 * SPEC §11: a 202 promises the update is kept. On a Redis without its append-only
 * file an accepted update can be lost in a restart, so say so, naming the setting
 * (and, on a cluster, the master). Managed services that refuse CONFIG are given the
 * benefit of the doubt.
 */
export async function warnIfNotDurable(redis: Redis | Cluster, logger: { warn(object: object, message: string): void }): Promise<boolean> {
  let durable = true;
  for (const node of mastersOf(redis)) {
    let reply: string[];
    try {
      reply = (await node.config('GET', 'appendonly')) as string[];
    } catch {
      continue;
    }
    if (reply[1] === 'yes') continue;
    durable = false;
    logger.warn(
      { setting: 'appendonly', value: reply[1] ?? 'unknown', node: describeNode(node) },
      'Redis runs with appendonly no: updates accepted with 202 can be lost if Redis restarts. Turn on the append-only file (CONFIG SET appendonly yes, and appendfsync always or everysec in redis.conf).',
    );
  }
  return durable;
}

function describeNode(node: Redis): string {
  return `${node.options.host ?? '127.0.0.1'}:${node.options.port ?? 6379}`;
}

/**
 * A raw `sendCommand` for libraries that load their Lua with `SCRIPT LOAD` and then
 * call `EVALSHA` (rate-limit-redis). On a cluster `SCRIPT LOAD` carries no key, so it
 * would reach one node chosen at random and `EVALSHA` would meet NOSCRIPT on the
 * board's own master: load it on every master instead (each answers the same SHA).
 */
export function sendCommandFor(redis: Redis | Cluster): (command: string, ...args: string[]) => Promise<unknown> {
  return async (command, ...args) => {
    if (redis instanceof Cluster && command.toUpperCase() === 'SCRIPT') {
      const replies = await Promise.all(redis.nodes('master').map((node) => node.call(command, ...args)));
      return replies[0];
    }
    return redis.call(command, ...args);
  };
}
