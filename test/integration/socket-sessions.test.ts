import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { BOARD_NAMESPACE, redisKeys } from '@pb/shared';
import { api, connectBoard, createKey, eventually, reference, startTestBoard, subscribe, waitForUpdate, type BoardClient, type TestBoard } from '../support/test-board.js';

const LONDON = reference.sites.filter((site) => site.region === 'Y56').slice(0, 2);
const SOUTH_EAST = reference.sites.find((site) => site.region === 'Y59')!;

interface Seen {
  kind: 'status' | 'alert' | 'derogation';
  seq: number;
  region: string;
}

/** Records every event a socket receives, with the region it concerns, and its snapshots. */
function record(socket: BoardClient) {
  const seen = { events: [] as Seen[], snapshots: [] as { sites: string[]; alerts: string[] }[] };
  socket.on('status', (event) => seen.events.push({ kind: 'status', seq: event.seq, region: event.status.region }));
  socket.on('alert', (event) => seen.events.push({ kind: 'alert', seq: event.seq, region: event.region }));
  socket.on('derogation', (event) => seen.events.push({ kind: 'derogation', seq: event.seq, region: event.derogation.region }));
  socket.on('snapshot', (snapshot) =>
    seen.snapshots.push({ sites: snapshot.sites.map((site) => site.region), alerts: snapshot.alerts.map((alert) => alert.region) }),
  );
  return seen;
}

