/**
 * SPEC §9: every key of a board shares one hash tag, so the product runs unchanged
 * on Redis Cluster. Here it runs on a real three-master cluster started on this
 * machine: posts reach sockets, a subscription resumes with `since`, an
 * Idempotency-Key applies once, and a worker process killed mid-batch loses nothing.
 */
import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@pb/shared';
import { mastersOf } from '@pb/shared/node';
import { killTree, processTree, startProcess, type BoardProcess } from '../support/board-processes.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { api, connectBoard, createKey, eventually, reference, startTestBoard, subscribe, waitForUpdate, type BoardClient, type TestBoard } from '../support/test-board.js';

function existsAsProcess(pid: number): boolean {
  try {
    // Zombies (killed, not yet reaped) count as gone.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('on a real Redis Cluster of three masters', () => {
  let cluster: RedisCluster;
  let board: TestBoard;
  const sockets: BoardClient[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    board = await startTestBoard({ redisUrl: cluster.url }, { redisUrl: cluster.url });
  }, 90_000);
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await board?.close();
    await cluster?.stop();
  }, 60_000);

  /** How many of the board's keys each master holds. */
  async function keysPerMaster(prefix: string): Promise<number[]> {
    return Promise.all(mastersOf(board.redis).map(async (node) => (await node.keys(`{${prefix}}*`)).length));
  }

  it('talks to the cluster, and keeps every key of the board in one slot on one master', async () => {
    expect(board.redis).toBeInstanceOf(Cluster);
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RHU03', opel: 3 });
    expect(posted.status).toBe(202);
    expect(await waitForUpdate(board, posted.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const counts = await keysPerMaster(board.prefix);
    expect(counts).toHaveLength(3);
    expect(counts.filter((count) => count > 0)).toHaveLength(1);
    expect(Math.max(...counts)).toBeGreaterThan(5);
  });

  it('delivers a posted update to a subscribed socket', async () => {
    const socket = await connectBoard(board.url, board.adminKey);
    sockets.push(socket);
    const ack = await subscribe(socket);
    expect(ack).toMatchObject({ ok: true, data: { mode: 'snapshot' } });
    const event = new Promise<{ site: string; seq: number; note: string | null }>((resolve) => {
      socket.on('status', (status) => {
        if (status.status.note === 'on the cluster') resolve({ site: status.site, seq: status.seq, note: status.status.note ?? null });
      });
    });
    const site = reference.sites[7]!.code;
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', { site, opel: 2, note: 'on the cluster' });
    expect(posted.status).toBe(202);
    expect(await event).toMatchObject({ site, note: 'on the cluster' });
  });

  it('resumes a subscription with since, replaying exactly the missed events', async () => {
    const first = await connectBoard(board.url, board.adminKey);
    sockets.push(first);
    const firstAck = await subscribe(first);
    expect(firstAck.ok).toBe(true);
    const seqBefore = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
    first.disconnect();

    const sites = reference.sites.filter((site) => site.region === 'Y56').slice(0, 5).map((site) => site.code);
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', sites.map((site, i) => ({ site, opel: (i % 4) + 1, note: `missed ${i}` })));
    expect(posted.status).toBe(202);
    for (const { id } of posted.body.updates) expect((await waitForUpdate(board, id)).state).toBe('applied');
    const seqAfter = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
    expect(seqAfter).toBeGreaterThanOrEqual(seqBefore + sites.length);

    const second = await connectBoard(board.url, board.adminKey);
    sockets.push(second);
    const seen: number[] = [];
    second.on('status', (event) => seen.push(event.seq));
    second.on('alert', (event) => seen.push(event.seq));
    const ack = await subscribe(second, { since: seqBefore });
    expect(ack).toMatchObject({ ok: true, data: { mode: 'replay' } });
    await eventually(() => seen.at(-1) === seqAfter, 10_000, 'the replay to reach the board seq');
    expect(seen).toEqual(Array.from({ length: seqAfter - seqBefore }, (_, i) => seqBefore + 1 + i));
  });

  it('applies an update posted twice with one Idempotency-Key once', async () => {
    const trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    const body = { site: 'RHU03', opel: 4, note: 'once only' };
    const first = await api(board.url, trustKey, 'POST', '/updates', body, { 'idempotency-key': 'cluster-once-1' });
    const second = await api(board.url, trustKey, 'POST', '/updates', body, { 'idempotency-key': 'cluster-once-1' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const id = first.body.updates[0].id as string;
    expect(second.body.updates[0].id).toBe(id);
    expect(await waitForUpdate(board, id)).toMatchObject({ state: 'applied' });
    const history = await api(board.url, trustKey, 'GET', '/sites/RHU03/history');
    expect(history.status).toBe(200);
    const entries = history.body.entries as { updateId: string }[];
    expect(entries.filter((entry) => entry.updateId === id)).toHaveLength(1);
  });

  describe('with the workers in a process of their own', () => {
    let workerBoard: TestBoard;
    const processes: BoardProcess[] = [];

    beforeAll(async () => {
      workerBoard = await startTestBoard({ redisUrl: cluster.url }, { redisUrl: cluster.url, workers: false });
    }, 60_000);
    afterAll(async () => {
      for (const proc of processes) {
        killTree(proc);
        await proc.exited;
      }
      await workerBoard?.close();
    }, 60_000);

    function startWorkersProcess(name: string): BoardProcess {
      const proc = startProcess(name, 'workers/src/main.ts', { REDIS_URL: cluster.url, PB_KEY_PREFIX: workerBoard.prefix, LOG_LEVEL: 'warn', PB_WORKER_CONCURRENCY: '2' });
      processes.push(proc);
      return proc;
    }

    /** The state of every update, read from its record (polling hundreds of ids through the API would trip the rate limit). */
    async function statesOf(ids: string[]): Promise<(string | null)[]> {
      const keys = redisKeys(workerBoard.prefix);
      const pipeline = workerBoard.redis.pipeline();
      for (const id of ids) pipeline.hget(keys.update(id), 'state');
      return ((await pipeline.exec()) ?? []).map(([, value]) => (typeof value === 'string' ? value : null));
    }

    it('applies every 202 update after a worker process is killed with SIGKILL mid-batch and a new one starts', async () => {
      const sites = reference.sites.slice(0, 60).map((site) => site.code);
      const ids: string[] = [];
      for (let round = 0; round < 5; round++) {
        const posted = await api(workerBoard.url, workerBoard.adminKey, 'POST', '/updates', sites.map((site, i) => ({ site, opel: ((i + round) % 4) + 1, note: `round ${round}` })));
        expect({ status: posted.status, error: posted.body.error }).toEqual({ status: 202, error: undefined });
        ids.push(...posted.body.updates.map((update: { id: string }) => update.id));
      }
      expect(ids).toHaveLength(300);

      const first = startWorkersProcess('workers 1');
      await eventually(async () => {
        if (first.child.exitCode !== null) throw new Error(`workers exited: ${first.output.join('')}`);
        const done = (await statesOf(ids)).filter((state) => state !== 'queued').length;
        return done > 0 && done < ids.length;
      }, 60_000, 'the first worker process to be part-way through');
      const killed = processTree(first.child.pid!);
      expect(killed.length).toBeGreaterThan(1);
      killTree(first);
      await first.exited;
      // Nothing of the first workers process is left running.
      await eventually(() => killed.every((pid) => !existsAsProcess(pid)), 10_000, 'every process of the first workers to be gone');
      const leftByTheKill = (await statesOf(ids)).filter((state) => state === 'queued').length;
      expect(leftByTheKill).toBeGreaterThan(0);

      const second = startWorkersProcess('workers 2');
      // Jobs the killed process held are taken up again once their locks lapse (BullMQ's stalled-job check).
      const states = await eventually(async () => {
        if (second.child.exitCode !== null) throw new Error(`workers exited: ${second.output.join('')}`);
        const now = await statesOf(ids);
        return now.every((state) => state !== 'queued' && state !== null) ? now : null;
      }, 120_000, 'every update to leave queued');
      expect(states.filter((state) => state !== 'applied' && state !== 'superseded')).toEqual([]);

      const board = (await api(workerBoard.url, workerBoard.adminKey, 'GET', '/board')).body;
      for (const site of sites) {
        expect({ site, note: board.sites.find((status: { site: string }) => status.site === site)?.note }).toEqual({ site, note: 'round 4' });
      }
    }, 240_000);
  });
});
