import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '@pb/shared';
import { requireRole } from '../auth/authenticate.js';
import { badRequest } from '../http/api-error.js';

/** `GET /rejections`: recent rejected updates with their reasons (the dead-letter view). */
export function rejectionsRouter(deps: { redis: Redis; keys: RedisKeys }): Router {
  const router = Router();
  router.get('/rejections', requireRole('admin', 'director'), async (req, res) => {
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('?limit= must be a whole number 1–1000.', [{ path: 'limit', message: 'must be 1–1000' }]);
    const rows = await deps.redis.lrange(deps.keys.rejections, 0, limit - 1);
    res.json({ rejections: rows.map((json) => JSON.parse(json)) });
  });
  return router;
}
