import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { api, connectBoard, createKey, eventually, reference, startTestBoard, subscribe, waitForUpdate, type TestBoard } from '../support/test-board.js';

type Who = 'trust' | 'director' | 'londonDirector' | 'display' | 'admin';
const EVERYONE: Who[] = ['trust', 'director', 'londonDirector', 'display', 'admin'];

/** Every string value under one board's prefix, whatever the Redis type. */
async function everythingStored(redis: Redis, prefix: string): Promise<string[]> {
  const values: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      values.push(key);
      const type = await redis.type(key);
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      else if (type === 'hash') values.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, '0', '-1')));
      else if (type === 'stream') values.push(...((await redis.xrange(key, '-', '+')) as [string, string[]][]).flatMap(([id, fields]) => [id, ...fields]));
    }
  } while (cursor !== '0');
  return values;
}

describe('authentication and authorisation (SPEC §4, §10)', () => {
  let board: TestBoard;
  const keys = {} as Record<Who, string>;
  let alertId: string;
  let trustUpdateId: string;

  const call = (who: Who | string | undefined, method: string, path: string, body?: unknown) =>
    api(board.url, who === undefined ? undefined : (keys[who as Who] ?? who), method, path, body);

  beforeAll(async () => {
    board = await startTestBoard();
    keys.admin = board.adminKey;
    keys.trust = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    keys.director = await createKey(board, { role: 'director', label: 'South East director' });
    keys.londonDirector = await createKey(board, { role: 'director', label: 'London director', regions: ['Y56'] });
    keys.display = await createKey(board, { role: 'display', label: 'Control room wall' });
    // A critical incident at RHU03 (South East) raises an alert to acknowledge.
    const posted = await call('trust', 'POST', '/updates', { site: 'RHU03', opel: 4, incident: { level: 'critical', reason: 'IT outage' } });
    expect(posted.status).toBe(202);
    trustUpdateId = posted.body.updates[0].id;
    await waitForUpdate(board, trustUpdateId);
    const alerts = await call('admin', 'GET', '/alerts');
    alertId = alerts.body.alerts.find((alert: { site: string; kind: string }) => alert.site === 'RHU03' && alert.kind === 'critical_incident').id;
    expect(alertId).toEqual(expect.any(String));
  });
  afterAll(() => board?.close());

  it('POST /updates: trust (own sites) and admin only', async () => {
    const expected: Record<Who, number> = { trust: 202, admin: 202, director: 403, londonDirector: 403, display: 403 };
    for (const who of EVERYONE) {
      const response = await call(who, 'POST', '/updates', { site: 'RHU03', opel: 3 });
      expect({ who, status: response.status }).toEqual({ who, status: expected[who] });
      if (response.status === 403) expect(response.body.error.code).toEqual(expect.any(String));
    }
  });

  it('a trust key posting for another trust’s site is 403, and nothing is queued', async () => {
    const before = await call('admin', 'GET', '/sites/RHM01');
    for (const body of [{ site: 'RHM01', opel: 4 }, [{ site: 'RHU03', opel: 2 }, { site: 'RHM01', opel: 4 }]]) {
      const response = await call('trust', 'POST', '/updates', body);
      expect(response.status).toBe(403);
      expect(response.body.error.message).toMatch(/RHM01/);
    }
    const text = await api(board.url, keys.trust, 'POST', '/updates?site=RHM01', 'declared a critical incident', { 'content-type': 'text/plain' });
    expect(text.status).toBe(403);
    const after = await call('admin', 'GET', '/sites/RHM01');
    expect(after.body).toEqual(before.body);
    expect(after.body.opel).toBeNull();
  });

  it('GET /sites/:code is the flat SiteStatus of GET /board; GET /sites keeps the reference fields', async () => {
    const [site, boardRead, sites] = await Promise.all([call('display', 'GET', '/sites/rhu03'), call('display', 'GET', '/board'), call('display', 'GET', '/sites')]);
    expect(site.status).toBe(200);
    expect(site.body).toEqual(boardRead.body.sites.find((status: { site: string }) => status.site === 'RHU03'));
    expect(site.body).toMatchObject({ site: 'RHU03', region: 'Y59', opel: expect.any(Number), severity: 4, incident: { level: 'critical' } });
    expect(site.body.status).toBeUndefined();
    const reference = sites.body.sites.find((entry: { code: string }) => entry.code === 'RHU03');
    expect(reference).toMatchObject({ code: 'RHU03', name: site.body.name, trust: 'RHU', region: 'Y59', lat: expect.any(Number), status: site.body });
  });

  it('GET /updates/:id: the poster, directors of its region and admin; others are refused', async () => {
    const expected: Record<Who, number> = { trust: 200, admin: 200, director: 200, londonDirector: 403, display: 403 };
    for (const who of EVERYONE) {
      const response = await call(who, 'GET', `/updates/${trustUpdateId}`);
      expect({ who, status: response.status }).toEqual({ who, status: expected[who] });
      if (response.status === 200) expect(response.body).toMatchObject({ id: trustUpdateId, state: 'applied' });
    }
    const otherTrust = await createKey(board, { role: 'trust', label: 'Southampton', trusts: ['RHM'] });
    expect((await call(otherTrust, 'GET', `/updates/${trustUpdateId}`)).status).toBe(403);
    expect((await call('admin', 'GET', '/updates/u_doesnotexist')).status).toBe(404);
  });

  it('GET /board and GET /sites: every role; a director scoped to regions sees only those', async () => {
    const all = reference.sites.length;
    const london = reference.sites.filter((site) => site.region === 'Y56').length;
    expect(london).toBeGreaterThan(0);
    expect(london).toBeLessThan(all);
    for (const who of EVERYONE) {
      const boardRead = await call(who, 'GET', '/board');
      const sites = await call(who, 'GET', '/sites');
      expect({ who, board: boardRead.status, sites: sites.status }).toEqual({ who, board: 200, sites: 200 });
      const expectedCount = who === 'londonDirector' ? london : all;
      expect({ who, count: boardRead.body.sites.length }).toEqual({ who, count: expectedCount });
      expect({ who, count: sites.body.sites.length }).toEqual({ who, count: expectedCount });
      if (who === 'londonDirector') {
        expect(boardRead.body.sites.every((site: { region: string }) => site.region === 'Y56')).toBe(true);
        expect(boardRead.body.alerts.some((alert: { site: string }) => alert.site === 'RHU03')).toBe(false);
      } else {
        expect(boardRead.body.alerts.some((alert: { id: string }) => alert.id === alertId)).toBe(true);
      }
    }
  });

  it('GET /board?region=: filters for everyone; outside a director’s scope is 403', async () => {
    const southEast = reference.sites.filter((site) => site.region === 'Y59').length;
    for (const who of EVERYONE) {
      const response = await call(who, 'GET', '/board?region=Y59');
      if (who === 'londonDirector') {
        expect(response.status).toBe(403);
        continue;
      }
      expect({ who, status: response.status }).toEqual({ who, status: 200 });
      expect(response.body.sites).toHaveLength(southEast);
      expect(response.body.sites.every((site: { region: string }) => site.region === 'Y59')).toBe(true);
    }
    const inScope = await call('londonDirector', 'GET', '/board?region=Y56');
    expect(inScope.status).toBe(200);
    expect(inScope.body.sites.every((site: { region: string }) => site.region === 'Y56')).toBe(true);
    expect((await call('londonDirector', 'GET', '/sites/RHU03')).status).toBe(403);
    expect((await call('londonDirector', 'GET', '/sites/RHU03/history')).status).toBe(403);
    expect((await call('londonDirector', 'GET', '/alerts')).body.alerts.some((alert: { site: string }) => alert.site === 'RHU03')).toBe(false);
  });

  it('POST /keys, GET /keys, DELETE /keys/:id: admin only', async () => {
    const victim = await api(board.url, keys.admin, 'POST', '/keys', { role: 'display', label: 'victim' });
    expect(victim.status).toBe(201);
    expect(victim.body).toMatchObject({ id: expect.any(String), key: expect.any(String), role: 'display', label: 'victim', createdAt: expect.any(String) });
    for (const who of EVERYONE.filter((w) => w !== 'admin')) {
      const created = await call(who, 'POST', '/keys', { role: 'admin', label: `escalation by ${who}` });
      const listed = await call(who, 'GET', '/keys');
      const revoked = await call(who, 'DELETE', `/keys/${victim.body.id}`);
      expect({ who, created: created.status, listed: listed.status, revoked: revoked.status }).toEqual({ who, created: 403, listed: 403, revoked: 403 });
    }
    expect((await call(victim.body.key, 'GET', '/board')).status).toBe(200);
    const listed = await call('admin', 'GET', '/keys');
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((key: { label: string }) => key.label)).not.toContain('escalation by trust');
    expect(listed.body.keys.find((key: { id: string }) => key.id === victim.body.id)).toMatchObject({ role: 'display', label: 'victim' });
    expect(JSON.stringify(listed.body)).not.toContain(victim.body.key);
    const revoked = await call('admin', 'DELETE', `/keys/${victim.body.id}`);
    expect(revoked.status).toBe(200);
    expect((await call(victim.body.key, 'GET', '/board')).status).toBe(401);
    expect((await call('admin', 'DELETE', '/keys/k_nosuchkey')).status).toBe(404);
  });

  it('GET /rejections: admin and directors only, each director within its regions', async () => {
    const londonSite = reference.sites.find((site) => site.region === 'Y56')!;
    const rejected: Record<string, string> = {};
    for (const code of ['RHU03', londonSite.code]) {
      const posted = await api(board.url, keys.admin, 'POST', `/updates?site=${code}`, 'the quick brown fox', { 'content-type': 'text/plain' });
      expect(posted.status).toBe(202);
      rejected[code] = posted.body.updates[0].id;
      expect(await waitForUpdate(board, rejected[code]!)).toMatchObject({ state: 'rejected' });
    }
    const expected: Record<Who, number> = { trust: 403, display: 403, admin: 200, director: 200, londonDirector: 200 };
    const seen = {} as Record<Who, string[]>;
    for (const who of EVERYONE) {
      const response = await call(who, 'GET', '/rejections');
      expect({ who, status: response.status }).toEqual({ who, status: expected[who] });
      if (response.status === 200) seen[who] = response.body.rejections.map((entry: { id: string }) => entry.id);
    }
    expect(seen.admin).toEqual(expect.arrayContaining([rejected.RHU03, rejected[londonSite.code]]));
    expect(seen.director).toEqual(expect.arrayContaining([rejected.RHU03, rejected[londonSite.code]]));
    expect(seen.londonDirector).toEqual([rejected[londonSite.code]]);
    expect((await call('londonDirector', 'GET', '/rejections?region=Y59')).status).toBe(403);
    expect((await call('director', 'GET', '/rejections?region=Y56')).body.rejections.map((entry: { id: string }) => entry.id)).toEqual([rejected[londonSite.code]]);
  });

  it('a region-scoped key of any role reads only its regions, in every HTTP read (SPEC §12)', async () => {
    const londonSites = reference.sites.filter((site) => site.region === 'Y56').length;
    const scoped = {
      display: await createKey(board, { role: 'display', label: 'London wall', regions: ['Y56'] }),
      trust: await createKey(board, { role: 'trust', label: 'Portsmouth, London view', trusts: ['RHU'], regions: ['Y56'] }),
      admin: await createKey(board, { role: 'admin', label: 'London admin', regions: ['Y56'] }),
    };
    const derogation = await call('trust', 'POST', '/derogations', { site: 'RHU03', service: 'A&E', staffRequested: '2 nurses' });
    expect(derogation.status).toBe(201);
    for (const [role, key] of Object.entries(scoped)) {
      const boardRead = await call(key, 'GET', '/board');
      expect({ role, status: boardRead.status, count: boardRead.body.sites.length }).toEqual({ role, status: 200, count: londonSites });
      expect(boardRead.body.alerts.some((alert: { site: string }) => alert.site === 'RHU03')).toBe(false);
      expect({ role, count: (await call(key, 'GET', '/sites')).body.sites.length }).toEqual({ role, count: londonSites });
      expect({ role, status: (await call(key, 'GET', '/sites/RHU03')).status }).toEqual({ role, status: 403 });
      expect({ role, status: (await call(key, 'GET', '/sites/RHU03/history')).status }).toEqual({ role, status: 403 });
      expect({ role, status: (await call(key, 'GET', '/board?region=Y59')).status }).toEqual({ role, status: 403 });
      expect((await call(key, 'GET', '/alerts')).body.alerts.some((alert: { site: string }) => alert.site === 'RHU03')).toBe(false);
      const past = await call(key, 'GET', `/board?at=${encodeURIComponent(new Date().toISOString())}`);
      expect({ role, count: past.body.sites.length }).toEqual({ role, count: londonSites });
      expect((await call(key, 'GET', '/derogations')).body.derogations.some((d: { id: string }) => d.id === derogation.body.id)).toBe(false);
    }
    const exported = await call(scoped.admin, 'GET', '/export.csv');
    expect(exported.status).toBe(200);
    expect(exported.body).not.toContain('RHU03');
    expect((await call('admin', 'GET', '/export.csv')).body).toContain('RHU03');
    expect((await call(scoped.admin, 'GET', '/rejections')).body.rejections.some((entry: { site?: string }) => entry.site === 'RHU03')).toBe(false);
  });

  it('POST /alerts/:id/ack: directors (in scope) and admin only', async () => {
    for (const who of ['trust', 'display', 'londonDirector'] as Who[]) {
      const response = await call(who, 'POST', `/alerts/${alertId}/ack`);
      expect({ who, status: response.status }).toEqual({ who, status: 403 });
    }
    const stillOpen = await call('admin', 'GET', '/alerts');
    expect(stillOpen.body.alerts.find((alert: { id: string }) => alert.id === alertId).acknowledgedBy).toBeUndefined();
    const watcher = await connectBoard(board.url, keys.display);
    const ackEvent = new Promise<{ seq: number; id: string; acknowledgedBy?: string }>((resolve) => watcher.on('alert', (event) => event.id === alertId && resolve(event)));
    expect(await subscribe(watcher)).toMatchObject({ ok: true });
    const seqBefore = (await call('admin', 'GET', '/board')).body.seq as number;
    const acked = await call('director', 'POST', `/alerts/${alertId}/ack`);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: alertId, acknowledgedBy: 'South East director', acknowledgedAt: expect.any(String) });
    // The acknowledgement reaches every board as an alert event with a new seq.
    try {
      expect(await ackEvent).toMatchObject({ id: alertId, seq: seqBefore + 1, acknowledgedBy: 'South East director', acknowledgedAt: expect.any(String) });
    } finally {
      watcher.disconnect();
    }
    const byAdmin = await call('admin', 'POST', `/alerts/${alertId}/ack`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.acknowledgedBy).toBe('South East director');
    expect((await call('director', 'POST', '/alerts/nosuchalert/ack')).status).toBe(404);
  });

  it('no key, an unknown key, a malformed header, a key in the URL and a revoked key are all 401', async () => {
    const paths = ['/board', '/sites', '/keys', '/rejections', `/updates/${trustUpdateId}`];
    for (const path of paths) {
      expect((await call(undefined, 'GET', path)).status).toBe(401);
      expect((await call('pb_notarealkey', 'GET', path)).status).toBe(401);
    }
    expect((await call(undefined, 'POST', '/updates', { site: 'RHU03', opel: 1 })).status).toBe(401);
    const noKey = await call(undefined, 'GET', '/board');
    expect(noKey.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    const basic = await api(board.url, undefined, 'GET', '/board', undefined, { authorization: `Basic ${Buffer.from(`x:${keys.admin}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    const inUrl = await api(board.url, undefined, 'GET', `/board?key=${keys.admin}&token=${keys.admin}`);
    expect(inUrl.status).toBe(401);

    const doomed = await api(board.url, keys.admin, 'POST', '/keys', { role: 'trust', label: 'doomed', trusts: ['RHU'] });
    expect((await call(doomed.body.key, 'GET', '/board')).status).toBe(200);
    expect((await call('admin', 'DELETE', `/keys/${doomed.body.id}`)).status).toBe(200);
    expect((await call(doomed.body.key, 'GET', '/board')).status).toBe(401);
    expect((await call(doomed.body.key, 'POST', '/updates', { site: 'RHU03', opel: 1 })).status).toBe(401);
  });

  it('refuses a socket without a valid key, and disconnects a revoked key’s open socket within 5 s', async () => {
    await expect(connectBoard(board.url, 'pb_notarealkey')).rejects.toThrow();
    const doomed = await api(board.url, keys.admin, 'POST', '/keys', { role: 'display', label: 'doomed wall' });
    const socket = await connectBoard(board.url, doomed.body.key);
    const keeper = await connectBoard(board.url, keys.display);
    try {
      expect(await subscribe(socket)).toMatchObject({ ok: true });
      expect(await subscribe(keeper)).toMatchObject({ ok: true });
      const disconnected = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
      const revokedAt = Date.now();
      expect((await call('admin', 'DELETE', `/keys/${doomed.body.id}`)).status).toBe(200);
      const at = await Promise.race([disconnected, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 6_000))]);
      expect(at).toBeGreaterThan(0);
      expect(at - revokedAt).toBeLessThan(5_000);
      expect(keeper.connected).toBe(true);
      await expect(connectBoard(board.url, doomed.body.key)).rejects.toThrow();
    } finally {
      socket.disconnect();
      keeper.disconnect();
    }
  });

  it('a director scoped to regions gets only its regions’ socket events, and cannot subscribe outside them', async () => {
    const socket = await connectBoard(board.url, keys.londonDirector);
    try {
      expect(await subscribe(socket, { regions: ['Y59'] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const snapshot = new Promise<{ sites: { region: string }[] }>((resolve) => socket.once('snapshot', resolve));
      expect(await subscribe(socket)).toMatchObject({ ok: true, data: { mode: 'snapshot' } });
      expect((await snapshot).sites.every((site) => site.region === 'Y56')).toBe(true);
      const seen: string[] = [];
      socket.on('status', (event) => seen.push(event.site));
      const londonSite = reference.sites.find((site) => site.region === 'Y56')!;
      await call('admin', 'POST', '/updates', { site: 'RHU03', opel: 1 });
      await call('admin', 'POST', '/updates', { site: londonSite.code, opel: 2 });
      await eventually(() => seen.includes(londonSite.code), 5_000, 'the London status event');
      expect(seen).toEqual([londonSite.code]);
    } finally {
      socket.disconnect();
    }
  });

  it('stores keys hashed: no secret appears anywhere under the board’s prefix', async () => {
    const stored = await everythingStored(board.redis, board.prefix);
    expect(stored.length).toBeGreaterThan(10);
    expect(stored.join('\n')).toContain('Portsmouth EPRR');
    for (const [who, secret] of Object.entries(keys)) {
      expect({ who, leaked: stored.some((value) => value.includes(secret)) }).toEqual({ who, leaked: false });
    }
  });

  it('POST /session sets an HttpOnly SameSite=Strict cookie that authenticates GET /me', async () => {
    const wrong = await api(board.url, undefined, 'POST', '/session', { key: 'pb_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const signedIn = await api(board.url, undefined, 'POST', '/session', { key: keys.londonDirector });
    expect(signedIn.status).toBe(200);
    const setCookie = signedIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(keys.londonDirector);
    const cookie = setCookie.split(';')[0]!;
    expect(cookie).toMatch(/^[^=]+=.+/);

    const me = await api(board.url, undefined, 'GET', '/me', undefined, { cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'director', label: 'London director', regions: ['Y56'] });
    expect(JSON.stringify(me.body)).not.toContain(keys.londonDirector);
    expect((await api(board.url, undefined, 'GET', '/me')).status).toBe(401);
    expect((await api(board.url, undefined, 'GET', '/me', undefined, { cookie: `${cookie.split('=')[0]}=forgedsessionid1234` })).status).toBe(401);
    const viaCookie = await api(board.url, undefined, 'GET', '/board', undefined, { cookie });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body.sites.every((site: { region: string }) => site.region === 'Y56')).toBe(true);

    // Revoking the key ends its sessions at once.
    const doomed = await api(board.url, keys.admin, 'POST', '/keys', { role: 'display', label: 'doomed browser' });
    const session = await api(board.url, undefined, 'POST', '/session', { key: doomed.body.key });
    const doomedCookie = (session.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await api(board.url, undefined, 'GET', '/me', undefined, { cookie: doomedCookie })).status).toBe(200);
    expect((await call('admin', 'DELETE', `/keys/${doomed.body.id}`)).status).toBe(200);
    expect((await api(board.url, undefined, 'GET', '/me', undefined, { cookie: doomedCookie })).status).toBe(401);
  });

  it('sends the security headers on every response, socket.io’s long-polling transport included', async () => {
    const responses = await Promise.all([
      fetch(`${board.url}/api/v1/board`, { headers: { authorization: `Bearer ${keys.display}` } }),
      fetch(`${board.url}/api/v1/board`),
      fetch(`${board.url}/api/v1/no-such-endpoint`, { headers: { authorization: `Bearer ${keys.display}` } }),
      fetch(`${board.url}/healthz`),
      fetch(`${board.url}/`),
      fetch(`${board.url}/socket.io/?EIO=4&transport=polling`),
      fetch(`${board.url}/socket.io/?EIO=4&transport=polling&sid=nosuchsession`),
      fetch(`${board.url}/socket.io/?EIO=4&transport=carrier-pigeon`),
    ]);
    expect(responses.at(-3)!.status).toBe(200);
    for (const response of responses) {
      const csp = response.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!.toLowerCase(), values]));
      const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
      expect({ url: response.url, scriptSrc: Boolean(scriptSrc) }).toEqual({ url: response.url, scriptSrc: true });
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });
});
