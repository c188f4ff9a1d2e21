import express, { Router } from 'express';
import { checkDerogationMove, derogationChangeSchema, derogationCreateSchema, derogationSchema, isDerogationDecision, issuesToDetails, mayActOnDerogation } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { requireRole } from '../auth/authenticate.js';
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.js';
import { summariseDerogations, type DerogationStore } from '../derogations/derogation-store.js';
import { regionsForRead } from './board.js';
import type { AuditLog } from '../audit/audit-log.js';

/**
 * `POST /derogations`, `PATCH /derogations/:id`, `GET /derogations` (SPEC §4, §13). Who may
 * move a request where is the shared rule `checkDerogationMove`, which the board also uses.
 */
export function derogationsRouter(deps: { store: DerogationStore; reference: ReferenceData; audit: AuditLog }): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });

  router.get('/derogations', async (req, res) => {
    const regions = regionsForRead(req);
    const site = typeof req.query.site === 'string' ? req.query.site.toUpperCase() : undefined;
    const derogations = (await deps.store.list()).filter((d) => (regions === null || regions.has(d.region)) && (!site || d.site === site));
    res.json({ derogations, summary: summariseDerogations(derogations) });
  });

  router.post('/derogations', requireRole('trust', 'admin'), json, async (req, res) => {
    const parsed = derogationCreateSchema.safeParse(req.body);
    if (!parsed.success) throw badRequest('The derogation request is not valid.', issuesToDetails(parsed.error.issues));
    const site = deps.reference.byCode.get(parsed.data.site);
    if (!site) throw new ApiError(422, 'unknown_site', `Unknown site code ${parsed.data.site}.`, [{ path: 'site', message: `unknown site code ${parsed.data.site}` }]);
    if (!mayActOnDerogation(req.caller!, site)) throw forbidden(`This key may not request derogations for ${site.code} (trust ${site.trust}).`);
    const { derogation } = await deps.store.create(site, parsed.data, req.caller!.label);
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'derogation.created', target: derogation.id, detail: `${derogation.site} ${derogation.service}` });
    res.status(201).json(derogation);
  });

  router.patch('/derogations/:id', requireRole('trust', 'director', 'admin'), json, async (req, res) => {
    const parsed = derogationChangeSchema.safeParse(req.body);
    if (!parsed.success) throw badRequest('The change is not valid.', issuesToDetails(parsed.error.issues));
    const id = String(req.params.id ?? '');
    const currentJson = await deps.store.rawJson(id);
    if (!currentJson) throw notFound(`No derogation request with id ${id}.`);
    const change = parsed.data;
    if (change.decisionRef !== undefined && !isDerogationDecision(change.state)) {
      throw badRequest(`A decisionRef is recorded with a decision (under_review, approved, declined or revoked), not with ${change.state}.`, [{ path: 'decisionRef', message: `is not recorded with ${change.state}` }]);
    }
    const current = derogationSchema.parse(JSON.parse(currentJson));
    // SPEC §13: 403 for a move this key may not record, 409 for one the lifecycle does not allow now.
    const check = checkDerogationMove(req.caller!, current, change.state);
    if (!check.ok) {
      if (check.reason === 'forbidden') throw forbidden(check.message);
      throw new ApiError(409, 'invalid_transition', check.message, [{ path: 'state', message: `cannot go from ${current.state} to ${change.state}` }]);
    }
    const changed = await deps.store.changeState(current, currentJson, change, req.caller!.label);
    const ref = change.decisionRef ? ` (${change.decisionRef})` : '';
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'derogation.changed', target: id, detail: `${current.state} → ${changed.state}${ref}` });
    res.json(changed);
  });

  return router;
}
