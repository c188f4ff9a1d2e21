import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

/** `GET /healthz` (the process is up), `/readyz` (Redis answers) and `/metrics`. No data in any. */
export function healthRouter(deps: { redis: Redis; registry: Registry }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await deps.redis.ping();
      res.json({ ok: true, redis: 'ready' });
    } catch (error) {
      res.status(503).json({ error: { code: 'unavailable', message: `Redis is not reachable: ${(error as Error).message}` } });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
