/**
 * A single sign-on session lives by the rules of a key's session of the same role
 * (SPEC §12): renewed by use, ended after the idle window or at the absolute maximum,
 * ended by signing out — and, having no key behind it, its socket is not taken for a
 * revoked key's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { BOARD_NAMESPACE, redisKeys, type Me } from '@pb/shared';
import { ApiKeyStore } from '../../server/src/auth/api-keys.js';
import { SESSION_LIFETIMES, SessionStore } from '../../server/src/auth/sessions.js';
import { api, createKey, startTestBoard, type BoardClient, type TestBoard } from '../support/test-board.js';

const MINUTE = 60_000;
const JANE: Me = { id: 'sso_AAAAAAAAAAAAAAAAAAAAAA', role: 'director', label: 'Jane Director', regions: ['Y59'] };

describe('single sign-on sessions', () => {
  let board: TestBoard;
  let apiKeys: ApiKeyStore;
  /** A session store on the board's Redis whose clock runs `offset` ms from the real one. */
  let offset = 0;
  let shifted: SessionStore;
  const sockets: BoardClient[] = [];

  const me = (id: string) => api(board.url, undefined, 'GET', '/me', undefined, { cookie: `pb_session=${id}` });

  async function connect(cookie: string): Promise<BoardClient> {
    const socket: BoardClient = io(`${board.url}${BOARD_NAMESPACE}`, { transports: ['websocket'], extraHeaders: { cookie, origin: board.url }, reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
    const keys = redisKeys(board.prefix);
    apiKeys = new ApiKeyStore(board.redis, keys);
    shifted = new SessionStore(board.redis, keys, apiKeys, { now: () => Date.now() + offset });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await board?.close();
  });

  it('speaks for the person, with the role and regions they were granted, and no key', async () => {
    const { id, maxAgeSeconds } = await shifted.createForUser(JANE, 'id-token');
    expect(maxAgeSeconds).toBe(SESSION_LIFETIMES.director.maxSeconds);
    expect(await shifted.find(id)).toEqual({ me: JANE });
    const answer = await me(id);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JANE);
    // Region-scoped as a key would be.
    const board0 = await api(board.url, undefined, 'GET', '/board', undefined, { cookie: `pb_session=${id}` });
    expect(new Set(board0.body.sites.map((site: { region: string }) => site.region))).toEqual(new Set(['Y59']));
  });

  it('renews while used and ends after the idle window, and at the role’s absolute maximum however much it is used', async () => {
    const idleMs = SESSION_LIFETIMES.director.idleSeconds * 1000;
    const maxMs = SESSION_LIFETIMES.director.maxSeconds * 1000;
    offset = -(idleMs - MINUTE);
    const { id } = await shifted.createForUser(JANE);
    offset = 0;
    expect((await me(id)).status).toBe(200);
    offset = 60 * MINUTE;
    expect(await shifted.find(id)).toEqual({ me: JANE });
    offset = 60 * MINUTE + idleMs + MINUTE;
    expect(await shifted.find(id)).toBeNull();

    offset = -(maxMs - 5 * MINUTE);
    const long = await shifted.createForUser(JANE);
    for (offset = -(maxMs - 5 * MINUTE) + idleMs / 2; offset < 0; offset += idleMs / 2) expect(await shifted.touch(long.id)).toBe(true);
    offset = 10 * MINUTE;
    expect(await shifted.find(long.id)).toBeNull();
    offset = 0;
  });

  it('gives a display role the wallboard’s lifetime', async () => {
    expect((await shifted.createForUser({ id: 'sso_BBBBBBBBBBBBBBBBBBBBBB', role: 'display', label: 'Control room' })).maxAgeSeconds).toBe(SESSION_LIFETIMES.display.maxSeconds);
  });

  it('keeps its socket through key revocations, and drops it within 5 s of signing out', async () => {
    const { id } = await shifted.createForUser(JANE, 'id-token');
    const ssoSocket = await connect(`pb_session=${id}`);
    // A key's session beside it, whose key is revoked: its socket dropping shows a revocation check has run.
    const wallKey = await createKey(board, { role: 'display', label: 'Ward wall' });
    const keySession = await api(board.url, undefined, 'POST', '/session', { key: wallKey });
    const keySocket = await connect(keySession.headers.get('set-cookie')!.split(';')[0]!);
    const keyDropped = new Promise<void>((resolve) => keySocket.once('disconnect', () => resolve()));
    const keys = await api(board.url, board.adminKey, 'GET', '/keys');
    const wall = keys.body.keys.find((key: { label: string }) => key.label === 'Ward wall');
    expect((await api(board.url, board.adminKey, 'DELETE', `/keys/${wall.id}`)).status).toBe(200);
    await keyDropped;
    expect(ssoSocket.connected).toBe(true);

    const dropped = new Promise<number>((resolve) => ssoSocket.once('disconnect', () => resolve(Date.now())));
    const signedOutAt = Date.now();
    // No identity provider on this board: signing out ends the board session alone.
    const signOut = await api(board.url, undefined, 'DELETE', '/session', undefined, { cookie: `pb_session=${id}`, origin: board.url });
    expect(signOut.status).toBe(204);
    expect((await dropped) - signedOutAt).toBeLessThan(5_000);
    expect((await me(id)).status).toBe(401);
  });
});
