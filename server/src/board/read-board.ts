import type { Redis } from 'ioredis';
import {
  alertSchema,
  EMPTY_STATUS,
  projectSiteStatus,
  storedStatusSchema,
  type Alert,
  type BoardSnapshot,
  type RedisKeys,
  type SiteStatus,
  type StoredStatus,
} from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';

export interface BoardReaderOptions {
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  staleAfterMinutes: number;
}

/** A region filter; null means every region. */
export type RegionFilter = Set<string> | null;

function inRegions(region: string, regions: RegionFilter): boolean {
  return regions === null || regions.has(region);
}

/** Stored alerts within the regions, newest first. */
function parseAlerts(values: string[], regions: RegionFilter): Alert[] {
  return values
    .map((json) => alertSchema.parse(JSON.parse(json)))
    .filter((alert) => inRegions(alert.region, regions))
    .sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
}

function parseStored(json: string | null | undefined): StoredStatus {
  return json ? storedStatusSchema.parse(JSON.parse(json)) : EMPTY_STATUS;
}

/** Reads the board: now, or as it was at a moment in the retained history. */
export class BoardReader {
  constructor(private readonly options: BoardReaderOptions) {}

  /** The live board, read in one transaction so its `seq` matches its sites. */
  async snapshot(regions: RegionFilter): Promise<BoardSnapshot> {
    const { redis, keys, reference, staleAfterMinutes } = this.options;
    const [[, statuses], [, seq], [, alertValues]] = (await redis
      .multi()
      .hgetall(keys.status)
      .get(keys.seq)
      .hvals(keys.alerts)
      .exec()) as [[null, Record<string, string>], [null, string | null], [null, string[]]];
    const now = Date.now();
    const sites = reference.sites
      .filter((site) => inRegions(site.region, regions))
      .map((site) => projectSiteStatus(site, parseStored(statuses[site.code]), now, staleAfterMinutes));
    const alerts = parseAlerts(alertValues, regions).filter((alert) => !alert.endedAt);
    return { seq: Number(seq ?? 0), asOf: new Date(now).toISOString(), sites, alerts };
  }

  /**
   * The board as it was at `at`: for each site the last status applied up to then,
   * and the alerts open then (SPEC §10, for post-incident review).
   */
  async snapshotAt(at: Date, regions: RegionFilter): Promise<BoardSnapshot> {
    const { redis, keys, reference, staleAfterMinutes } = this.options;
    const atMs = at.getTime();
    const [seqAt] = await redis.zrevrangebyscore(keys.seqTimes, atMs, '-inf', 'LIMIT', 0, 1);
    const seq = Number(seqAt ?? 0);
    const sites = reference.sites.filter((site) => inRegions(site.region, regions));
    const pipeline = redis.pipeline();
    for (const site of sites) pipeline.zrevrangebyscore(keys.history(site.code), seq, 1, 'LIMIT', 0, 20);
    const replies = (await pipeline.exec()) ?? [];
    const statuses: SiteStatus[] = sites.map((site, index) => {
      const entries = (replies[index]?.[1] as string[] | undefined) ?? [];
      const applied = entries.map((json) => JSON.parse(json) as { state: string; status?: StoredStatus }).find((entry) => entry.state === 'applied' && entry.status);
      return projectSiteStatus(site, applied?.status ? storedStatusSchema.parse(pickStored(applied.status)) : EMPTY_STATUS, atMs, staleAfterMinutes);
    });
    const alerts = (await this.alerts(regions)).filter((alert) => Date.parse(alert.raisedAt) <= atMs && (!alert.endedAt || Date.parse(alert.endedAt) > atMs));
    return { seq, asOf: at.toISOString(), sites: statuses, alerts };
  }

  /** Every alert still kept (open, acknowledged, recently ended), newest first. */
  async alerts(regions: RegionFilter): Promise<Alert[]> {
    const { redis, keys } = this.options;
    return parseAlerts(await redis.hvals(keys.alerts), regions);
  }

  /** One site's current status. */
  async siteStatus(code: string): Promise<SiteStatus | null> {
    const { redis, keys, reference, staleAfterMinutes } = this.options;
    const site = reference.byCode.get(code);
    if (!site) return null;
    return projectSiteStatus(site, parseStored(await redis.hget(keys.status, code)), Date.now(), staleAfterMinutes);
  }
}

/** History entries hold a projected status; keep only the stored fields. */
function pickStored(status: StoredStatus): StoredStatus {
  const { opel, incident, ed, metrics, note, observedAt, receivedAt, source, actor, inferred, updateId } = status;
  return { opel, incident, ed, metrics, note, observedAt, receivedAt, source, actor, inferred, updateId };
}
