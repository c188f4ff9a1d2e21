import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createKey, startTestBoard, type TestBoard } from '../support/test-board.js';

const FOREIGN = 'http://evil.example';
const DEROGATION = { site: 'RHU03', service: 'A&E', staffRequested: '2 registrars' };

/**
 * SPEC §12: a cookie-authenticated state change must come from the board's own origin
 * (Origin, or without it Sec-Fetch-Site: same-origin); bearer keys are not affected;
 * POST /session takes JSON only.
 */
describe('cross-site request forgery', () => {
  let board: TestBoard;
  let trustKey: string;
  let trustCookie: string;
  let adminCookie: string;

  async function signIn(key: string): Promise<string> {
    const response = await api(board.url, undefined, 'POST', '/session', { key });
    expect(response.status).toBe(200);
    return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  const withCookie = (cookie: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    api(board.url, undefined, method, path, body, { cookie, ...headers });

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    trustCookie = await signIn(trustKey);
    adminCookie = await signIn(board.adminKey);
  });
  afterAll(() => board?.close());

  it('refuses a cookie-authenticated POST, PATCH or DELETE from another origin, or with no sign of its origin', async () => {
    const refusals: { name: string; headers: Record<string, string> }[] = [
      { name: 'no Origin, no Sec-Fetch-Site', headers: {} },
      { name: 'foreign Origin', headers: { origin: FOREIGN } },
      { name: 'opaque Origin', headers: { origin: 'null' } },
      { name: 'same host, other port', headers: { origin: board.url.replace(/:\d+$/, ':1') } },
      { name: 'cross-site fetch', headers: { 'sec-fetch-site': 'cross-site' } },
      { name: 'same-site fetch', headers: { 'sec-fetch-site': 'same-site' } },
      { name: 'foreign Origin despite Sec-Fetch-Site', headers: { origin: FOREIGN, 'sec-fetch-site': 'same-origin' } },
    ];
    for (const { name, headers } of refusals) {
      const response = await withCookie(trustCookie, 'POST', '/derogations', DEROGATION, headers);
      expect({ name, status: response.status }).toEqual({ name, status: 403 });
      expect(response.body.error.message).toMatch(/origin/i);
    }
    const created = await withCookie(trustCookie, 'POST', '/derogations', DEROGATION, { origin: board.url });
    expect(created.status).toBe(201);
    const patched = await withCookie(trustCookie, 'PATCH', `/derogations/${created.body.id}`, { state: 'withdrawn' }, { origin: FOREIGN });
    expect(patched.status).toBe(403);

    const victim = await api(board.url, board.adminKey, 'POST', '/keys', { role: 'display', label: 'victim' });
    expect((await withCookie(adminCookie, 'DELETE', `/keys/${victim.body.id}`, undefined, { origin: FOREIGN })).status).toBe(403);
    expect((await api(board.url, victim.body.key, 'GET', '/board')).status).toBe(200);
    expect((await withCookie(adminCookie, 'POST', '/keys', { role: 'admin', label: 'planted' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const keys = await api(board.url, board.adminKey, 'GET', '/keys');
    expect(keys.body.keys.map((key: { label: string }) => key.label)).not.toContain('planted');
    const derogations = await api(board.url, board.adminKey, 'GET', '/derogations');
    expect(derogations.body.derogations).toHaveLength(1);
    expect(derogations.body.derogations[0]).toMatchObject({ id: created.body.id, state: 'submitted' });

    // Signing out from another origin is refused too; the session goes on.
    expect((await withCookie(trustCookie, 'DELETE', '/session', undefined, { origin: FOREIGN })).status).toBe(403);
    expect((await withCookie(trustCookie, 'GET', '/me')).status).toBe(200);
  });

  it('accepts the board’s own origin, or Sec-Fetch-Site: same-origin without Origin', async () => {
    const viaOrigin = await withCookie(trustCookie, 'POST', '/derogations', DEROGATION, { origin: board.url });
    expect(viaOrigin.status).toBe(201);
    const viaFetchMetadata = await withCookie(trustCookie, 'PATCH', `/derogations/${viaOrigin.body.id}`, { state: 'withdrawn' }, { 'sec-fetch-site': 'same-origin' });
    expect(viaFetchMetadata.status).toBe(200);
    const victim = await api(board.url, board.adminKey, 'POST', '/keys', { role: 'display', label: 'revoked from the board' });
    expect((await withCookie(adminCookie, 'DELETE', `/keys/${victim.body.id}`, undefined, { origin: board.url })).status).toBe(200);
  });

  it('leaves reads and bearer-key requests alone', async () => {
    expect((await withCookie(trustCookie, 'GET', '/board', undefined, { origin: FOREIGN, 'sec-fetch-site': 'cross-site' })).status).toBe(200);
    const bearer = await api(board.url, trustKey, 'POST', '/derogations', DEROGATION, { origin: FOREIGN, 'sec-fetch-site': 'cross-site' });
    expect(bearer.status).toBe(201);
  });

  it('takes POST /session as JSON only (415 otherwise), and never from another origin', async () => {
    const form = await api(board.url, undefined, 'POST', '/session', `key=${encodeURIComponent(trustKey)}`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.error.message).toMatch(/application\/json/);
    expect(form.headers.get('set-cookie')).toBeNull();
    for (const contentType of ['text/plain', 'multipart/form-data; boundary=x']) {
      const response = await api(board.url, undefined, 'POST', '/session', JSON.stringify({ key: trustKey }), { 'content-type': contentType });
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 415 });
    }
    const noType = await fetch(`${board.url}/api/v1/session`, { method: 'POST', body: new Uint8Array(Buffer.from(JSON.stringify({ key: trustKey }))) });
    expect(noType.status).toBe(415);

    const foreign = await api(board.url, undefined, 'POST', '/session', { key: trustKey }, { origin: FOREIGN });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    expect((await api(board.url, undefined, 'POST', '/session', { key: trustKey }, { origin: board.url })).status).toBe(200);
  });
});
