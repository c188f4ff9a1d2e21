import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { OIDC_CALLBACK_PATH, SIGNED_OUT_PATH, type RedisKeys } from '@pb/shared';
import { DeliveryLog, SubscriptionStore, type Config, type Logger, type ReferenceData } from '@pb/shared/node';
import { authenticate } from './auth/authenticate.js';
import { sameOriginForCookies } from './auth/same-origin.js';
import type { ApiKeyStore } from './auth/api-keys.js';
import type { SessionStore } from './auth/sessions.js';
import type { BoardReader } from './board/read-board.js';
import { ApiError, errorHandler, notFoundHandler } from './http/api-error.js';
import type { Metrics } from './http/metrics.js';
import { perKeyRateLimit } from './http/rate-limit.js';
import { securityHeaders } from './http/security-headers.js';
import type { IngestRunner } from './ingest/ingest-runner.js';
import { alertsRouter } from './routes/alerts.js';
import { boardRouter } from './routes/board.js';
import { healthRouter } from './routes/health.js';
import { keysRouter } from './routes/keys.js';
import { rejectionsRouter } from './routes/rejections.js';
import { sessionRouter } from './routes/session.js';
import { oidcSessionRouter } from './routes/oidc-session.js';
import { OidcClient } from './auth/oidc-client.js';
import { OidcFlowStore } from './auth/oidc-flows.js';
import { updatesRouter } from './routes/updates.js';
import { derogationsRouter } from './routes/derogations.js';
import { exportsRouter } from './routes/exports.js';
import { DerogationStore } from './derogations/derogation-store.js';
import { toMe } from './auth/api-keys.js';
import { subscriptionsRouter } from './routes/subscriptions.js';
import { SubscriptionService } from './notify/subscription-service.js';
import { notificationQueueBeside } from './notify/notification-queue.js';
import { registerNotificationMetrics } from './notify/notification-metrics.js';
import { AuditLog } from './audit/audit-log.js';
import { apiDocsRouter } from './docs/api-docs.js';
import { requestLog } from './http/request-log.js';
import { registerQueueJobCounts } from '@pb/shared/node';
import { queueAdminRouter } from './admin/queue-admin.js';

export const CLIENT_DIST = fileURLToPath(new URL('../../client/dist/', import.meta.url));

export interface AppDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  queue: Queue;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  reader: BoardReader;
  metrics: Metrics;
  ingest: IngestRunner;
}

/** SPEC §9: while Redis is away the API says 503 at once rather than accept what it cannot keep. */
function requireRedis(redis: Redis): RequestHandler {
  return (_req, _res, next) => {
    if (redis.status !== 'ready') throw new ApiError(503, 'unavailable', 'The board’s data store is unreachable; nothing was accepted. Try again shortly.', undefined, { 'Retry-After': '5' });
    next();
  };
}

/** The HTTP side of a server process: API, pages, health. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Who the client is, behind a reverse proxy: its address for the sign-in limit and the
  // audit, the scheme for the Secure cookie, the host for the same-origin check.
  app.set('trust proxy', deps.config.trustProxy);
  app.use(securityHeaders);
  app.use(requestLog(deps.logger));
  app.use((req, res, next) => {
    const end = deps.metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? (req.path.startsWith('/api/') ? 'api-other' : 'static'), status: String(res.statusCode) }));
    next();
  });

  app.use(healthRouter({ redis: deps.redis, registry: deps.metrics.registry }));
  app.use(apiDocsRouter());

  const audit = new AuditLog(deps.redis, deps.keys);
  const api = express.Router();
  api.use(requireRedis(deps.redis));
  const signInLimitPrefix = `${deps.keys.rateLimit}sign-in:`;
  const oidc = deps.config.oidc
    ? { settings: deps.config.oidc, client: new OidcClient(deps.config.oidc, deps.config.publicUrl + OIDC_CALLBACK_PATH, deps.config.publicUrl + SIGNED_OUT_PATH) }
    : undefined;
  api.use(sessionRouter({ apiKeys: deps.apiKeys, sessions: deps.sessions, audit, redis: deps.redis, signInLimitPrefix, oidc: oidc?.client, logger: deps.logger }));
  api.use(oidcSessionRouter({ oidc, flows: new OidcFlowStore(deps.redis, deps.keys), sessions: deps.sessions, audit, redis: deps.redis, signInLimitPrefix, logger: deps.logger }));
  api.use(authenticate(deps.apiKeys, deps.sessions));
  api.use(sameOriginForCookies);
  api.use(perKeyRateLimit(deps.redis, deps.keys.rateLimit, deps.config.rateLimitPerSecond));
  api.get('/me', (req, res) => {
    const { viaSession: _viaSession, ...me } = req.caller!;
    res.json(toMe(me));
  });
  api.use(updatesRouter({ redis: deps.redis, keys: deps.keys, reference: deps.reference, ingest: deps.ingest, postedCounter: deps.metrics.updatesPosted }));
  api.use(boardRouter({ redis: deps.redis, keys: deps.keys, reference: deps.reference, reader: deps.reader }));
  api.use(alertsRouter({ redis: deps.redis, keys: deps.keys, reference: deps.reference, audit, reader: deps.reader }));
  api.use(derogationsRouter({ store: new DerogationStore(deps.redis, deps.keys), reference: deps.reference, audit }));
  api.use(exportsRouter({ reader: deps.reader, reference: deps.reference }));
  api.use(rejectionsRouter({ redis: deps.redis, keys: deps.keys, reference: deps.reference, apiKeys: deps.apiKeys }));
  api.use(keysRouter({ apiKeys: deps.apiKeys, reference: deps.reference, audit }));
  const notifications = { queue: notificationQueueBeside(deps.queue, deps.keys), subscriptions: new SubscriptionStore(deps.redis, deps.keys), deliveries: new DeliveryLog(deps.redis, deps.keys) };
  registerNotificationMetrics(deps.metrics.registry, notifications);
  registerQueueJobCounts(deps.metrics.registry, [deps.queue, notifications.queue]);
  app.use(queueAdminRouter({ sessions: deps.sessions, queues: [deps.queue, notifications.queue] }));
  const policy = { allowPrivate: deps.config.webhookAllowPrivate, allowHttp: deps.config.webhookAllowHttp };
  api.use(subscriptionsRouter({ service: new SubscriptionService({ ...notifications, policy, emailConfigured: Boolean(deps.config.smtpUrl) }), audit }));
  api.use(notFoundHandler);
  app.use('/api/v1', api);

  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
    // The board is a single-page app: its routes all load index.html.
    app.get(['/', '/signin', '/post', '/wall', '/subscriptions', '/sites/{*code}'], (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: CLIENT_DIST });
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
