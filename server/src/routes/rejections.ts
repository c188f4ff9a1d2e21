import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { requireRole } from '../auth/authenticate.js';
import type { ApiKeyStore } from '../auth/api-keys.js';
import { badRequest } from '../http/api-error.js';
import type { RegionFilter } from '../board/read-board.js';
import { regionsForRead } from './board.js';

/** A rejected update as the workers list it (workers/src/apply/record-rejection.ts). */
interface RejectionEntry {
  id: string;
  site?: string;
  keyId?: string;
  [field: string]: unknown;
}

export interface RejectionRouteDeps {
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  apiKeys: ApiKeyStore;
}

/**
 * The regions a rejection concerns: its site's, or, when it names no known site (a CSV
 * row or an EDXL-HAVE hospital that matched none), the regions of the poster's trusts.
 * Empty when neither is known: then only unscoped keys see it.
 */
function regionsOfRejection(entry: RejectionEntry, reference: ReferenceData, trustsByKey: Map<string, string[] | undefined>): Set<string> {
  const site = entry.site ? reference.byCode.get(entry.site) : undefined;
  if (site) return new Set([site.region]);
  const trusts = entry.keyId ? (trustsByKey.get(entry.keyId) ?? []) : [];
  return new Set(trusts.flatMap((trust) => (reference.byTrust.get(trust) ?? []).map((s) => s.region)));
}

/**
 * `GET /rejections`: recent rejected updates with their reasons (the dead-letter view),
 * only those about the caller's regions when its key is region-scoped (SPEC §12).
 */
export function rejectionsRouter(deps: RejectionRouteDeps): Router {
  const router = Router();
  router.get('/rejections', requireRole('admin', 'director'), async (req, res) => {
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('?limit= must be a whole number 1–1000.', [{ path: 'limit', message: 'must be 1–1000' }]);
    const regions: RegionFilter = regionsForRead(req);
    // The list is bounded (the workers keep the last 1,000), so filtering reads it all.
    const rows = await deps.redis.lrange(deps.keys.rejections, 0, regions === null ? limit - 1 : -1);
    const entries = rows.map((json) => JSON.parse(json) as RejectionEntry);
    if (regions === null) {
      res.json({ rejections: entries });
      return;
    }
    const unplaced = entries.filter((entry) => !(entry.site && deps.reference.byCode.has(entry.site)));
    const posters = await deps.apiKeys.byIds(unplaced.flatMap((entry) => (entry.keyId ? [entry.keyId] : [])));
    const trustsByKey = new Map([...posters].map(([id, key]) => [id, key.trusts]));
    const visible = entries.filter((entry) => [...regionsOfRejection(entry, deps.reference, trustsByKey)].some((region) => regions.has(region)));
    res.json({ rejections: visible.slice(0, limit) });
  });
  return router;
}
