import express, { Router } from 'express';
import { issuesToDetails, keyCreateSchema } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { requireRole } from '../auth/authenticate.js';
import type { ApiKeyStore } from '../auth/api-keys.js';
import { badRequest, notFound } from '../http/api-error.js';
import type { AuditLog } from '../audit/audit-log.js';

/** `POST /keys`, `GET /keys`, `DELETE /keys/:id` (admin only). */
export function keysRouter(deps: { apiKeys: ApiKeyStore; reference: ReferenceData; audit: AuditLog }): Router {
  const router = Router();
  router.use(['/keys', '/audit'], requireRole('admin'));

  router.post('/keys', express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = keyCreateSchema.safeParse(req.body);
    if (!parsed.success) throw badRequest('The key request is not valid.', issuesToDetails(parsed.error.issues));
    const unknownTrusts = (parsed.data.trusts ?? []).filter((code) => !deps.reference.byTrust.has(code));
    if (unknownTrusts.length) {
      throw badRequest('The key names trusts that are not in the reference data.', unknownTrusts.map((code) => ({ path: 'trusts', message: `unknown trust code ${code}` })));
    }
    const created = await deps.apiKeys.create(parsed.data);
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'key.created', target: created.id, detail: `${created.role} key "${created.label}"` });
    res.status(201).json(created);
  });

  router.get('/keys', async (_req, res) => {
    res.json({ keys: await deps.apiKeys.list() });
  });

  router.delete('/keys/:id', async (req, res) => {
    const revoked = await deps.apiKeys.revoke(req.params.id ?? '');
    if (!revoked) throw notFound(`No key with id ${req.params.id}.`);
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'key.revoked', target: revoked.id, detail: `${revoked.role} key "${revoked.label}"` });
    res.json(revoked);
  });

  router.get('/audit', async (req, res) => {
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('?limit= must be a whole number 1–1000.', [{ path: 'limit', message: 'must be 1–1000' }]);
    res.json({ entries: await deps.audit.recent(limit) });
  });

  return router;
}
