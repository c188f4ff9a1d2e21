import { Redis } from 'ioredis';
import { createLogger, type Config } from '@pb/shared/node';
import { startServer, type RunningServer } from '../../server/src/start-server.js';
import { startWorkers } from '../../workers/src/start-workers.js';
import { deletePrefix, reference, testConfig } from './test-board.js';

/** What Chromium logs while a board's server is away: refused polls and failed WebSocket opens. */
export const SERVER_AWAY_ERRORS = [/ERR_CONNECTION_REFUSED/, /WebSocket connection to .* failed/, /ERR_CONNECTION_RESET/, /ERR_EMPTY_RESPONSE/];

/**
 * A real board (workers and a server, keys under `prefix`) whose server can be stopped
 * and started again at the same address, as a deploy does: the port the first start
 * was given is kept for every restart, so a page left open finds the server again.
 */
export interface RestartableBoard {
  readonly url: string;
  readonly adminKey: string;
  /** Stops the server; the workers keep running. */
  stopServer(): Promise<void>;
  /** Starts the server again, at the same port. */
  startServer(): Promise<void>;
  /** Stops the server (if running) and the workers, and deletes the board's keys. */
  close(): Promise<void>;
}

/**
 * @example
 * const board = await startRestartableBoard(uniquePrefix('wall'));
 * await board.stopServer();
 * await board.startServer();
 */
export async function startRestartableBoard(prefix: string, overrides: Partial<Config> = {}): Promise<RestartableBoard> {
  const logger = createLogger('test', 'silent');
  const first = testConfig(prefix, overrides);
  const workers = await startWorkers(first, reference, logger);
  let server: RunningServer | null = await startServer(first, reference, logger);
  const config: Config = { ...first, port: server.port };
  return {
    url: `http://127.0.0.1:${config.port}`,
    adminKey: config.adminKey!,
    async stopServer() {
      const running = server;
      server = null;
      await running?.close();
    },
    async startServer() {
      if (server) throw new Error('the server is already running');
      server = await startServer(config, reference, logger);
      if (server.port !== config.port) throw new Error(`the server came back on port ${server.port}, not ${config.port}`);
    },
    async close() {
      const running = server;
      server = null;
      await running?.close();
      await workers.close();
      const redis = new Redis(config.redisUrl);
      try {
        await deletePrefix(redis, prefix);
      } finally {
        await redis.quit();
      }
    },
  };
}
