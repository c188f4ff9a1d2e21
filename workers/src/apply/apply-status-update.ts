import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import {
  alertChanges,
  EMPTY_STATUS,
  isSuperseded,
  mergeStatusUpdate,
  projectSiteStatus,
  storedStatusSchema,
  type AlertKind,
  type NormalisedUpdate,
  type RedisKeys,
  type Site,
  type StoredStatus,
  type UpdateOrigin,
} from '@pb/shared';

const APPLY_SCRIPT = readFileSync(new URL('./apply-status-update.lua', import.meta.url), 'utf8');

/** History entries kept per site; enough for weeks of hourly updates. */
const HISTORY_KEPT_PER_SITE = 2000;
/** Compare-and-set retries before giving up; contention on one site is brief. */
const MAX_ATTEMPTS = 50;

/** Alerts whose cause ends whenever a site reports again. */
const ENDED_BY_ANY_REPORT: AlertKind[] = ['stale', 'until_expired'];

export interface ApplyOutcome {
  state: 'applied' | 'superseded';
  seq: number;
}

export interface ChangeRequest {
  site: Site;
  /** Computes the new stored status from the current one; null leaves it unchanged. */
  change: (current: StoredStatus) => StoredStatus | null;
  raise?: AlertKind[];
  end?: AlertKind[];
  staleFlag?: 'set' | 'clear' | '';
  emitStatus: boolean;
}

type ApplyReply = [number, number];

/**
 * Applies status changes to Redis atomically. Reads the current status, computes the
 * change in TypeScript with the shared rules, and commits it with a Lua
 * compare-and-set, retrying when another worker changed the site in between.
 */
export class StatusApplier {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly staleAfterMinutes: number,
  ) {
    // EVALSHA with a fallback to EVAL: the script is sent once per connection, not per update.
    if (!('applyStatusUpdate' in redis)) redis.defineCommand('applyStatusUpdate', { numberOfKeys: 10, lua: APPLY_SCRIPT });
  }

  /**
   * Applies one normalised update from a posted job. With `finish`, this is the job's
   * last update and the update record gets its final state in the same step.
   */
  async applyUpdate(site: Site, normalised: NormalisedUpdate, origin: UpdateOrigin, finish?: { earlierApplied: boolean; sites: string[] }): Promise<ApplyOutcome> {
    const finishing = finish ? [finish.earlierApplied ? 'last-after-applied' : 'last', finish.sites.join(',')] as const : (['', ''] as const);
    const marker = `done:${site.code}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { current, version, known } = await this.readCurrent(site.code);
      const now = Date.now();
      if (isSuperseded(current, normalised.update.observedAt)) {
        const entry = {
          state: 'superseded',
          observedAt: normalised.update.observedAt,
          receivedAt: origin.receivedAt,
          actor: origin.actor,
          updateId: origin.updateId,
          source: normalised.source,
          update: normalised.update,
        };
        const [code, seq] = await this.runScript(site, origin.updateId, version, 'superseded', '', '', JSON.stringify(entry), [], [], '', marker, now, finishing);
        if (code === -1) continue;
        return { state: code === 0 ? await this.stateOf(origin.updateId) : 'superseded', seq };
      }
      const next = mergeStatusUpdate(current, normalised, origin);
      const { raised, ended } = alertChanges(current, next);
      const status = projectSiteStatus(site, next, now, this.staleAfterMinutes);
      const event = { site: site.code, status, previous: known ? projectSiteStatus(site, current, now, this.staleAfterMinutes) : null };
      const entry = {
        state: 'applied',
        observedAt: next.observedAt,
        receivedAt: next.receivedAt,
        actor: next.actor,
        updateId: next.updateId,
        source: next.source,
        status,
      };
      const [code, seq] = await this.runScript(
        site, origin.updateId, version, 'applied', JSON.stringify(next), JSON.stringify(event), JSON.stringify(entry),
        raised, [...ended, ...ENDED_BY_ANY_REPORT], 'clear', marker, now, finishing,
      );
      if (code === -1) continue;
      return { state: code === 0 ? await this.stateOf(origin.updateId) : 'applied', seq };
    }
    throw new Error(`site ${site.code} kept changing under ${MAX_ATTEMPTS} attempts to apply update ${origin.updateId}`);
  }

  /**
   * A change that is not a posted update (staleness, A&E `until` expiry): raises or
   * ends alerts and, when asked, re-publishes the status. Returns the status seq, or
   * null when `change` found nothing to do.
   */
  async applyChange(request: ChangeRequest): Promise<number | null> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { current, version } = await this.readCurrent(request.site.code);
      const next = request.change(current);
      if (next === null) return null;
      const now = Date.now();
      const status = projectSiteStatus(request.site, next, now, this.staleAfterMinutes);
      const event = request.emitStatus ? JSON.stringify({ site: request.site.code, status, previous: projectSiteStatus(request.site, current, now, this.staleAfterMinutes) }) : '';
      const [code, seq] = await this.runScript(
        request.site, '', version, 'applied', JSON.stringify(next), event, '',
        request.raise ?? [], request.end ?? [], request.staleFlag ?? '', '', now, ['', ''],
      );
      if (code === -1) continue;
      return seq;
    }
    throw new Error(`site ${request.site.code} kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  async readCurrent(code: string): Promise<{ current: StoredStatus; version: number; known: boolean }> {
    const [[, raw], [, version]] = (await this.redis
      .multi()
      .hget(this.keys.status, code)
      .hget(this.keys.versions, code)
      .exec()) as [[null, string | null], [null, string | null]];
    if (!raw) return { current: EMPTY_STATUS, version: Number(version ?? 0), known: false };
    return { current: storedStatusSchema.parse(JSON.parse(raw)), version: Number(version ?? 0), known: true };
  }

  private async stateOf(updateId: string): Promise<'applied' | 'superseded'> {
    const state = await this.redis.hget(this.keys.update(updateId), 'state');
    return state === 'superseded' ? 'superseded' : 'applied';
  }

  private async runScript(
    site: Site, updateId: string, version: number, state: 'applied' | 'superseded',
    statusJson: string, eventJson: string, historyJson: string,
    raise: AlertKind[], end: AlertKind[], staleFlag: string, marker: string, now: number,
    finishing: readonly [string, string],
  ): Promise<ApplyReply> {
    const k = this.keys;
    const reply = (await (this.redis as Redis & { applyStatusUpdate: (...args: string[]) => Promise<ApplyReply> }).applyStatusUpdate(
      k.status, k.versions, k.seq, k.events, k.seqTimes, k.history(site.code), k.update(updateId || '-'), k.alerts, k.openAlerts, k.staleSites,
      site.code, String(version), state, statusJson, eventJson, historyJson,
      String(now), new Date(now).toISOString(), raise.join(','), end.join(','), site.region,
      String(HISTORY_KEPT_PER_SITE), staleFlag, updateId ? marker : '', finishing[0], finishing[1],
    )) as ApplyReply;
    return reply;
  }
}
