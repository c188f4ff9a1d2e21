import express, { Router } from 'express';
import { issuesToDetails, keyCreateSchema } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { requireRole } from '../auth/authenticate.js';
import type { ApiKeyStore } from '../auth/api-keys.js';
import { badRequest, notFound } from '../http/api-error.js';

/** `POST /keys`, `GET /keys`, `DELETE /keys/:id` (admin only). */
export function keysRouter(deps: { apiKeys: ApiKeyStore; reference: ReferenceData }): Router {
  const router = Router();
  router.use('/keys', requireRole('admin'));

  router.post('/keys', express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = keyCreateSchema.safeParse(req.body);
    if (!parsed.success) throw badRequest('The key request is not valid.', issuesToDetails(parsed.error.issues));
    const unknownTrusts = (parsed.data.trusts ?? []).filter((code) => !deps.reference.byTrust.has(code));
    if (unknownTrusts.length) {
      throw badRequest('The key names trusts that are not in the reference data.', unknownTrusts.map((code) => ({ path: 'trusts', message: `unknown trust code ${code}` })));
    }
    res.status(201).json(await deps.apiKeys.create(parsed.data));
  });

  router.get('/keys', async (_req, res) => {
    res.json({ keys: await deps.apiKeys.list() });
  });

  router.delete('/keys/:id', async (req, res) => {
    const revoked = await deps.apiKeys.revoke(req.params.id ?? '');
    if (!revoked) throw notFound(`No key with id ${req.params.id}.`);
    res.json(revoked);
  });

  return router;
}
