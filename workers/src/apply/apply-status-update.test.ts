import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, type RedisKeys, type Site } from '@pb/shared';
import { deleteBoardKeys, loadReferenceData } from '@pb/shared/node';
import { CHANGES_PER_COMMIT, StatusApplier, type PostedUpdate } from './apply-status-update.js';
import { StatusStore } from './status-store.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const reference = loadReferenceData();
const site = (code: string): Site => reference.byCode.get(code)!;
const base = Date.parse('2026-01-05T08:00:00Z');

/** A posted update for one or more sites, observed `second` seconds after `base`. */
function update(id: string, second: number, codes: string[] = ['RHU03'], opel = 2): PostedUpdate {
  const observedAt = new Date(base + second * 1000).toISOString();
  return {
    origin: { updateId: id, actor: 'test', receivedAt: observedAt },
    changes: codes.map((code) => ({ site: site(code), normalised: { update: { site: code, observedAt, opel, note: id }, source: 'api', inferred: false } })),
  };
}

describe('StatusApplier against a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
  });
  afterAll(async () => {
    await redis.quit();
  });
  const fresh = () => {
    prefix = `apply-${randomBytes(6).toString('hex')}`;
    keys = redisKeys(prefix);
  };
  afterEach(async () => {
    await deleteBoardKeys(redis, prefix);
  });

  const streamSeqs = async () => (await redis.xrange(keys.events, '-', '+')).map(([id]) => Number(id.split('-')[0]));
  const record = (id: string) => redis.hgetall(keys.update(id));

  it('sixteen concurrent jobs on one site in one process take turns: every update once, gap-free seqs, no lost compare-and-set', async () => {
    fresh();
    const applier = new StatusApplier(redis, keys, 60);
    // Times shuffled across and within jobs, so many are superseded.
    const jobs = Array.from({ length: 16 }, (_, j) => Array.from({ length: 50 }, (_, i) => update(`u${j}-${i}`, ((j * 50 + i) * 37) % 800, ['RHU03'], (i % 4) + 1)));
    const results = await Promise.all(jobs.map((job) => applier.applyUpdates(job)));

    expect(results.map((result) => result.retries)).toEqual(Array(16).fill(0));
    expect(applier.compareAndSetRetries).toBe(0);
    const outcomes = results.flatMap((result) => result.outcomes);
    const applied = outcomes.filter((outcome) => outcome.state === 'applied');
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.length).toBeLessThan(800);
    const seqs = await streamSeqs();
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const statusSeqs = (await redis.xrange(keys.events, '-', '+')).filter(([, fields]) => fields[1] === 'status').map(([id]) => Number(id.split('-')[0]));
    expect(new Set(applied.map((outcome) => outcome.seq))).toEqual(new Set(statusSeqs));
    expect(await redis.zcard(keys.history('RHU03'))).toBe(800);
    // The newest observation (second 799) is what the site shows.
    const newest = jobs.flat().find((posted) => posted.changes[0]!.normalised.update.observedAt === new Date(base + 799_000).toISOString())!;
    expect(JSON.parse((await redis.hget(keys.status, 'RHU03'))!)).toMatchObject({ updateId: newest.origin.updateId });
  });

  it('two processes on one site: the few compare-and-sets lost to the other process are counted and redone, and nothing is applied twice', async () => {
    fresh();
    const connections = [redis.duplicate(), redis.duplicate()];
    const [one, two] = connections.map((connection) => new StatusApplier(connection, keys, 60)) as [StatusApplier, StatusApplier];
    const jobs = Array.from({ length: 16 }, (_, j) => Array.from({ length: 40 }, (_, i) => update(`u${j}-${i}`, j * 40 + i)));
    const results = await Promise.all(jobs.map((job, j) => (j % 2 ? one : two).applyUpdates(job))).finally(() => Promise.all(connections.map((connection) => connection.quit())));

    const retries = results.reduce((sum, result) => sum + result.retries, 0);
    expect(retries).toBe(one.compareAndSetRetries + two.compareAndSetRetries);
    // Each process runs one job per site at a time, so only the other process can make a job
    // lose a round: a handful, where sixteen jobs racing freely lose about seventy.
    expect(retries).toBeLessThanOrEqual(jobs.length);
    const outcomes = results.flatMap((result) => result.outcomes);
    expect(outcomes).toHaveLength(640);
    const seqs = await streamSeqs();
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const applied = outcomes.filter((outcome) => outcome.state === 'applied');
    expect(new Set(applied.map((outcome) => outcome.seq)).size).toBe(applied.length);
    expect(Number(await redis.hget(keys.versions, 'RHU03'))).toBe(applied.length);
    expect(await redis.zcard(keys.history('RHU03'))).toBe(640);
  });

  it('a job run again (a retry after a crash) applies nothing twice and reports the first results', async () => {
    fresh();
    const applier = new StatusApplier(redis, keys, 60);
    const job = Array.from({ length: 250 }, (_, i) => update(`u${i}`, i % 2 ? i : 1000 - i));
    // The first 150 finished before the "crash": more than one commit call.
    expect(150).toBeGreaterThan(CHANGES_PER_COMMIT);
    const first = await applier.applyUpdates(job.slice(0, 150));
    const seqBefore = Number(await redis.get(keys.seq));
    const historyBefore = await redis.zcard(keys.history('RHU03'));

    const again = await applier.applyUpdates(job);
    expect(again.outcomes.slice(0, 150)).toEqual(first.outcomes);
    expect(await redis.zcard(keys.history('RHU03'))).toBe(historyBefore + 100);
    const newlyApplied = again.outcomes.slice(150).filter((outcome) => outcome.state === 'applied').length;
    const newSeqs = (await streamSeqs()).filter((seq) => seq > seqBefore);
    expect(newSeqs.length).toBeGreaterThanOrEqual(newlyApplied);

    const third = await applier.applyUpdates(job);
    expect(third.outcomes).toEqual(again.outcomes);
    expect(Number(await redis.get(keys.seq))).toBe(newSeqs.at(-1) ?? seqBefore);
  });

  it('an update naming several sites ends applied when any site applied, with one done marker and history entry per site', async () => {
    fresh();
    const applier = new StatusApplier(redis, keys, 60);
    await applier.applyUpdates([update('newer', 100, ['RHM01'])]);
    const { outcomes } = await applier.applyUpdates([update('sitrep', 50, ['RHU03', 'RHM01', 'RN506'])]);
    expect(outcomes).toEqual([{ state: 'applied', seq: expect.any(Number) }]);
    const stored = await record('sitrep');
    expect(stored).toMatchObject({ state: 'applied', sites: 'RHU03,RHM01,RN506', seq: String(outcomes[0]!.seq) });
    expect(stored['done:RHM01']).toMatch(/^superseded:\d+$/);
    expect(stored['done:RHU03']).toMatch(/^applied:\d+$/);
    expect(stored['done:RN506']).toMatch(/^applied:\d+$/);
    for (const code of ['RHU03', 'RHM01', 'RN506']) {
      const entries = (await redis.zrange(keys.history(code), 0, '-1')).map((json) => JSON.parse(json) as { updateId: string; state: string });
      expect(entries.filter((entry) => entry.updateId === 'sitrep')).toHaveLength(1);
    }
  });

  it('a commit that finds a site moved writes nothing and names the site', async () => {
    fresh();
    const store = new StatusStore(redis, keys);
    const applier = new StatusApplier(redis, keys, 60);
    await applier.applyUpdates([update('first', 1)]);
    const seq = await redis.get(keys.seq);
    const reply = await store.commit(
      [{ site: 'RHU03', region: site('RHU03').region, state: 'applied', status: '{}', projected: '{}', publish: true, raise: ['divert'], end: [], entry: '"state":"applied"', record: { updateId: 'late', marker: 'done:RHU03' } }],
      new Map([['RHU03', 0]]),
      Date.now(),
    );
    expect(reply).toEqual({ committed: false, moved: ['RHU03'] });
    expect(await redis.get(keys.seq)).toBe(seq);
    expect(await redis.exists(keys.update('late'))).toBe(0);
    expect(await redis.hlen(keys.openAlerts)).toBe(0);
    expect(await redis.zcard(keys.history('RHU03'))).toBe(1);
  });
});
