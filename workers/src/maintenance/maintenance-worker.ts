import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isStale, MAINTENANCE_JOBS, MAINTENANCE_QUEUE, UPDATES_QUEUE, storedStatusSchema, type MaintenanceJob, type RedisKeys, type StoredStatus } from '@pb/shared';
import { QueueDepth, type Logger, type ReferenceData } from '@pb/shared/node';
import type { StatusApplier } from '../apply/apply-status-update.js';
import { HISTORY_KEPT_PER_SITE } from '../apply/status-store.js';

export interface MaintenanceDeps {
  connection: Redis;
  redis: Redis;
  keys: RedisKeys;
  reference: ReferenceData;
  applier: StatusApplier;
  staleAfterMinutes: number;
  logger: Logger;
}

/** How often each housekeeping job runs. */
const SCHEDULE_MS: Record<MaintenanceJob, number> = {
  'mark-stale': 60_000,
  'expire-until': 30_000,
  'trim-events': 10 * 60_000,
  'release-queue-room': 5 * 60_000,
};

/** A reservation in the queue-depth bound this old whose job no longer waits is given back. */
const QUEUE_ROOM_GRACE_MS = 10 * 60_000;

/** Replay window (SPEC §10): at least the last 10,000 events or 24 hours, whichever is more. */
const EVENTS_KEPT = 10_000;
const EVENTS_KEPT_MS = 24 * 3600_000;
/** The time machine reaches back this far. */
const SEQ_TIMES_KEPT_MS = 30 * 24 * 3600_000;
/** Ended alerts stay listed in `GET /alerts` this long. */
const ENDED_ALERTS_KEPT_MS = 24 * 3600_000;

/**
 * Scheduled housekeeping. BullMQ job schedulers make each run happen once however
 * many worker processes there are.
 */
export async function startMaintenance(deps: MaintenanceDeps): Promise<{ worker: Worker; queue: Queue }> {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: deps.connection, prefix: deps.keys.bullPrefix });
  const updates = new Queue(UPDATES_QUEUE, { connection: deps.connection, prefix: deps.keys.bullPrefix });
  for (const name of MAINTENANCE_JOBS) {
    await queue.upsertJobScheduler(name, { every: SCHEDULE_MS[name] }, { name, opts: { removeOnComplete: 10, removeOnFail: 50 } });
  }
  const handlers: Record<MaintenanceJob, () => Promise<number>> = {
    'mark-stale': () => markStaleSites(deps),
    'expire-until': () => expireEdUntil(deps),
    'trim-events': () => trimEvents(deps),
    'release-queue-room': () => releaseAbandonedQueueRoom(deps, updates),
  };
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job: Job) => {
      const handler = handlers[job.name as MaintenanceJob];
      if (!handler) throw new Error(`no handler for maintenance job "${job.name}"`);
      return handler();
    },
    { connection: deps.connection, prefix: deps.keys.bullPrefix, concurrency: 1 },
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'maintenance worker error'));
  worker.on('closed', () => void updates.close());
  return { worker, queue };
}

/**
 * The queue-depth bound counts updates from when they are posted until their job is
 * done. A job that left the queue without its worker giving its room back (removed
 * by hand, or an idempotent repeat that found its job already done) would hold room
 * for ever: give back the room of old reservations whose job no longer waits.
 */
export async function releaseAbandonedQueueRoom(deps: MaintenanceDeps, updates: Queue): Promise<number> {
  const depth = new QueueDepth(deps.redis, deps.keys);
  let released = 0;
  for await (const jobIds of depth.oldReservations(QUEUE_ROOM_GRACE_MS)) {
    const states = await Promise.all(jobIds.map((id) => updates.getJobState(id)));
    const gone = jobIds.filter((_, index) => ['completed', 'failed', 'unknown'].includes(states[index]!));
    released += await depth.release(gone);
  }
  return released;
}

async function readAllStatuses(deps: MaintenanceDeps): Promise<Map<string, StoredStatus>> {
  const raw = await deps.redis.hgetall(deps.keys.status);
  return new Map(Object.entries(raw).map(([code, json]) => [code, storedStatusSchema.parse(JSON.parse(json))]));
}

/** Publishes sites that have gone quiet as stale and raises a `stale` alert once. */
export async function markStaleSites(deps: MaintenanceDeps): Promise<number> {
  const now = Date.now();
  const [statuses, flagged] = await Promise.all([readAllStatuses(deps), deps.redis.smembers(deps.keys.staleSites)]);
  const alreadyFlagged = new Set(flagged);
  let marked = 0;
  for (const [code, status] of statuses) {
    const site = deps.reference.byCode.get(code);
    if (!site || alreadyFlagged.has(code) || !isStale(status.observedAt, now, deps.staleAfterMinutes)) continue;
    const seq = await deps.applier.applyChange({
      site,
      change: (current) => (isStale(current.observedAt, Date.now(), deps.staleAfterMinutes) ? current : null),
      raise: ['stale'],
      staleFlag: 'set',
      emitStatus: true,
    });
    if (seq !== null) marked++;
  }
  return marked;
}

/** Raises `until_expired` for A&E statuses whose `until` has passed without reconfirmation. */
export async function expireEdUntil(deps: MaintenanceDeps): Promise<number> {
  const now = Date.now();
  const statuses = await readAllStatuses(deps);
  let raised = 0;
  for (const [code, status] of statuses) {
    const until = status.ed?.until;
    const site = deps.reference.byCode.get(code);
    if (!site || !until || Date.parse(until) > now) continue;
    if (await deps.redis.hexists(deps.keys.openAlerts, `${code}:until_expired`)) continue;
    const seq = await deps.applier.applyChange({
      site,
      change: (current) => (current.ed?.until && Date.parse(current.ed.until) <= Date.now() ? current : null),
      raise: ['until_expired'],
      emitStatus: false,
    });
    if (seq !== null) raised++;
  }
  return raised;
}

/** Trims the event stream to the replay window and forgets ended alerts. */
export async function trimEvents(deps: MaintenanceDeps): Promise<number> {
  const { redis, keys } = deps;
  const now = Date.now();
  const lastSeq = Number((await redis.get(keys.seq)) ?? 0);
  const oldestRecent = await redis.zrangebyscore(keys.seqTimes, now - EVENTS_KEPT_MS, '+inf', 'LIMIT', 0, 1);
  const keepFromTime = oldestRecent[0] ? Number(oldestRecent[0]) : lastSeq + 1;
  const keepFrom = Math.max(1, Math.min(keepFromTime, lastSeq - EVENTS_KEPT + 1));
  const trimmed = await redis.xtrim(keys.events, 'MINID', `${keepFrom}-0`);
  await redis.zremrangebyscore(keys.seqTimes, '-inf', now - SEQ_TIMES_KEPT_MS);
  // The time machine rebuilds a moment from each site's history, which keeps
  // HISTORY_KEPT_PER_SITE entries: times of older seqs could never be used, so on a
  // busy month the index is bounded by count as well as by age.
  await redis.zremrangebyrank(keys.seqTimes, 0, -(HISTORY_KEPT_PER_SITE * Math.max(1, deps.reference.sites.length) + 1));
  const alerts = await redis.hgetall(keys.alerts);
  const old = Object.entries(alerts)
    .filter(([, json]) => {
      const endedAt = (JSON.parse(json) as { endedAt?: string }).endedAt;
      return endedAt !== undefined && Date.parse(endedAt) < now - ENDED_ALERTS_KEPT_MS;
    })
    .map(([id]) => id);
  if (old.length) await redis.hdel(keys.alerts, ...old);
  return Number(trimmed);
}
