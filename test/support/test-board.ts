import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { BOARD_NAMESPACE, type ClientToServerEvents, type KeyCreate, type ServerToClientEvents } from '@pb/shared';
import { CLUSTER_URL_PATTERN, createLogger, createRedis, deleteBoardKeys, loadConfig, loadReferenceData, type Config } from '@pb/shared/node';
import { startServer, type RunningServer } from '../../server/src/start-server.js';
import { startWorkers, type RunningWorkers } from '../../workers/src/start-workers.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const reference = loadReferenceData();

/** A key prefix no other test run shares, so tests never see each other's state. */
export function uniquePrefix(name = 't'): string {
  return `${name}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function testConfig(prefix: string, overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ REDIS_URL, PB_KEY_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'silent' }),
    adminKey: `admin-${randomBytes(16).toString('hex')}`,
    ...overrides,
  };
}

export interface TestBoard {
  url: string;
  prefix: string;
  adminKey: string;
  config: Config;
  redis: Redis;
  server: RunningServer;
  workers: RunningWorkers;
  close(): Promise<void>;
}

/**
 * A real board for a test: server and workers in this process against the real
 * Redis, under a prefix of its own that is deleted afterwards.
 */
export async function startTestBoard(overrides: Partial<Config> = {}, options: { workers?: boolean; redisUrl?: string } = {}): Promise<TestBoard> {
  const prefix = uniquePrefix();
  const config = testConfig(prefix, overrides);
  const logger = createLogger('test', 'silent');
  const workers = options.workers === false ? { close: async () => undefined } : await startWorkers(config, reference, logger);
  const server = await startServer(config, reference, logger);
  const redisUrl = options.redisUrl ?? REDIS_URL;
  // A cluster URL gets the product's own connection (an ioredis Cluster), queueing until ready.
  const redis = CLUSTER_URL_PATTERN.test(redisUrl) ? createRedis(redisUrl, { forBullWorker: true }) : new Redis(redisUrl);
  return {
    url: `http://127.0.0.1:${server.port}`,
    prefix,
    adminKey: config.adminKey!,
    config,
    redis,
    server,
    workers,
    async close() {
      await server.close();
      await workers.close();
      await deletePrefix(redis, prefix);
      await redis.quit();
    },
  };
}

/** Deletes every key of one board (they all share its hash tag). */
export const deletePrefix = deleteBoardKeys;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the board's HTTP API with a key. */
export async function api<T = any>(baseUrl: string, key: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
  const init: RequestInit = { method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}/api/v1${path}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (CSV, XML exports): keep the text.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export async function createKey(board: Pick<TestBoard, 'url' | 'adminKey'>, request: KeyCreate): Promise<string> {
  const response = await api(board.url, board.adminKey, 'POST', '/keys', request);
  if (response.status !== 201) throw new Error(`could not create key: ${JSON.stringify(response.body)}`);
  return response.body.key as string;
}

/** Waits until an update leaves `queued`, and returns its final record. */
export async function waitForUpdate(board: Pick<TestBoard, 'url' | 'adminKey'>, id: string, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api(board.url, board.adminKey, 'GET', `/updates/${id}`);
    if (response.status === 200 && response.body.state !== 'queued') return response.body;
    if (Date.now() > deadline) throw new Error(`update ${id} still ${JSON.stringify(response.body)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export type BoardClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real socket.io client on the `/board` namespace. */
export async function connectBoard(url: string, token: string): Promise<BoardClient> {
  const socket: BoardClient = io(`${url}${BOARD_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

export async function subscribe(socket: BoardClient, request: { regions?: string[]; since?: number } = {}) {
  return socket.timeout(10_000).emitWithAck('subscribe', request);
}

/** Polls until `check` returns something truthy. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export { reference };
