import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusEvent } from '@pb/shared';
import { api, connectBoard, createKey, eventually, startTestBoard, subscribe, waitForUpdate, type BoardClient, type TestBoard } from '../support/test-board.js';

/** SPEC §9/§10: the same Idempotency-Key from the same key returns the original id and applies once. */
describe('Idempotency-Key', () => {
  let board: TestBoard;
  let trustKey: string;
  let otherTrustKey: string;
  let socket: BoardClient;
  const events: StatusEvent[] = [];

  const post = (key: string, body: unknown, idempotencyKey: string) => api(board.url, key, 'POST', '/updates', body, { 'idempotency-key': idempotencyKey });
  const history = async (site: string) => (await api(board.url, board.adminKey, 'GET', `/sites/${site}/history?limit=1000`)).body.entries as { updateId: string; state: string }[];

  beforeAll(async () => {
    board = await startTestBoard();
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    otherTrustKey = await createKey(board, { role: 'trust', label: 'Portsmouth night shift', trusts: ['RHU'] });
    socket = await connectBoard(board.url, board.adminKey);
    socket.on('status', (event) => events.push(event));
    expect(await subscribe(socket)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    socket?.disconnect();
    await board?.close();
  });

  it('ten concurrent posts with one key return one id and apply once', async () => {
    const body = { site: 'RHU03', opel: 4, note: 'concurrent' };
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(trustKey, body, 'concurrent-1')));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    const ids = new Set(responses.map((r) => r.body.updates[0].id as string));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    expect(await waitForUpdate(board, id)).toMatchObject({ state: 'applied', seq: expect.any(Number) });
    await eventually(() => events.some((e) => e.status.updateId === id), 5_000, 'the status event');
    // Time for any duplicate to surface.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.filter((e) => e.status.updateId === id)).toHaveLength(1);
    expect((await history('RHU03')).filter((entry) => entry.updateId === id)).toHaveLength(1);
  });

  it('every concurrent duplicate returns an id that GET /updates/:id already knows', async () => {
    const body = { site: 'RHU03', metrics: { over12hPct: 7 } };
    const responses = await Promise.all(Array.from({ length: 10 }, async () => {
      const posted = await post(trustKey, body, 'readable-1');
      // Read at once: a 202 promises the update exists (queued or further on).
      const read = posted.status === 202 ? await api(board.url, trustKey, 'GET', `/updates/${posted.body.updates[0].id}`) : undefined;
      return { posted, read };
    }));
    expect(responses.map((r) => r.posted.status)).toEqual(Array(10).fill(202));
    expect(responses.map((r) => r.read?.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((r) => r.read!.body.id)).size).toBe(1);
    expect(await waitForUpdate(board, responses[0]!.posted.body.updates[0].id)).toMatchObject({ state: 'applied' });
  });

  it('a repeat after the update applied returns the same id and changes nothing', async () => {
    const body = { site: 'RHU03', opel: 3, note: 'once' };
    const first = await post(trustKey, body, 'sequential-1');
    expect(first.status).toBe(202);
    const id = first.body.updates[0].id as string;
    const applied = await waitForUpdate(board, id);
    expect(applied.state).toBe('applied');
    const seqBefore = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq;

    const again = await post(trustKey, body, 'sequential-1');
    expect(again.status).toBe(202);
    expect(again.body.updates[0].id).toBe(id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await api(board.url, board.adminKey, 'GET', '/board')).body.seq).toBe(seqBefore);
    expect(await waitForUpdate(board, id)).toEqual(applied);
    expect((await history('RHU03')).filter((entry) => entry.updateId === id)).toHaveLength(1);
  });

  it('the same key with a different body is 409 and queues nothing', async () => {
    const first = await post(trustKey, { site: 'RHU03', opel: 2, note: 'original' }, 'conflict-1');
    expect(first.status).toBe(202);
    await waitForUpdate(board, first.body.updates[0].id);
    const seqBefore = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq;

    const conflicting = await post(trustKey, { site: 'RHU03', opel: 4, note: 'changed' }, 'conflict-1');
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await api(board.url, board.adminKey, 'GET', '/board')).body.seq).toBe(seqBefore);
    expect((await api(board.url, trustKey, 'GET', '/sites/RHU03')).body).toMatchObject({ opel: 2, note: 'original' });
  });

  it('concurrent posts of one key with different bodies: one wins, the rest are 409', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => post(trustKey, { site: 'RHU03', opel: 1, note: `racer ${i}` }, 'race-2')));
    const accepted = responses.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(5);
    const id = accepted[0]!.body.updates[0].id as string;
    expect(await waitForUpdate(board, id)).toMatchObject({ state: 'applied' });
  });

  it('another API key with the same Idempotency-Key is independent', async () => {
    const body = { site: 'RHU03', metrics: { handoverMeanMin: 42 } };
    const mine = await post(trustKey, body, 'shared-key-1');
    const theirs = await post(otherTrustKey, { ...body, metrics: { handoverMeanMin: 43 } }, 'shared-key-1');
    expect(mine.status).toBe(202);
    expect(theirs.status).toBe(202);
    expect(theirs.body.updates[0].id).not.toBe(mine.body.updates[0].id);
    expect(await waitForUpdate(board, mine.body.updates[0].id)).toMatchObject({ state: 'applied' });
    expect(await waitForUpdate(board, theirs.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const entries = await history('RHU03');
    expect(entries.filter((entry) => entry.updateId === mine.body.updates[0].id)).toHaveLength(1);
    expect(entries.filter((entry) => entry.updateId === theirs.body.updates[0].id)).toHaveLength(1);
  });

  it('an array posted twice with one key keeps its ids, item by item', async () => {
    const body = [{ site: 'RHU03', note: 'a' }, { site: 'RHU03', note: 'b' }];
    const first = await post(trustKey, body, 'array-1');
    const second = await post(trustKey, body, 'array-1');
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const firstIds = first.body.updates.map((u: { id: string }) => u.id);
    expect(new Set(firstIds).size).toBe(2);
    expect(second.body.updates.map((u: { id: string }) => u.id)).toEqual(firstIds);
    for (const id of firstIds) expect((await waitForUpdate(board, id)).state).toBe('applied');
    const entries = await history('RHU03');
    for (const id of firstIds) expect(entries.filter((entry) => entry.updateId === id)).toHaveLength(1);
  });
});
