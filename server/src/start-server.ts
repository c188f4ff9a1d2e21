import { createServer, type Server as HttpServer } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Server } from 'socket.io';
import { redisKeys, UPDATES_QUEUE } from '@pb/shared';
import { assertNoEviction, warnIfNotDurable, createRedis, waitForRedis, type Config, type Logger, type ReferenceData } from '@pb/shared/node';
import { createApp } from './app.js';
import { observeLiveEvent } from './http/live-metrics.js';
import { IngestRunner } from './ingest/ingest-runner.js';
import { createUpdateIngest } from './ingest/ingest-updates.js';
import { securityHeaders } from './http/security-headers.js';
import { ApiKeyStore } from './auth/api-keys.js';
import { SessionStore } from './auth/sessions.js';
import { BoardReader } from './board/read-board.js';
import { createMetrics } from './http/metrics.js';
import { attachBoardNamespace, type BoardServer } from './live/board-namespace.js';
import { EventStreamTail } from './live/event-stream-tail.js';
import { coalesceWebsocketFrames } from './live/coalesce-frames.js';

export interface RunningServer {
  port: number;
  http: HttpServer;
  /** The express app, so a test can list every route it registers. */
  app: Express;
  /** Set when this start created the board's first admin key (print it once). */
  createdAdminKey: string | null;
  close(): Promise<void>;
}

/** Starts one server process: HTTP API, pages and the live `/board` namespace. */
export async function startServer(config: Config, reference: ReferenceData, logger: Logger): Promise<RunningServer> {
  const keys = redisKeys(config.keyPrefix);
  const redis = createRedis(config.redisUrl, { name: 'pb-server' });
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  // The tail blocks on XREAD, so it needs a connection of its own that retries through outages.
  const tailRedis = createRedis(config.redisUrl, { forBullWorker: true, name: 'pb-server-tail' });
  tailRedis.on('error', () => undefined);
  await waitForRedis(redis);
  await assertNoEviction(redis);
  await warnIfNotDurable(redis, logger);

  // The queue gets a connection of its own: ioredis copies every script defined on a
  // connection into each MULTI it starts, and BullMQ defines many.
  const queueRedis = createRedis(config.redisUrl, { name: 'pb-server-queue' });
  queueRedis.on('error', () => undefined);
  await waitForRedis(queueRedis);
  const queue = new Queue(UPDATES_QUEUE, { connection: queueRedis, prefix: keys.bullPrefix });
  queue.on('error', (error) => logger.warn({ err: error.message }, 'queue error'));
  const apiKeys = new ApiKeyStore(redis, keys);
  const sessions = new SessionStore(redis, keys, apiKeys);
  const reader = new BoardReader({ redis, keys, reference, staleAfterMinutes: config.staleAfterMinutes });
  const metrics = createMetrics();
  const createdAdminKey = await apiKeys.ensureBootstrapAdmin(config.adminKey);
  if (config.adminKey && (await apiKeys.wasRevoked(config.adminKey))) logger.warn('PB_ADMIN_KEY has been revoked and stays revoked; set a new value to issue a new bootstrap admin key');

  const ingest = new IngestRunner(createUpdateIngest({ redis, keys, queue, reference, config }), config);
  const app = createApp({ config, logger, redis, keys, reference, queue, apiKeys, sessions, reader, metrics, ingest });
  coalesceWebsocketFrames();
  // Idle keep-alive connections stay open longer than proxies' and integrations' pools keep
  // theirs (65 s; Node's default 5 s has a client reuse a socket the server is closing at
  // that moment, a reset POST); headers must still arrive within 66 s.
  const http = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 }, app);
  const io: BoardServer = new Server(http, { serveClient: false, cors: { origin: false } });
  // SPEC §12: the long-polling transport's responses carry the same headers as every other.
  io.engine.use(securityHeaders);
  const tail = new EventStreamTail(tailRedis, keys, logger);
  await tail.start();
  tail.on('event', (event) => observeLiveEvent(metrics, event));
  const board = attachBoardNamespace({
    io, redis, keys, tail, reader, apiKeys, sessions, logger, publicUrl: config.publicUrl,
    onDelivered: (count) => metrics.eventsBroadcast.inc(count),
    onSnapshotBuilt: () => metrics.snapshotBuilds.inc(),
  });
  io.of('/board').on('connection', (socket) => {
    metrics.sockets.inc();
    socket.on('disconnect', () => metrics.sockets.dec());
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  logger.info({ port, prefix: config.keyPrefix }, 'server listening');

  return {
    port,
    http,
    app,
    createdAdminKey,
    async close() {
      board.close();
      // Stop taking new connections and requests, then let the ones in flight finish.
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      await tail.stop();
      await ingest.close();
      await queue.close();
      await Promise.all([redis, queueRedis].map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
