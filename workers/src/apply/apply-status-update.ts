import type { Redis } from 'ioredis';
import {
  alertChanges,
  isSuperseded,
  mergeStatusUpdate,
  projectSiteStatus,
  type AlertKind,
  type NormalisedUpdate,
  type RedisKeys,
  type Site,
  type StoredStatus,
  type UpdateOrigin,
} from '@pb/shared';
import { KeyedSerialiser } from './keyed-serialiser.js';
import { doneMarker, StatusStore, type ChangeRecord, type ChangeResult, type RecordSnapshot, type SiteSnapshot, type StatusChange } from './status-store.js';

/** Compare-and-set rounds before giving up (the job is then retried by BullMQ). */
const MAX_ATTEMPTS = 50;
/**
 * Changes per script call: a call holds Redis for a few ms at most, so a big job
 * never stalls everyone else's small ones. An update's changes never straddle calls.
 */
export const CHANGES_PER_COMMIT = 100;

/** Alerts whose cause ends whenever a site reports again. */
const ENDED_BY_ANY_REPORT: AlertKind[] = ['stale', 'until_expired'];

/** A posted update, normalised: one change per site it names. */
export interface PostedUpdate {
  origin: UpdateOrigin;
  changes: { site: Site; normalised: NormalisedUpdate }[];
}

export interface ApplyOutcome {
  state: 'applied' | 'superseded';
  seq: number;
}

export interface BatchApplyResult {
  /** One per posted update, in order. */
  outcomes: ApplyOutcome[];
  /** Compare-and-set rounds lost to another process, for this batch. */
  retries: number;
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

/** One site while a batch is computed: its status after the changes computed so far. */
interface SiteState extends SiteSnapshot {
  /** `current` projected as JSON, once needed: the next change's `previous`. */
  projected?: string;
}

type PostedChange = StatusChange & { record: ChangeRecord };

/**
 * Applies status changes to Redis atomically, a job at a time. Reads every site and
 * update record the job touches in one round trip, computes each change in
 * TypeScript with the shared rules (update k of a site sees the result of update
 * k-1), and commits them in bounded script calls, each a compare-and-set on the
 * versions of the sites it touches. Within this process, applies to the same site
 * wait their turn (a keyed serialiser), so only another process can make a
 * compare-and-set fail; then the rest is read again and recomputed.
 */
export class StatusApplier {
  private readonly store: StatusStore;
  private readonly sites = new KeyedSerialiser();
  /** Compare-and-set rounds lost to another process since start. */
  compareAndSetRetries = 0;

  constructor(
    redis: Redis,
    keys: RedisKeys,
    private readonly staleAfterMinutes: number,
  ) {
    this.store = new StatusStore(redis, keys);
  }

  /**
   * Applies a job's posted updates in order. Each update ends `applied` (some change
   * applied) or `superseded`, with one history entry per site it names and one
   * `status` event per applied change; an update already done (a retried job) is
   * not applied again.
   */
  async applyUpdates(updates: PostedUpdate[]): Promise<BatchApplyResult> {
    const codes = [...new Set(updates.flatMap((update) => update.changes.map((change) => change.site.code)))];
    if (codes.length === 0) return { outcomes: [], retries: 0 };
    return this.sites.run(codes, async () => {
      const records = updates.map((update) => ({ updateId: update.origin.updateId, markers: update.changes.map((change) => doneMarker(change.site.code)) }));
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const read = await this.store.read(codes, records);
        const outcomes = await this.computeAndCommit(updates, read.sites, read.records);
        if (outcomes) return { outcomes, retries: attempt };
        this.compareAndSetRetries++;
      }
      throw new Error(`sites ${codes.slice(0, 5).join(', ')}${codes.length > 5 ? '…' : ''} kept changing under ${MAX_ATTEMPTS} attempts to apply ${updates.length} updates`);
    });
  }

  /**
   * Computes the changes not done yet and commits them in bounded calls, a call's
   * worth at a time (so a job never holds all its changes at once, and a site that
   * moved wastes at most one call's work); null when a site moved.
   */
  private async computeAndCommit(
    updates: PostedUpdate[],
    sites: Map<string, SiteSnapshot>,
    records: Map<string, RecordSnapshot>,
  ): Promise<ApplyOutcome[] | null> {
    const now = Date.now();
    const states = new Map<string, SiteState>([...sites].map(([code, snapshot]) => [code, { ...snapshot }]));
    const stateOf = (code: string): SiteState => {
      const state = states.get(code);
      if (!state) throw new Error(`site ${code} was not read`);
      return state;
    };
    const outcomes: (ApplyOutcome | undefined)[] = [];
    /** Per update still to do: the results it already has, and the indexes of its changes not done. */
    const pending: { index: number; update: PostedUpdate; earlier: ChangeResult[]; todo: PostedUpdate['changes'] }[] = [];
    for (const [index, update] of updates.entries()) {
      const record = records.get(update.origin.updateId);
      if (record && (record.state === 'applied' || record.state === 'superseded')) {
        outcomes[index] = { state: record.state, seq: record.seq };
        continue;
      }
      const earlier: ChangeResult[] = [];
      const todo: PostedUpdate['changes'] = [];
      update.changes.forEach((change, i) => {
        const done = record?.done[i];
        if (done) earlier.push(done);
        else todo.push(change);
      });
      if (todo.length === 0) outcomes[index] = combine(earlier);
      else pending.push({ index, update, earlier, todo });
    }

    // Each call expects the versions the calls before it leave behind.
    const versions = new Map([...sites].map(([code, snapshot]) => [code, snapshot.version]));
    for (const group of commitGroups(pending, (update) => update.todo.length)) {
      const changes: PostedChange[] = [];
      for (const { update, earlier, todo } of group) {
        const computed = todo.map(({ site, normalised }) => this.postedChange(site, normalised, update.origin, stateOf(site.code), now));
        // The update's last change finishes its record.
        const last = computed[computed.length - 1];
        if (last) last.record.finish = {
          sites: update.changes.map((change) => change.site.code),
          earlierApplied: earlier.some((result) => result.state === 'applied'),
          earlierSeq: Math.max(0, ...earlier.map((result) => result.seq)),
        };
        changes.push(...computed);
      }
      const expect = new Map<string, number>();
      for (const change of changes) if (!expect.has(change.site)) expect.set(change.site, versions.get(change.site) ?? 0);
      const reply = await this.store.commit(changes, expect, now);
      if (!reply.committed) return null;
      for (const change of changes) if (change.state === 'applied') versions.set(change.site, (versions.get(change.site) ?? 0) + 1);
      let offset = 0;
      for (const { index, earlier, todo } of group) {
        outcomes[index] = combine([...earlier, ...reply.results.slice(offset, offset + todo.length)]);
        offset += todo.length;
      }
    }
    return outcomes.map((outcome) => outcome ?? { state: 'superseded', seq: 0 });
  }

