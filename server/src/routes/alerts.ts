import { Router } from 'express';
import type { Redis } from 'ioredis';
import { ACKNOWLEDGING_ROLES, alertSchema, mayAcknowledgeAlert, type RedisKeys } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { requireRole } from '../auth/authenticate.js';
import { forbidden, notFound } from '../http/api-error.js';
import { acknowledgeAlert } from '../alerts/acknowledge-alert.js';
import { regionsForRead } from './board.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { BoardReader } from '../board/read-board.js';

/** `GET /alerts` and `POST /alerts/:id/ack`. */
export function alertsRouter(deps: { redis: Redis; keys: RedisKeys; reference: ReferenceData; audit: AuditLog; reader: BoardReader }): Router {
  const router = Router();

  router.get('/alerts', async (req, res) => {
    res.json({ alerts: await deps.reader.alerts(regionsForRead(req)) });
  });

  router.post('/alerts/:id/ack', requireRole(...ACKNOWLEDGING_ROLES), async (req, res) => {
    const id = String(req.params.id ?? '');
    const existing = await deps.redis.hget(deps.keys.alerts, id);
    if (!existing) throw notFound(`No alert with id ${id}.`);
    const alert = alertSchema.parse(JSON.parse(existing));
    if (!mayAcknowledgeAlert(req.caller!, alert)) throw forbidden(`This key may not acknowledge alerts in region ${alert.region}.`);
    const acknowledged = await acknowledgeAlert(deps.redis, deps.keys, id, req.caller!.label);
    if (!acknowledged) throw notFound(`No alert with id ${id}.`);
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'alert.acknowledged', target: id });
    res.json(acknowledged);
  });

  return router;
}
