import type { Redis, Result } from 'ioredis';
import { z } from 'zod';
import { EMPTY_STATUS, storedStatusSchema, type AlertKind, type RedisKeys, type StoredStatus } from '@pb/shared';
import { defineLuaCommand, loadLuaScript } from '@pb/shared/node';

const READ_SCRIPT = loadLuaScript(new URL('./read-apply-state.lua', import.meta.url));
const COMMIT_SCRIPT = loadLuaScript(new URL('./commit-status-changes.lua', import.meta.url));

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** workers/src/apply/read-apply-state.lua: KEYS and ARGV are listed in its header. */
    pbReadApplyState(numberOfKeys: number, ...keysThenRequest: string[]): Result<(string | null)[], Context>;
    /** workers/src/apply/commit-status-changes.lua: KEYS and ARGV are listed in its header. */
    pbCommitStatusChanges(numberOfKeys: number, ...keysThenBatch: string[]): Result<string[], Context>;
  }
}

/** History entries kept per site: weeks of hourly updates. */
export const HISTORY_KEPT_PER_SITE = 2000;

/** Where a change left its update: `applied` or `superseded`, at `seq`. */
export interface ChangeResult {
  state: 'applied' | 'superseded';
  seq: number;
}

/** A site as read: its stored status and the version a commit must still find. */
export interface SiteSnapshot {
  current: StoredStatus;
  version: number;
  /** False for a site never updated (its status is EMPTY_STATUS). */
  known: boolean;
}

/** An update's record as read: its state, and which of its changes are already done. */
export interface RecordSnapshot {
  state: string | null;
  seq: number;
  /** One per marker asked for, in order: the change's result, or null when not done. */
  done: (ChangeResult | null)[];
}

/** One change to commit, computed in TypeScript; see commit-status-changes.lua. */
export type StatusChange = AppliedChange | SupersededChange;

interface ChangeCommon {
  site: string;
  region: string;
  /** The history entry's JSON members, without braces (seq and status are added); absent records none. */
  entry?: string;
  /** The posted update this change belongs to. */
  record?: ChangeRecord;
}

/** A change that goes on the board. */
export interface AppliedChange extends ChangeCommon {
  state: 'applied';
  /** The new stored status JSON. */
  status: string;
  /** The same status as an object: kept to be read again without parsing. Never sent. */
  stored?: StoredStatus;
  /** The site's SiteStatus JSON after the change (the event's and the history's `status`). */
  projected: string;
  /** The site's SiteStatus JSON before the change; absent when it had none. */
  previous?: string;
  /** Append a `status` event. */
  publish: boolean;
  raise: AlertKind[];
  end: AlertKind[];
  stale?: 'set' | 'clear';
}

/** An update older than the site's status: history only. */
export interface SupersededChange extends ChangeCommon {
  state: 'superseded';
}

/** Where a posted update's change marks itself done, and, on its last change, how the update ends. */
export interface ChangeRecord {
  updateId: string;
  marker: string;
  /** On the update's last change: the sites it named and what its changes done before did. */
  finish?: { sites: string[]; earlierApplied: boolean; earlierSeq: number };
}

/** A commit's answer: each change's result, in order, or the sites that moved (then nothing was written). */
export type CommitReply = { committed: true; results: ChangeResult[] } | { committed: false; moved: string[] };

/** The record field that marks an update's change to `site` as done. */
export function doneMarker(site: string): string {
  return `done:${site}`;
}

const RESULT = /^(applied|superseded):(\d+)$/;

/** Reads a done marker: `<state>:<seq>`, or a bare seq as written before states were kept. */
export function parseChangeResult(value: string): ChangeResult {
  const match = RESULT.exec(value);
  if (match) return { state: match[1] === 'applied' ? 'applied' : 'superseded', seq: Number(match[2]) };
  return { state: 'applied', seq: Number(value) || 0 };
}

const readReply = z.array(z.string().nullable());
const commitReply = z.union([
  z.tuple([z.literal('moved')]).rest(z.string()),
  z.tuple([z.literal('ok')]).rest(z.string().regex(RESULT)),
]);

/**
 * The Redis side of applying: one consistent read of every site and update record a
 * job touches, and one script call to commit a bounded batch of changes with a
 * compare-and-set on every site's version.
 */
