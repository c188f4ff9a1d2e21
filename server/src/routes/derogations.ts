import express, { Router, type Request } from 'express';
import { derogationChangeSchema, derogationCreateSchema, derogationSchema, issuesToDetails, type Site } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { readableRegions, requireRole } from '../auth/authenticate.js';
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.js';
import { summariseDerogations, type DerogationStore } from '../derogations/derogation-store.js';
import { regionsForRead } from './board.js';
import type { AuditLog } from '../audit/audit-log.js';

/** Trust keys act for their own trusts' sites; directors within their regions; admins anywhere. */
function mayChange(req: Request, site: Pick<Site, 'trust' | 'region'>): boolean {
  const caller = req.caller!;
  if (caller.role === 'admin') return true;
  if (caller.role === 'trust') return caller.trusts?.includes(site.trust) ?? false;
  if (caller.role === 'director') {
    const regions = readableRegions(caller);
    return regions === null || regions.has(site.region);
  }
  return false;
}

/** `POST /derogations`, `PATCH /derogations/:id`, `GET /derogations` (SPEC §4). */
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
    if (!mayChange(req, site)) throw forbidden(`This key may not request derogations for ${site.code} (trust ${site.trust}).`);
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
    const current = derogationSchema.parse(JSON.parse(currentJson));
    if (!mayChange(req, current)) throw forbidden(`This key may not change derogation requests for ${current.site}.`);
    const changed = await deps.store.changeState(current, currentJson, parsed.data.state, req.caller!.label, parsed.data.note);
    await deps.audit.record({ actor: req.caller!.label, actorKeyId: req.caller!.id, action: 'derogation.changed', target: id, detail: `${current.state} → ${changed.state}` });
    res.json(changed);
  });

  return router;
}