  /** One posted update's change to one site, computed against (and advancing) `state`. */
  private postedChange(site: Site, normalised: NormalisedUpdate, origin: UpdateOrigin, state: SiteState, now: number): PostedChange {
    const record = { updateId: origin.updateId, marker: doneMarker(site.code) };
    if (isSuperseded(state.current, normalised.update.observedAt)) {
      const entry = {
        state: 'superseded',
        observedAt: normalised.update.observedAt,
        receivedAt: origin.receivedAt,
        actor: origin.actor,
        updateId: origin.updateId,
        source: normalised.source,
        update: normalised.update,
      };
      return { site: site.code, region: site.region, state: 'superseded', entry: jsonMembers(entry), record };
    }
    const next = mergeStatusUpdate(state.current, normalised, origin);
    const { raised, ended } = alertChanges(state.current, next);
    const projected = JSON.stringify(projectSiteStatus(site, next, now, this.staleAfterMinutes));
    const previous = state.known ? (state.projected ?? JSON.stringify(projectSiteStatus(site, state.current, now, this.staleAfterMinutes))) : undefined;
    // The script adds the seq before and the status after these.
    const entry = { state: 'applied', observedAt: next.observedAt, receivedAt: next.receivedAt, actor: next.actor, updateId: next.updateId, source: next.source };
    state.current = next;
    state.known = true;
    state.projected = projected;
    return {
      site: site.code,
      region: site.region,
      state: 'applied',
      status: JSON.stringify(next),
      stored: next,
      projected,
      ...(previous !== undefined ? { previous } : {}),
      publish: true,
      entry: jsonMembers(entry),
      raise: raised,
      end: [...ended, ...ENDED_BY_ANY_REPORT],
      stale: 'clear',
      record,
    };
  }

  /**
   * A change that is not a posted update (staleness, A&E `until` expiry): raises or
   * ends alerts and, when asked, re-publishes the status. Returns the status seq (0
   * when none was published), or null when `change` found nothing to do.
   */
  async applyChange(request: ChangeRequest): Promise<number | null> {
    const { site } = request;
    return this.sites.run([site.code], async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const read = await this.store.read([site.code], []);
        const snapshot = read.sites.get(site.code);
        if (!snapshot) throw new Error(`site ${site.code} was not read`);
        const { current, version } = snapshot;
        const next = request.change(current);
        if (next === null) return null;
        const now = Date.now();
        const change: StatusChange = {
          site: site.code,
          region: site.region,
          state: 'applied',
          status: JSON.stringify(next),
          projected: JSON.stringify(projectSiteStatus(site, next, now, this.staleAfterMinutes)),
          previous: JSON.stringify(projectSiteStatus(site, current, now, this.staleAfterMinutes)),
          publish: request.emitStatus,
          raise: request.raise ?? [],
          end: request.end ?? [],
          ...(request.staleFlag ? { stale: request.staleFlag } : {}),
        };
        const reply = await this.store.commit([change], new Map([[site.code, version]]), now);
        if (reply.committed) return reply.results[0]?.seq ?? 0;
        this.compareAndSetRetries++;
      }
      throw new Error(`site ${site.code} kept changing under ${MAX_ATTEMPTS} attempts`);
    });
  }
}

/** An object's JSON members without the braces, for the script to add to. */
function jsonMembers(value: object): string {
  return JSON.stringify(value).slice(1, -1);
}

/** An update's outcome from its changes' results: applied when any applied. */
function combine(results: ChangeResult[]): ApplyOutcome {
  return {
    state: results.some((result) => result.state === 'applied') ? 'applied' : 'superseded',
    seq: Math.max(0, ...results.map((result) => result.seq)),
  };
}

/** Splits updates into commit calls of about CHANGES_PER_COMMIT changes, never splitting an update. */
function commitGroups<T>(updates: T[], sizeOf: (update: T) => number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let size = 0;
  for (const update of updates) {
    const changes = sizeOf(update);
    if (size > 0 && size + changes > CHANGES_PER_COMMIT) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(update);
    size += changes;
  }
  if (group.length) groups.push(group);
  return groups;
}
