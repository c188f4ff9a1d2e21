import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusEvent } from '@pb/shared';
import { api, connectBoard, createKey, eventually, startTestBoard, subscribe, waitForUpdate, type BoardClient, type TestBoard } from '../support/test-board.js';

/** SPEC §3/§10: an update older than the site's current observedAt goes to history only; an equal one applies. */
describe('out-of-order updates', () => {
  let board: TestBoard;
  let trustKey: string;
  let socket: BoardClient;
  const events: StatusEvent[] = [];

  const post = (body: unknown) => api(board.url, trustKey, 'POST', '/updates', body);
  const site = async (code: string) => (await api(board.url, trustKey, 'GET', `/sites/${code}`)).body;
  const boardSeq = async () => (await api(board.url, trustKey, 'GET', '/board')).body.seq as number;
  const at = (minutesAgo: number, base: number) => new Date(base - minutesAgo * 60_000).toISOString();

  beforeAll(async () => {
    board = await startTestBoard();
    trustKey = await createKey(board, { role: 'trust', label: 'Southampton EPRR', trusts: ['RHM', 'RHU', 'RN5'] });
    socket = await connectBoard(board.url, trustKey);
    socket.on('status', (event) => events.push(event));
    expect(await subscribe(socket)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    socket?.disconnect();
    await board?.close();
  });

  it('an older update is superseded: kept in history, board and seq unchanged, no event', async () => {
    const base = Date.now();
    const newer = await post({ site: 'RHM01', opel: 2, note: 'newer', observedAt: at(10, base) });
    expect(await waitForUpdate(board, newer.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const statusBefore = await site('RHM01');
    const seqBefore = await boardSeq();
    const eventsBefore = events.length;

    const older = await post({ site: 'RHM01', opel: 4, note: 'older', incident: { level: 'critical' }, observedAt: at(70, base) });
    expect(older.status).toBe(202);
    const olderId = older.body.updates[0].id as string;
    expect(await waitForUpdate(board, olderId)).toMatchObject({ id: olderId, state: 'superseded' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await site('RHM01')).toEqual(statusBefore);
    expect(await boardSeq()).toBe(seqBefore);
    expect(events.slice(eventsBefore).filter((e) => e.site === 'RHM01')).toEqual([]);
    const history = (await api(board.url, trustKey, 'GET', '/sites/RHM01/history')).body.entries;
    expect(history.find((entry: { updateId: string }) => entry.updateId === olderId)).toMatchObject({ state: 'superseded', observedAt: at(70, base) });
  });

  it('an update with the same observedAt applies', async () => {
    const observedAt = at(5, Date.now());
    const first = await post({ site: 'RHU03', opel: 2, note: 'first', observedAt });
    expect(await waitForUpdate(board, first.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const second = await post({ site: 'RHU03', opel: 3, note: 'second', observedAt: observedAt.replace('Z', '+00:00') });
    const result = await waitForUpdate(board, second.body.updates[0].id);
    expect(result).toMatchObject({ state: 'applied', seq: expect.any(Number) });
    expect(await site('RHU03')).toMatchObject({ opel: 3, note: 'second', updateId: second.body.updates[0].id });
    await eventually(() => events.some((e) => e.seq === result.seq), 5_000, 'the status event');
  });

  it('many concurrent updates to one site: the newest observedAt wins and none is lost', async () => {
    const base = Date.now();
    const count = 60;
    // Distinct observation times, posted in a shuffled order, partly one by one and partly in arrays.
    const minutesAgo = Array.from({ length: count }, (_, i) => count - i); // index count-1 is newest (1 min ago)
    const order = minutesAgo.map((_, i) => i).sort(() => Math.random() - 0.5);
    const bodyOf = (i: number) => ({ site: 'RN506', opel: (i % 4) + 1, note: `update ${i}`, metrics: { handoverMeanMin: i }, observedAt: at(minutesAgo[i]!, base) });
    const singles = order.slice(0, 40);
    const arrays = [order.slice(40, 50), order.slice(50, 60)];
    const posts = [...singles.map((i) => post(bodyOf(i))), ...arrays.map((items) => post(items.map(bodyOf)))];
    const responses = await Promise.all(posts);
    expect(responses.map((r) => r.status)).toEqual(Array(posts.length).fill(202));
    const ids = new Map<string, number>();
    singles.forEach((i, n) => ids.set(responses[n]!.body.updates[0].id, i));
    arrays.forEach((items, a) => items.forEach((i, n) => ids.set(responses[singles.length + a]!.body.updates[n].id, i)));
    expect(ids.size).toBe(count);

    const results = await Promise.all([...ids.keys()].map((id) => waitForUpdate(board, id)));
    const states = results.map((r) => r.state);
    expect(states.filter((s) => s !== 'applied' && s !== 'superseded')).toEqual([]);
    const newestIndex = count - 1;
    const newestId = [...ids].find(([, i]) => i === newestIndex)![0];
    expect(results.find((r) => r.id === newestId)!.state).toBe('applied');

    const final = await site('RN506');
    expect(final).toMatchObject({ note: `update ${newestIndex}`, opel: (newestIndex % 4) + 1, metrics: { handoverMeanMin: newestIndex }, observedAt: at(1, base), updateId: newestId });

    // Every update is in the history exactly once, in the state it reported.
    const history = (await api(board.url, trustKey, 'GET', '/sites/RN506/history?limit=1000')).body.entries as { updateId: string; state: string }[];
    expect(history).toHaveLength(count);
    for (const result of results) expect(history.filter((entry) => entry.updateId === result.id).map((entry) => entry.state)).toEqual([result.state]);

    // The board only ever moved forward in time: applied status events are in observedAt order.
    const applied = results.filter((r) => r.state === 'applied');
    await eventually(() => events.filter((e) => e.site === 'RN506').length >= applied.length, 5_000, 'every applied status event');
    const siteEvents = events.filter((e) => e.site === 'RN506');
    expect(siteEvents).toHaveLength(applied.length);
    expect(new Set(siteEvents.map((e) => e.status.updateId))).toEqual(new Set(applied.map((r) => r.id)));
    for (let i = 1; i < siteEvents.length; i++) {
      expect(siteEvents[i]!.seq).toBeGreaterThan(siteEvents[i - 1]!.seq);
      expect(Date.parse(siteEvents[i]!.status.observedAt!)).toBeGreaterThanOrEqual(Date.parse(siteEvents[i - 1]!.status.observedAt!));
    }
    expect(siteEvents.at(-1)!.status.updateId).toBe(newestId);
  });
});
