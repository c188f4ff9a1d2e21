import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis-keys.js';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

interface QueueDepthCommands {
  pbReserveQueuedUpdates(queuedUpdates: string, queuedJobs: string, request: string): Promise<number>;
  pbReleaseQueuedUpdates(queuedUpdates: string, queuedJobs: string, request: string): Promise<number>;
}

/** The client with the queue-depth scripts defined on it (once per connection, run by EVALSHA). */
function withScripts(redis: Redis): Redis & QueueDepthCommands {
  if (!('pbReserveQueuedUpdates' in redis)) {
    redis.defineCommand('pbReserveQueuedUpdates', { numberOfKeys: 2, lua: lua('reserve-queued-updates') });
    redis.defineCommand('pbReleaseQueuedUpdates', { numberOfKeys: 2, lua: lua('release-queued-updates') });
  }
  return redis as Redis & QueueDepthCommands;
}

export interface JobReservation {
  jobId: string;
  updates: number;
}

/**
 * The queue-depth bound of SPEC §11, counted in updates rather than BullMQ jobs (a
 * job holds up to 500). The server reserves room before it adds a post's jobs; the
 * worker releases a job's room when the job is finished for good (applied, rejected
 * or out of retries). Both steps are idempotent per job id.
 */
export class QueueDepth {
  private readonly redis: Redis & QueueDepthCommands;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.redis = withScripts(redis);
  }

  /** Reserves room for all the jobs or none: `{ok: false, waiting}` when over `max`. */
  async reserve(jobs: JobReservation[], max: number): Promise<{ ok: true; waiting: number } | { ok: false; waiting: number }> {
    const request = JSON.stringify({ max, now: Date.now(), jobs: jobs.map((job) => [job.jobId, job.updates]) });
    const reply = await this.redis.pbReserveQueuedUpdates(this.keys.queuedUpdates, this.keys.queuedJobs, request);
    return reply < 0 ? { ok: false, waiting: -1 - reply } : { ok: true, waiting: reply };
  }

  /** Releases the room held by these jobs; returns the number of updates released. */
  async release(jobIds: string[]): Promise<number> {
    if (jobIds.length === 0) return 0;
    return this.redis.pbReleaseQueuedUpdates(this.keys.queuedUpdates, this.keys.queuedJobs, JSON.stringify({ jobs: jobIds }));
  }

  /** Updates waiting now. */
  async waiting(): Promise<number> {
    return Number((await this.redis.get(this.keys.queuedUpdates)) ?? 0);
  }

  /**
   * Reservations older than `olderThanMs`, a page at a time, so housekeeping can
   * release those whose job no longer waits (a job removed by hand, or one a crash
   * finished without releasing).
   */
  async *oldReservations(olderThanMs: number): AsyncGenerator<string[]> {
    const cutoff = Date.now() - olderThanMs;
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.queuedJobs, cursor, 'COUNT', 500);
      cursor = next;
      const old: string[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const reservedAt = Number(flat[i + 1]!.split(':')[1]);
        if (reservedAt < cutoff) old.push(flat[i]!);
      }
      if (old.length) yield old;
    } while (cursor !== '0');
  }
}
