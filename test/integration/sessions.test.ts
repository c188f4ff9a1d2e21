import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@pb/shared';
import { ApiKeyStore } from '../../server/src/auth/api-keys.js';
import { SESSION_LIFETIMES, SessionStore } from '../../server/src/auth/sessions.js';
import { api, createKey, startTestBoard, type TestBoard } from '../support/test-board.js';

const MINUTE = 60_000;

/** SPEC §12: browser sessions renew while used, up to an absolute maximum per role, and end on sign-out. */
describe('browser sessions', () => {
  let board: TestBoard;
  let apiKeys: ApiKeyStore;
  let directorKey: string;
  let displayKey: string;
  /** A session store on the board's Redis whose clock runs `offset` ms from the real one. */
  let offset = 0;
  let shifted: SessionStore;

  const me = (cookie: string, headers: Record<string, string> = {}) => api(board.url, undefined, 'GET', '/me', undefined, { cookie, ...headers });

  async function signIn(key: string): Promise<{ cookie: string; id: string; setCookie: string }> {
    const response = await api(board.url, undefined, 'POST', '/session', { key });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0]!;
    return { cookie, id: cookie.slice(cookie.indexOf('=') + 1), setCookie };
  }

  /** Signs in at `startMs` (relative to now) and keeps the session in use, through `touch`, until `untilMs`. */
  async function sessionUsedFrom(key: string, role: keyof typeof SESSION_LIFETIMES, startMs: number, untilMs: number): Promise<string> {
    offset = startMs;
    const info = (await apiKeys.findBySecret(key))!;
    const { id } = await shifted.create(key, info);
    const step = (SESSION_LIFETIMES[role].idleSeconds * 1000) / 2;
    for (offset = startMs + step; offset < untilMs; offset += step) expect(await shifted.touch(id)).toBe(true);
    offset = untilMs;
    expect(await shifted.touch(id)).toBe(true);
    offset = 0;
    return id;
  }

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
    const keys = redisKeys(board.prefix);
    apiKeys = new ApiKeyStore(board.redis, keys);
    shifted = new SessionStore(board.redis, keys, apiKeys, { now: () => Date.now() + offset });
    directorKey = await createKey(board, { role: 'director', label: 'SE director' });
    displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
  });
  afterAll(() => board?.close());

  it('ignores a malformed Cookie header (no session, never a 5xx)', async () => {
    for (const cookie of ['pb_session=%', 'pb_session=%E0%A4%A', 'pb_session="%', 'other=%; pb_session=%zz', '=; ;;pb_session', 'pb_session=' + 'a'.repeat(5000)]) {
      const response = await me(cookie);
      expect({ cookie: cookie.slice(0, 40), status: response.status }).toEqual({ cookie: cookie.slice(0, 40), status: 401 });
      expect(response.body.error.code).toBe('unauthorized');
    }
    // A broken cookie beside a bearer key does not get in the key's way.
    const withKey = await api(board.url, directorKey, 'GET', '/me', undefined, { cookie: 'pb_session=%' });
    expect(withKey.status).toBe(200);
    expect((await api(board.url, undefined, 'DELETE', '/session', undefined, { cookie: 'pb_session=%', origin: board.url })).status).toBe(204);
  });

  it('gives the cookie the role’s absolute maximum: 14 h for staff keys, 90 days for display keys', async () => {
    expect(SESSION_LIFETIMES.director.maxSeconds).toBe(14 * 3600);
    expect(SESSION_LIFETIMES.trust.maxSeconds).toBe(14 * 3600);
    expect(SESSION_LIFETIMES.admin.maxSeconds).toBe(14 * 3600);
    expect(SESSION_LIFETIMES.display.maxSeconds).toBe(90 * 24 * 3600);
    expect((await signIn(directorKey)).setCookie).toMatch(/Max-Age=50400\b/i);
    expect((await signIn(displayKey)).setCookie).toMatch(/Max-Age=7776000\b/i);
  });

  it('renews a session on each authenticated request, so it outlives its idle window while used', async () => {
    const idleMs = SESSION_LIFETIMES.director.idleSeconds * 1000;
    // Signed in long enough ago that, unused, it ends a minute from now.
    offset = -(idleMs - MINUTE);
    const { id } = await shifted.create(directorKey, (await apiKeys.findBySecret(directorKey))!);
    offset = 0;
    expect((await me(`pb_session=${id}`)).status).toBe(200);
    // An hour later it is still valid, because the request renewed it.
    offset = 60 * MINUTE;
    expect(await shifted.find(id)).toMatchObject({ me: { role: 'director', label: 'SE director' } });
    expect(await shifted.existing([id])).toEqual(new Set([id]));
    // Unused for a whole idle window, it ends.
    offset = 60 * MINUTE + idleMs + MINUTE;
    expect(await shifted.find(id)).toBeNull();
    expect(await shifted.touch(id)).toBe(false);
    expect(await shifted.existing([id])).toEqual(new Set());
    offset = 0;
  });

  it('ends a staff session 14 h after sign-in however much it is used', async () => {
    const maxMs = SESSION_LIFETIMES.director.maxSeconds * 1000;
    const fresh = await sessionUsedFrom(directorKey, 'director', -(maxMs - 5 * MINUTE), -MINUTE);
    expect((await me(`pb_session=${fresh}`)).status).toBe(200);
    offset = 10 * MINUTE;
    expect(await shifted.find(fresh)).toBeNull();
    expect(await shifted.existing([fresh])).toEqual(new Set());
    offset = 0;

    const old = await sessionUsedFrom(directorKey, 'director', -(maxMs + 5 * MINUTE), -(maxMs + MINUTE));
    const expired = await me(`pb_session=${old}`);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/sign in again/i);
  });

  it('keeps a wallboard’s display session for weeks while its socket renews it, up to 90 days', async () => {
    const day = 24 * 60 * MINUTE;
    const weeksOld = await sessionUsedFrom(displayKey, 'display', -89 * day, -MINUTE);
    expect((await me(`pb_session=${weeksOld}`)).status).toBe(200);
    expect((await api(board.url, undefined, 'GET', '/board', undefined, { cookie: `pb_session=${weeksOld}` })).status).toBe(200);
    offset = 2 * day;
    expect(await shifted.touch(weeksOld)).toBe(false);
    offset = 0;

    const tooOld = await sessionUsedFrom(displayKey, 'display', -91 * day, -(90 * day + MINUTE));
    expect((await me(`pb_session=${tooOld}`)).status).toBe(401);
  });

  it('signing out ends the session at once, and the live side can tell', async () => {
    const kept = await signIn(directorKey);
    const ended = await signIn(directorKey);
    expect((await me(ended.cookie)).status).toBe(200);
    expect(await shifted.existing([kept.id, ended.id, 'not-a-session-id-at-all'])).toEqual(new Set([kept.id, ended.id]));

    const signOut = await api(board.url, undefined, 'DELETE', '/session', undefined, { cookie: ended.cookie, origin: board.url });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(/pb_session=;/);
    expect((await me(ended.cookie)).status).toBe(401);
    expect((await me(kept.cookie)).status).toBe(200);
    expect(await shifted.existing([kept.id, ended.id])).toEqual(new Set([kept.id]));
    expect(await shifted.touch(ended.id)).toBe(false);
  });
});
