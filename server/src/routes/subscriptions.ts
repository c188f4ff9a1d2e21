import express, { Router, type RequestHandler } from 'express';
import { issuesToDetails, subscriptionCreateSchema, SUBSCRIBING_ROLES } from '@pb/shared';
import { requireRole } from '../auth/authenticate.js';
import { ApiError, badRequest } from '../http/api-error.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { SubscriptionService } from '../notify/subscription-service.js';

const jsonOnly: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) throw new ApiError(415, 'unsupported_media_type', 'Send the subscription as JSON (Content-Type: application/json).');
  next();
};

/**
 * `POST /subscriptions`, `GET /subscriptions`, `DELETE /subscriptions/:id`,
 * `POST /subscriptions/:id/test`, `GET /subscriptions/:id/deliveries` (SPEC §14):
 * directors within their regions, and admins.
 */
export function subscriptionsRouter(deps: { service: SubscriptionService; audit: AuditLog }): Router {
  const router = Router();
  router.use('/subscriptions', requireRole(...SUBSCRIBING_ROLES));

  router.post('/subscriptions', jsonOnly, express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = subscriptionCreateSchema.safeParse(req.body);
    if (!parsed.success) throw badRequest('The subscription is not valid.', issuesToDetails(parsed.error.issues));
    const created = await deps.service.create(req.caller!, parsed.data);
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'subscription.created', target: created.id, detail: `${created.channel} "${created.label}"` });
    res.status(201).json(created);
  });

  router.get('/subscriptions', async (req, res) => {
    res.json({ subscriptions: await deps.service.list(req.caller!) });
  });

  router.delete('/subscriptions/:id', async (req, res) => {
    const removed = await deps.service.remove(req.caller!, String(req.params.id ?? ''));
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'subscription.deleted', target: removed.id, detail: `${removed.channel} "${removed.label}"` });
    res.status(204).end();
  });

  router.post('/subscriptions/:id/test', async (req, res) => {
    res.status(202).json(await deps.service.test(req.caller!, String(req.params.id ?? '')));
  });

  router.get('/subscriptions/:id/deliveries', async (req, res) => {
    res.json({ deliveries: await deps.service.deliveries(req.caller!, String(req.params.id ?? '')) });
  });

  return router;
}