/** Signs in with a key as the web pages do; returns the session cookie. */
async function signIn(board: TestBoard, key: string): Promise<{ cookie: string; sessionId: string }> {
  const response = await fetch(`${board.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: board.url },
    body: JSON.stringify({ key }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('pb_session='))?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  return { cookie, sessionId: cookie.slice('pb_session='.length) };
}

/** A socket opened with the session cookie (and the given Origin, if any), as a browser would. */
async function connectWithCookie(board: TestBoard, cookie: string, origin: string | undefined): Promise<BoardClient> {
  const socket: BoardClient = io(`${board.url}${BOARD_NAMESPACE}`, {
    transports: ['websocket'],
    extraHeaders: { cookie, ...(origin ? { origin } : {}) },
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return socket;
}

/** Resolves with how long after now the server disconnects the socket, or -1 if it is still connected after 6 s. */
function disconnection(socket: BoardClient): Promise<number> {
  const from = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(-1), 6_000);
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve(Date.now() - from);
    });
  });
}

/** SPEC §12: sessions and scopes hold on the live socket as on HTTP. */
describe('socket sessions and scopes', () => {
  let board: TestBoard;
  const sockets: BoardClient[] = [];
  const track = (socket: BoardClient) => {
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    board = await startTestBoard();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await board?.close();
  });

  /** Posts an update (an A&E closure raises an alert too) and waits until it is applied; returns the board's seq. */
  async function post(site: string, change: { opel: number; ed?: { status: 'closed' } }): Promise<number> {
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', { site, ...change });
    expect(posted.status).toBe(202);
    const done = await waitForUpdate(board, posted.body.updates[0].id);
    expect(done.state).toBe('applied');
    return (await api(board.url, board.adminKey, 'GET', '/board')).body.seq as number;
  }

  it('a display key scoped to London sees only London, in its snapshot, its replay and live', async () => {
    const londonWall = await createKey(board, { role: 'display', label: 'London control room', regions: ['Y56'] });
    const everything = track(await connectBoard(board.url, board.adminKey));
    const all = record(everything);
    expect(await subscribe(everything)).toMatchObject({ ok: true });

    const scoped = track(await connectBoard(board.url, londonWall));
    const london = record(scoped);
    expect(await subscribe(scoped, { regions: ['Y59'] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const seqBefore = await post(SOUTH_EAST.code, { opel: 3, ed: { status: 'closed' } });
    expect(await subscribe(scoped)).toMatchObject({ ok: true, data: { mode: 'snapshot' } });
    expect(london.snapshots).toHaveLength(1);
    expect(london.snapshots[0]!.sites.length).toBe(reference.sites.filter((site) => site.region === 'Y56').length);
    expect(new Set([...london.snapshots[0]!.sites, ...london.snapshots[0]!.alerts])).toEqual(new Set(['Y56']));

    await post(LONDON[0]!.code, { opel: 3, ed: { status: 'closed' } });
    await post(LONDON[1]!.code, { opel: 4, ed: { status: 'closed' } });
    const seqAfter = await post(SOUTH_EAST.code, { opel: 4 });
    await eventually(() => all.events.at(-1)?.seq === seqAfter, 5_000, 'every event on the unscoped socket');
    const londonEvents = all.events.filter((event) => event.region === 'Y56');
    expect(londonEvents.length).toBeGreaterThanOrEqual(4);
    expect(all.events.some((event) => event.region === 'Y59')).toBe(true);
    await eventually(() => london.events.at(-1)?.seq === londonEvents.at(-1)!.seq, 5_000, 'the London events');
    expect(london.events).toEqual(londonEvents);

    // Resuming replays London's events only, too.
    const resumed = track(await connectBoard(board.url, londonWall));
    const replayed = record(resumed);
    expect(await subscribe(resumed, { since: seqBefore })).toMatchObject({ ok: true, data: { mode: 'replay' } });
    await eventually(() => replayed.events.at(-1)?.seq === londonEvents.at(-1)!.seq, 5_000, 'the London replay');
    expect(replayed.events).toEqual(londonEvents.filter((event) => event.seq > seqBefore));
  });

  it('refuses a signed-in socket from another origin, and accepts one from the board’s own', async () => {
    const { cookie } = await signIn(board, board.adminKey);
    await expect(connectWithCookie(board, cookie, 'https://evil.example')).rejects.toMatchObject({ message: 'forbidden', data: { code: 'forbidden' } });
    await expect(connectWithCookie(board, cookie, `http://127.0.0.1:${board.server.port + 1}`)).rejects.toMatchObject({ data: { code: 'forbidden' } });
    await expect(connectWithCookie(board, cookie, 'null')).rejects.toMatchObject({ data: { code: 'forbidden' } });
    await expect(connectWithCookie(board, cookie, undefined)).rejects.toMatchObject({ data: { code: 'forbidden' } });

    const own = track(await connectWithCookie(board, cookie, board.url));
    expect(await subscribe(own)).toMatchObject({ ok: true, data: { mode: 'snapshot' } });

    // A bearer key is not a browser's ambient credential: its Origin is not checked.
    const withKey = io(`${board.url}${BOARD_NAMESPACE}`, { auth: { token: board.adminKey }, transports: ['websocket'], extraHeaders: { origin: 'https://evil.example' }, reconnection: false, forceNew: true });
    track(withKey);
    await new Promise<void>((resolve, reject) => {
      withKey.once('connect', () => resolve());
      withKey.once('connect_error', reject);
    });
    expect(await subscribe(withKey)).toMatchObject({ ok: true });
  });

  it('disconnects a signed-in socket within 5 s of sign-out, or of its session expiring; other sessions keep theirs', async () => {
    const wallKey = await createKey(board, { role: 'display', label: 'Ward wall' });
    const [leaving, expiring, staying] = await Promise.all([signIn(board, wallKey), signIn(board, wallKey), signIn(board, wallKey)]);
    const leavingSocket = track(await connectWithCookie(board, leaving.cookie, board.url));
    const expiringSocket = track(await connectWithCookie(board, expiring.cookie, board.url));
    const stayingSocket = track(await connectWithCookie(board, staying.cookie, board.url));
    for (const socket of [leavingSocket, expiringSocket, stayingSocket]) expect(await subscribe(socket)).toMatchObject({ ok: true });

    const left = disconnection(leavingSocket);
    const signOut = await fetch(`${board.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: leaving.cookie, origin: board.url } });
    expect(signOut.status).toBe(204);
    const leftAfter = await left;
    expect(leftAfter).toBeGreaterThanOrEqual(0);
    expect(leftAfter).toBeLessThan(5_000);

    const expired = disconnection(expiringSocket);
    // The session's own TTL runs out, as it does after its idle or absolute limit.
    expect(await board.redis.pexpire(redisKeys(board.prefix).session(expiring.sessionId), 1)).toBe(1);
    const expiredAfter = await expired;
    expect(expiredAfter).toBeGreaterThanOrEqual(0);
    expect(expiredAfter).toBeLessThan(5_000);

    expect(stayingSocket.connected).toBe(true);
    expect(await subscribe(stayingSocket)).toMatchObject({ ok: true });
    // The signed-out cookie no longer opens a socket.
    await expect(connectWithCookie(board, leaving.cookie, board.url)).rejects.toMatchObject({ data: { code: 'unauthorized' } });
  });
});
