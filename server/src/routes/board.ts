import { Router, type Request } from 'express';
import type { Redis } from 'ioredis';
import { isRegionCode, isoDateTime, REGION_CODES, type RedisKeys } from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { readableRegions } from '../auth/authenticate.js';
import { badRequest, forbidden, notFound } from '../http/api-error.js';
import type { BoardReader, RegionFilter } from '../board/read-board.js';

export interface BoardRouteDeps {
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  reader: BoardReader;
}

/**
 * The regions a read covers: `?region=` (one or a comma list) within what the
 * caller may read. Asking for a region outside a region-scoped key's scope is a 403.
 */
export function regionsForRead(req: Request): RegionFilter {
  const allowed = readableRegions(req.caller!);
  const param = typeof req.query.region === 'string' ? req.query.region : undefined;
  if (!param) return allowed;
  const asked = param.split(',').map((code) => code.trim().toUpperCase());
  const unknown = asked.filter((code) => !isRegionCode(code));
  if (unknown.length) throw badRequest(`Unknown region ${unknown.join(', ')}; regions are ${REGION_CODES.join(', ')}.`, [{ path: 'region', message: 'is not a region code' }]);
  const outside = allowed ? asked.filter((code) => !allowed.has(code)) : [];
  if (outside.length) throw forbidden(`This key may not read region ${outside.join(', ')}.`);
  return new Set(asked);
}

function siteReadable(req: Request, region: string): boolean {
  const allowed = readableRegions(req.caller!);
  return allowed === null || allowed.has(region);
}

function parseTime(value: unknown, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = isoDateTime.safeParse(value);
  if (!parsed.success) throw badRequest(`?${name}= must be an ISO 8601 time with a zone.`, [{ path: name, message: parsed.error.issues[0]!.message }]);
  return new Date(parsed.data);
}

/** `GET /board`, `GET /sites`, `GET /sites/:code`, `GET /sites/:code/history`. */
export function boardRouter(deps: BoardRouteDeps): Router {
  const router = Router();

  router.get('/board', async (req, res) => {
    const regions = regionsForRead(req);
    const at = parseTime(req.query.at, 'at');
    if (at && at.getTime() > Date.now()) throw badRequest('?at= is in the future; leave it out for the live board.', [{ path: 'at', message: 'is in the future' }]);
    res.json(at ? await deps.reader.snapshotAt(at, regions) : await deps.reader.snapshot(regions));
  });

  router.get('/sites', async (req, res) => {
    const regions = regionsForRead(req);
    const board = await deps.reader.snapshot(regions);
    const statusByCode = new Map(board.sites.map((status) => [status.site, status]));
    const sites = deps.reference.sites
      .filter((site) => statusByCode.has(site.code))
      .map((site) => ({ ...site, status: statusByCode.get(site.code)! }));
    res.json({ seq: board.seq, sites });
  });

  /** The flat SiteStatus, the same object as in `GET /board` (SPEC §10); reference fields are in `GET /sites`. */
  router.get('/sites/:code', async (req, res) => {
    const code = (req.params.code ?? '').toUpperCase();
    const site = deps.reference.byCode.get(code);
    if (!site) throw notFound(`No site with code ${code}.`);
    if (!siteReadable(req, site.region)) throw forbidden(`This key may not read region ${site.region}.`);
    const status = await deps.reader.siteStatus(code);
    if (!status) throw notFound(`No site with code ${code}.`);
    res.json(status);
  });

  router.get('/sites/:code/history', async (req, res) => {
    const code = (req.params.code ?? '').toUpperCase();
    const site = deps.reference.byCode.get(code);
    if (!site) throw notFound(`No site with code ${code}.`);
    if (!siteReadable(req, site.region)) throw forbidden(`This key may not read region ${site.region}.`);
    const since = parseTime(req.query.since, 'since');
    const until = parseTime(req.query.until, 'until');
    const limitParam = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limitParam) || limitParam < 1 || limitParam > 1000) throw badRequest('?limit= must be a whole number 1–1000.', [{ path: 'limit', message: 'must be 1–1000' }]);
    const raw = await deps.redis.zrevrange(deps.keys.history(code), 0, -1);
    const entries = raw
      .map((json) => JSON.parse(json) as { observedAt: string | null })
      .filter((entry) => {
        const t = entry.observedAt ? Date.parse(entry.observedAt) : 0;
        return (!since || t >= since.getTime()) && (!until || t <= until.getTime());
      })
      .slice(0, limitParam);
    res.json({ site: code, entries });
  });

  return router;
}
