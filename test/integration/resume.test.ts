import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@pb/shared/node';
import { startServer } from '../../server/src/start-server.js';
import { api, connectBoard, eventually, reference, startTestBoard, subscribe, waitForUpdate, type BoardClient, type TestBoard } from '../support/test-board.js';

interface Seen {
  kind: 'status' | 'alert' | 'snapshot';
  seq: number;
  region?: string;
  site?: string;
}

/** A socket that records every event it receives, in arrival order. */
async function recordingClient(board: TestBoard, url = board.url): Promise<{ socket: BoardClient; seen: Seen[] }> {
  const socket = await connectBoard(url, board.adminKey);
  const seen: Seen[] = [];
  socket.on('status', (event) => seen.push({ kind: 'status', seq: event.seq, region: event.status.region, site: event.site }));
  socket.on('alert', (event) => seen.push({ kind: 'alert', seq: event.seq, region: event.region, site: event.site }));
  socket.on('snapshot', (snapshot) => seen.push({ kind: 'snapshot', seq: snapshot.seq }));
  return { socket, seen };
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** SPEC §5/§10: resuming with `since` replays exactly the missed events, in order, then live ones. */
describe('resuming a live subscription', () => {
  let board: TestBoard;
  const sockets: BoardClient[] = [];
  const southEast = reference.sites.filter((site) => site.region === 'Y59').slice(0, 4).map((site) => site.code);
  const london = reference.sites.filter((site) => site.region === 'Y56').slice(0, 4).map((site) => site.code);

  async function client() {
    const made = await recordingClient(board);
    sockets.push(made.socket);
    return made;
  }

  /** Posts updates (some raising and ending alerts) and waits until all are applied; returns the board's seq. */
  let round = 0;
  async function postRound(label: string, sites: string[]): Promise<number> {
    // Alternate the incident and A&E states each round, so every round raises and ends alerts.
    round++;
    const body = sites.flatMap((site, i) => [
      { site, opel: ((i + label.length) % 4) + 1, note: `${label} ${site}` },
      { site, incident: { level: (i + round) % 2 ? 'critical' : 'none' }, ed: { status: (i + round) % 2 ? 'open' : 'closed' } },
    ]);
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', body);
    expect(posted.status).toBe(202);
    for (const { id } of posted.body.updates) expect((await waitForUpdate(board, id)).state).toBe('applied');
    return (await api(board.url, board.adminKey, 'GET', '/board')).body.seq;
  }

  beforeAll(async () => {
    board = await startTestBoard();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await board?.close();
  });

  it('replays exactly the missed events, in order and without a gap, then streams live ones', async () => {
    const first = await client();
    expect(await subscribe(first.socket)).toMatchObject({ ok: true, data: { mode: 'snapshot' } });
    const seqAtStart = first.seen[0]!.seq;
    expect(first.seen[0]!.kind).toBe('snapshot');
    const seqBefore = await postRound('before', [...southEast, ...london]);
    await eventually(() => first.seen.at(-1)!.seq === seqBefore, 5_000, 'the first round live');
    const applied = first.seen.slice(1).map((event) => event.seq);
    expect(applied).toEqual(range(seqAtStart + 1, seqBefore));
    const lastApplied = applied.at(-1)!;
    first.socket.disconnect();

    const seqMissed = await postRound('missed', [...southEast, ...london]);
    expect(seqMissed).toBeGreaterThan(lastApplied + 8);

    const second = await client();
    const ack = await subscribe(second.socket, { since: lastApplied });
    expect(ack).toMatchObject({ ok: true, data: { mode: 'replay' } });
    expect(ack.ok && ack.data.seq).toBeGreaterThanOrEqual(seqMissed);
    await eventually(() => second.seen.at(-1)?.seq === seqMissed, 5_000, 'the replay');
    expect(second.seen.some((event) => event.kind === 'snapshot')).toBe(false);
    expect(second.seen.map((event) => event.seq)).toEqual(range(lastApplied + 1, seqMissed));
    expect(second.seen.filter((event) => event.kind === 'alert').length).toBeGreaterThan(0);

    const seqLive = await postRound('live', southEast);
    await eventually(() => second.seen.at(-1)?.seq === seqLive, 5_000, 'the live events');
    expect(second.seen.map((event) => event.seq)).toEqual(range(lastApplied + 1, seqLive));
  });

  it('resuming at the current seq replays nothing and goes live', async () => {
    const seqNow = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
    const c = await client();
    expect(await subscribe(c.socket, { since: seqNow })).toMatchObject({ ok: true, data: { mode: 'replay', seq: seqNow } });
    const seqLive = await postRound('after', london.slice(0, 2));
    await eventually(() => c.seen.at(-1)?.seq === seqLive, 5_000, 'the live events');
    expect(c.seen.map((event) => event.seq)).toEqual(range(seqNow + 1, seqLive));
  });

  it('a since ahead of the server gets a snapshot first, then live events', async () => {
    const seqNow = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
    const c = await client();
    const ack = await subscribe(c.socket, { since: seqNow + 100_000 });
    expect(ack).toMatchObject({ ok: true, data: { mode: 'snapshot', seq: seqNow } });
    await eventually(() => c.seen.length > 0, 5_000, 'the snapshot');
    // A snapshot built moments ago, a little behind the board, may be shared: the events
    // after it follow at once, so the socket still holds every seq up to the board's.
    const snapshot = c.seen[0]!;
    expect(snapshot.kind).toBe('snapshot');
    expect(snapshot.seq).toBeLessThanOrEqual(seqNow);
    const seqLive = await postRound('ahead', southEast.slice(0, 1));
    await eventually(() => c.seen.at(-1)?.seq === seqLive, 5_000, 'the live events');
    expect(c.seen.slice(1).map((event) => event.seq)).toEqual(range(snapshot.seq + 1, seqLive));
  });

  it('a region filter replays and streams only that region’s events, in order', async () => {
    const everything = await client();
    expect(await subscribe(everything.socket)).toMatchObject({ ok: true });
    const since = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
    const seqMissed = await postRound('regional', [...southEast, ...london]);
    await eventually(() => everything.seen.at(-1)?.seq === seqMissed, 5_000, 'the unfiltered events');

    const londonOnly = await client();
    expect(await subscribe(londonOnly.socket, { regions: ['y56'], since })).toMatchObject({ ok: true, data: { mode: 'replay' } });
    const seqLive = await postRound('regional-live', [southEast[0]!, london[0]!]);
    await eventually(() => everything.seen.at(-1)?.seq === seqLive, 5_000, 'the unfiltered live events');
    const expected = everything.seen.filter((event) => event.kind !== 'snapshot' && event.seq > since && event.region === 'Y56');
    expect(expected.length).toBeGreaterThan(4);
    await eventually(() => londonOnly.seen.at(-1)?.seq === expected.at(-1)!.seq, 5_000, 'the London events');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(londonOnly.seen).toEqual(expected);
    expect(londonOnly.seen.every((event) => event.region === 'Y56')).toBe(true);
  });

  it('resumes on another server process, which replays from the Redis stream, not its memory', async () => {
    const since = (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
    const seqMissed = await postRound('elsewhere', [...southEast, ...london]);
    // Started after the events: its in-memory buffer holds none of them.
    const other = await startServer(board.config, reference, createLogger('test', 'silent'));
    try {
      const made = await recordingClient(board, `http://127.0.0.1:${other.port}`);
      sockets.push(made.socket);
      expect(await subscribe(made.socket, { since })).toMatchObject({ ok: true, data: { mode: 'replay' } });
      await eventually(() => made.seen.at(-1)?.seq === seqMissed, 5_000, 'the replay from Redis');
      expect(made.seen.map((event) => event.seq)).toEqual(range(since + 1, seqMissed));
      const seqLive = await postRound('elsewhere-live', london.slice(0, 1));
      await eventually(() => made.seen.at(-1)?.seq === seqLive, 5_000, 'the live events');
      expect(made.seen.map((event) => event.seq)).toEqual(range(since + 1, seqLive));
      made.socket.disconnect();
    } finally {
      await other.close();
    }
  });

  it('refuses a malformed subscribe with the error envelope', async () => {
    const c = await client();
    expect(await subscribe(c.socket, { since: -1 })).toMatchObject({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
    expect(await subscribe(c.socket, { regions: ['Y99'] })).toMatchObject({ ok: false, error: { code: expect.any(String) } });
  });
});
