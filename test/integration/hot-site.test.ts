import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisKeys, statusEventSchema, UPDATES_QUEUE, type StatusEvent } from '@pb/shared';
import { api, connectBoard, eventually, startTestBoard, subscribe, type BoardClient, type TestBoard } from '../support/test-board.js';

const SITE = 'RHU03';
const PER_ARRAY = 500;

interface Posted {
  id: string;
  observedAt: string;
  note: string;
}

interface HistoryEntry {
  seq: number;
  state: 'applied' | 'superseded';
  updateId: string;
  observedAt: string;
}

/**
 * SPEC §3/§10/§11, issue 7 part 2: a hot site stays correct under many concurrent
 * jobs. Every update for one site ends `applied` or `superseded` with its own
 * history entry; every applied change is one `status` event with its own seq; seqs
 * are gap-free; and within one worker process no compare-and-set is ever lost,
 * however many jobs for the site run at once.
 */
describe('a hot site: 5,000 updates for one site, posted as arrays of 500 at once', () => {
  let board: TestBoard;
  let socket: BoardClient;
  let queueConnection: Redis;
  let queue: Queue;
  const keys = () => redisKeys(board.prefix);
  /** Every seq the socket received, status and alert alike, in arrival order. */
  const received: number[] = [];
  const statusEvents: StatusEvent[] = [];
  const posted: Posted[] = [];
  const base = Date.now() - 6 * 3600_000;

  /** Ten arrays of 500 whose observedAt are shuffled (a permutation of 5,000 seconds), so many arrive late. */
  function array(index: number): { site: string; observedAt: string; opel: number; note: string }[] {
    return Array.from({ length: PER_ARRAY }, (_, i) => {
      const n = index * PER_ARRAY + i;
      return { site: SITE, observedAt: new Date(base + ((n * 7919) % 5000) * 1000).toISOString(), opel: (n % 4) + 1, note: `update ${n}` };
    });
  }

  /** Posts arrays all at once through the API, and waits until every update has left `queued`. */
  async function postAndDrain(indexes: number[]): Promise<Posted[]> {
    const bodies = indexes.map(array);
    const responses = await Promise.all(bodies.map((body) => api(board.url, board.adminKey, 'POST', '/updates', body)));
    const batch: Posted[] = [];
    for (const [a, response] of responses.entries()) {
      expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(202);
      const ids = (response.body.updates as { id: string }[]).map((update) => update.id);
      expect(ids).toHaveLength(PER_ARRAY);
      ids.forEach((id, i) => batch.push({ id, observedAt: bodies[a]![i]!.observedAt, note: bodies[a]![i]!.note }));
    }
    await eventually(
      async () => {
        const states = await readRecords(batch.map((update) => update.id));
        return [...states.values()].every((record) => record.state !== 'queued');
      },
      120_000,
      'every update to leave queued',
    );
    posted.push(...batch);
    return batch;
  }

  async function readRecords(ids: string[]): Promise<Map<string, { state: string; seq: number }>> {
    const pipeline = board.redis.pipeline();
    for (const id of ids) pipeline.hmget(keys().update(id), 'state', 'seq');
    const replies = (await pipeline.exec()) ?? [];
    return new Map(
      ids.map((id, index) => {
        const [state, seq] = (replies[index]?.[1] ?? []) as (string | null)[];
        return [id, { state: state ?? 'missing', seq: Number(seq ?? 0) }];
      }),
    );
  }

  async function readHistory(): Promise<HistoryEntry[]> {
    const members = await board.redis.zrange(keys().history(SITE), 0, '-1');
    return members.map((json) => JSON.parse(json) as HistoryEntry);
  }

  beforeAll(async () => {
    board = await startTestBoard({ rateLimitPerSecond: 1000 });
    socket = await connectBoard(board.url, board.adminKey);
    socket.on('status', (event) => {
      received.push(event.seq);
      statusEvents.push(statusEventSchema.parse(event));
    });
    socket.on('alert', (event) => received.push(event.seq));
    expect(await subscribe(socket)).toMatchObject({ ok: true });
    queueConnection = board.redis.duplicate();
    queue = new Queue(UPDATES_QUEUE, { connection: queueConnection, prefix: keys().bullPrefix });
  });
  afterAll(async () => {
    socket?.disconnect();
    await queue?.close();
    await queueConnection?.quit();
    await board?.close();
  });

  it('the first 1,500 (three arrays at once): each ends applied or superseded with exactly one history entry', async () => {
    const batch = await postAndDrain([0, 1, 2]);
    const records = await readRecords(batch.map((update) => update.id));
    for (const record of records.values()) expect(['applied', 'superseded']).toContain(record.state);

    const history = await readHistory();
    expect(history).toHaveLength(batch.length);
    const byId = new Map(history.map((entry) => [entry.updateId, entry]));
    expect(byId.size).toBe(batch.length);
    for (const update of batch) {
      const entry = byId.get(update.id);
      expect(entry, update.id).toBeDefined();
      expect(entry!.state).toBe(records.get(update.id)!.state);
      expect(entry!.observedAt).toBe(update.observedAt);
    }
  }, 180_000);

  it('the other 3,500 (seven arrays at once): every update done once, one status event per applied change, seqs gap-free, no compare-and-set lost', async () => {
    await postAndDrain([3, 4, 5, 6, 7, 8, 9]);
    expect(posted).toHaveLength(10 * PER_ARRAY);
    const records = await readRecords(posted.map((update) => update.id));
    const applied = posted.filter((update) => records.get(update.id)!.state === 'applied');
    const superseded = posted.filter((update) => records.get(update.id)!.state === 'superseded');
    expect(applied.length + superseded.length).toBe(posted.length);
    // Shuffled times: many arrive after a later one has applied.
    expect(applied.length).toBeGreaterThan(0);
    expect(superseded.length).toBeGreaterThan(0);

    // The stream: one entry per seq, 1..N with no gap, and one status entry per applied update.
    const lastSeq = Number(await board.redis.get(keys().seq));
    const entries = await board.redis.xrange(keys().events, '-', '+');
    expect(entries.map(([id]) => id)).toEqual(Array.from({ length: lastSeq }, (_, i) => `${i + 1}-0`));
    const statusEntries = entries.filter(([, fields]) => fields[1] === 'status');
    expect(statusEntries).toHaveLength(applied.length);

    // A real socket.io client saw every seq once, in order, and one status event per applied update.
    await eventually(() => received.length >= lastSeq, 30_000, 'the socket to receive every event');
    expect(received).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    const events = statusEvents.filter((event) => event.site === SITE);
    expect(events).toHaveLength(applied.length);
    const eventByUpdate = new Map(events.map((event) => [event.status.updateId, event]));
    expect(eventByUpdate.size).toBe(applied.length);
    for (const update of applied) expect(eventByUpdate.get(update.id)?.seq, update.id).toBe(records.get(update.id)!.seq);

    // Ordering for one site: applied changes' observedAt never go back, and each
    // superseded update was older than the status the board showed when it was judged.
    const observed = events.map((event) => Date.parse(event.status.observedAt!));
    for (let i = 1; i < observed.length; i++) expect(observed[i]).toBeGreaterThanOrEqual(observed[i - 1]!);
    for (const update of superseded) {
      const seq = records.get(update.id)!.seq;
      const showing = events.filter((event) => event.seq <= seq).at(-1);
      expect(showing, update.id).toBeDefined();
      expect(Date.parse(update.observedAt)).toBeLessThan(Date.parse(showing!.status.observedAt!));
    }

    // The newest observation won.
    const newest = posted.reduce((a, b) => (Date.parse(b.observedAt) > Date.parse(a.observedAt) ? b : a));
    const site = await api(board.url, board.adminKey, 'GET', `/sites/${SITE}`);
    expect(site.body).toMatchObject({ site: SITE, updateId: newest.id, note: newest.note, observedAt: newest.observedAt });

    // History keeps the newest 2,000 entries of the site, one per update, each as its record says.
    const history = await readHistory();
    expect(history).toHaveLength(2000);
    expect(new Set(history.map((entry) => entry.updateId)).size).toBe(2000);
    for (const entry of history) expect(entry.state).toBe(records.get(entry.updateId)!.state);

    // GET /updates/:id agrees, for a sample.
    for (const update of posted.filter((_, i) => i % 250 === 0)) {
      const response = await api(board.url, board.adminKey, 'GET', `/updates/${update.id}`);
      expect(response.body).toMatchObject({ id: update.id, state: records.get(update.id)!.state, seq: records.get(update.id)!.seq });
    }

    // Ten jobs of 500 on one site ran at once in one worker process: they took turns, so none lost a compare-and-set.
    const jobs = await queue.getJobs(['completed']);
    expect(jobs).toHaveLength(10);
    for (const job of jobs) expect(job.returnvalue).toMatchObject({ retries: 0, rejected: 0 });
    expect(jobs.reduce((sum, job) => sum + job.returnvalue.applied + job.returnvalue.superseded, 0)).toBe(posted.length);
  }, 240_000);
});