export class StatusStore {
  /**
   * Each site's stored status as this process last wrote or read it, JSON beside the
   * parsed object (treated as immutable, as the merge rules do): a read that finds
   * the same JSON skips parsing and validating it again. One entry per site.
   */
  private readonly parsed = new Map<string, { json: string; status: StoredStatus }>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    defineLuaCommand(redis, 'pbReadApplyState', { lua: READ_SCRIPT });
    defineLuaCommand(redis, 'pbCommitStatusChanges', { lua: COMMIT_SCRIPT });
  }

  /**
   * Reads the sites' statuses and versions and the records' states and done markers
   * in one script call: one round trip, and one instant, so a status is never read
   * with another version.
   */
  async read(sites: string[], records: { updateId: string; markers: string[] }[]): Promise<{ sites: Map<string, SiteSnapshot>; records: Map<string, RecordSnapshot> }> {
    const keys = [this.keys.status, this.keys.versions, ...records.map((record) => this.keys.update(record.updateId))];
    const request = JSON.stringify({ sites, markers: records.map((record) => record.markers) });
    const reply = readReply.parse(await this.redis.pbReadApplyState(keys.length, ...keys, request));

    const snapshots = new Map<string, SiteSnapshot>();
    for (const [index, site] of sites.entries()) {
      const raw = reply[index];
      const version = Number(reply[sites.length + index] ?? 0);
      snapshots.set(site, raw ? { current: this.parse(site, raw), version, known: true } : { current: EMPTY_STATUS, version, known: false });
    }
    const recordSnapshots = new Map<string, RecordSnapshot>();
    let offset = 2 * sites.length;
    for (const record of records) {
      const [state = null, seq = null, ...done] = reply.slice(offset, offset + 2 + record.markers.length);
      offset += 2 + record.markers.length;
      recordSnapshots.set(record.updateId, { state, seq: Number(seq ?? 0), done: record.markers.map((_, i) => (done[i] ? parseChangeResult(done[i]) : null)) });
    }
    return { sites: snapshots, records: recordSnapshots };
  }

  private parse(site: string, json: string): StoredStatus {
    const cached = this.parsed.get(site);
    if (cached?.json === json) return cached.status;
    const status = storedStatusSchema.parse(JSON.parse(json));
    this.parsed.set(site, { json, status });
    return status;
  }

  /**
   * Commits the changes in order, all or none: none when a site's version is no
   * longer the one in `expect` (then `moved` names those sites). Keep each batch
   * small (about 100 changes) so no call holds Redis for more than a few ms.
   */
  async commit(changes: StatusChange[], expect: Map<string, number>, now: number): Promise<CommitReply> {
    const k = this.keys;
    const keys = [k.status, k.versions, k.seq, k.events, k.seqTimes, k.alerts, k.openAlerts, k.staleSites];
    const keyIndex = new Map<string, number>();
    // Lua counts KEYS from 1.
    const indexOf = (key: string): number => {
      let index = keyIndex.get(key);
      if (index === undefined) {
        keys.push(key);
        index = keys.length;
        keyIndex.set(key, index);
      }
      return index;
    };
    // A site's first applied change in a call brings its `previous`; the script hands
    // each later one the status before it.
    const withPrevious = new Set<string>();
    const packed = changes.map((change) => {
      const first = change.state === 'applied' && !withPrevious.has(change.site);
      if (first) withPrevious.add(change.site);
      return {
        site: change.site,
        region: change.region,
        state: change.state,
        ...(change.state === 'applied'
          ? {
              status: change.status,
              projected: change.projected,
              publish: change.publish,
              ...(first && change.previous !== undefined ? { previous: change.previous } : {}),
              ...(change.raise.length ? { raise: change.raise } : {}),
              ...(change.end.length ? { end: change.end } : {}),
              ...(change.stale ? { stale: change.stale } : {}),
            }
          : {}),
        ...(change.entry !== undefined ? { history: indexOf(k.history(change.site)), entry: change.entry } : {}),
        ...(change.record
          ? {
              record: indexOf(k.update(change.record.updateId)),
              marker: change.record.marker,
              ...(change.record.finish ? { finish: { ...change.record.finish, sites: change.record.finish.sites.join(',') } } : {}),
            }
          : {}),
      };
    });
    const batch = JSON.stringify({ now, nowIso: new Date(now).toISOString(), historyKept: HISTORY_KEPT_PER_SITE, expect: [...expect], changes: packed });
    const reply = commitReply.parse(await this.redis.pbCommitStatusChanges(keys.length, ...keys, batch));
    if (reply[0] === 'moved') return { committed: false, moved: reply.slice(1) };
    for (const change of changes) if (change.state === 'applied' && change.stored) this.parsed.set(change.site, { json: change.status, status: change.stored });
    return { committed: true, results: reply.slice(1).map(parseChangeResult) };
  }
}
