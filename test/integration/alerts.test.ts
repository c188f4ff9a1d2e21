import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, type AlertEvent, type StatusEvent } from '@pb/shared';
import { createLogger } from '@pb/shared/node';
import { StatusApplier } from '../../workers/src/apply/apply-status-update.js';
import { expireEdUntil, markStaleSites } from '../../workers/src/maintenance/maintenance-worker.js';
import { api, connectBoard, createKey, reference, REDIS_URL, startTestBoard, subscribe, waitForUpdate, type BoardClient, type TestBoard } from '../support/test-board.js';
import { checkWellFormed } from '../support/xml-validation.js';

describe('alerts: raised by the workers, acknowledged once, ended with their cause', () => {
  let board: TestBoard;
  let trustKey: string;
  let directorKey: string;
  let socket: BoardClient;
  const alerts: AlertEvent[] = [];
  const statuses: StatusEvent[] = [];

  beforeAll(async () => {
    // The board's own schedule uses a long window; the test runs the jobs itself with a short one.
    board = await startTestBoard({ staleAfterMinutes: 600 });
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    directorKey = await createKey(board, { role: 'director', label: 'SE director', regions: ['Y59'] });
    socket = await connectBoard(board.url, directorKey);
    socket.on('alert', (event) => alerts.push(event));
    socket.on('status', (event) => statuses.push(event));
    await subscribe(socket);
  });
  afterAll(async () => {
    socket.disconnect();
    await board.close();
  });

  async function post(body: object) {
    const response = await api(board.url, trustKey, 'POST', '/updates', body);
    expect(response.status).toBe(202);
    return waitForUpdate(board, response.body.updates[0].id);
  }

  it('raises one critical-incident alert, acknowledges it for everyone, and ends it on stand-down', async () => {
    await post({ site: 'RHU03', opel: 3, incident: { level: 'critical', reason: 'industrial action' } });
    await expect.poll(() => alerts.map((a) => a.kind)).toEqual(['critical_incident']);
    const critical = alerts.find((a) => a.kind === 'critical_incident')!;
    expect(critical).toMatchObject({ site: 'RHU03', region: 'Y59' });

    const board1 = await api(board.url, directorKey, 'GET', '/board');
    expect(board1.body.alerts.map((a: { id: string }) => a.id)).toContain(critical.id);

    const acked = await api(board.url, directorKey, 'POST', `/alerts/${critical.id}/ack`);
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: critical.id, acknowledgedBy: 'SE director' });
    await expect.poll(() => alerts.filter((a) => a.id === critical.id && a.acknowledgedBy).length).toBe(1);
    const ackEvent = alerts.find((a) => a.id === critical.id && a.acknowledgedBy)!;
    expect(ackEvent.seq).toBeGreaterThan(critical.seq);
    // A second acknowledgement changes nothing and publishes nothing.
    expect((await api(board.url, directorKey, 'POST', `/alerts/${critical.id}/ack`)).body.acknowledgedAt).toBe(ackEvent.acknowledgedAt);

    await post({ site: 'RHU03', opel: 2, incident: { level: 'none' } });
    await expect.poll(() => alerts.filter((a) => a.endedAt).map((a) => a.kind)).toEqual(['critical_incident']);
    const after = await api(board.url, directorKey, 'GET', '/board');
    expect(after.body.alerts).toEqual([]);
    const listed = await api(board.url, directorKey, 'GET', '/alerts');
    expect(listed.body.alerts.find((a: { id: string }) => a.id === critical.id)).toMatchObject({ acknowledgedBy: 'SE director', endedAt: expect.any(String) });
  });

  it('raises divert and A&E-closed alerts and refuses acknowledgement by display and trust keys', async () => {
    await post({ site: 'RHU03', ed: { status: 'divert', divertTo: ['RHM01'] } });
    await expect.poll(() => alerts.some((a) => a.kind === 'divert' && !a.endedAt)).toBe(true);
    await post({ site: 'RHU03', ed: { status: 'closed', divertTo: ['RHM01'] } });
    await expect.poll(() => alerts.some((a) => a.kind === 'ed_closed' && !a.endedAt) && alerts.some((a) => a.kind === 'divert' && a.endedAt)).toBe(true);
    const closed = alerts.find((a) => a.kind === 'ed_closed')!;
    const displayKey = await createKey(board, { role: 'display', label: 'Wall' });
    expect((await api(board.url, displayKey, 'POST', `/alerts/${closed.id}/ack`)).status).toBe(403);
    expect((await api(board.url, trustKey, 'POST', `/alerts/${closed.id}/ack`)).status).toBe(403);
    expect((await api(board.url, directorKey, 'POST', '/alerts/RHU03.nope.1/ack')).status).toBe(404);
  });

  it('marks a quiet site stale once (status event and alert), and raises until_expired for a lapsed A&E status', async () => {
    // A site with no newer report, observed two hours ago (stale with a one-minute window).
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
    const oneHourAgo = new Date(Date.now() - 3600_000).toISOString();
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RHM01', observedAt: twoHoursAgo, opel: 2, ed: { status: 'divert', divertTo: ['RHU03'], until: oneHourAgo } });
    expect(await waitForUpdate(board, posted.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const keys = redisKeys(board.prefix);
      const deps = { connection: redis, redis, keys, reference, applier: new StatusApplier(redis, keys, 1), staleAfterMinutes: 1, logger: createLogger('test', 'silent') };
      const statusCount = statuses.length;
      expect(await markStaleSites(deps)).toBeGreaterThanOrEqual(1);
      expect(await markStaleSites(deps)).toBe(0);
      await expect.poll(() => statuses.slice(statusCount).some((e) => e.site === 'RHM01' && e.status.stale)).toBe(true);
      expect(alerts.filter((a) => a.kind === 'stale' && a.site === 'RHM01' && !a.endedAt)).toHaveLength(1);

      // The board's own 30-second schedule may get there first; either way it is raised once.
      await expireEdUntil(deps);
      expect(await expireEdUntil(deps)).toBe(0);
      await expect.poll(() => alerts.filter((a) => a.kind === 'until_expired' && a.site === 'RHM01').length).toBe(1);

      // A fresh report ends both.
      const fresh = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RHM01', opel: 2, ed: { status: 'open' } });
      await waitForUpdate(board, fresh.body.updates[0].id);
      await expect.poll(() => ['stale', 'until_expired'].every((kind) => alerts.some((a) => a.kind === kind && a.endedAt))).toBe(true);
    } finally {
      await redis.quit();
    }
  });

  it('publishes the alerts as an Atom feed of CAP 1.2 messages for directors', async () => {
    const response = await fetch(`${board.url}/api/v1/alerts/cap.xml`, { headers: { authorization: `Bearer ${directorKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/atom+xml');
    const xml = await response.text();
    expect(await checkWellFormed(xml)).toEqual({ valid: true, errors: [] });
    const listed = await api(board.url, directorKey, 'GET', '/alerts');
    expect((xml.match(/<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">/g) ?? []).length).toBe(listed.body.alerts.length);
    expect(xml).toContain('<msgType>Cancel</msgType>');
    expect(xml).toContain('<event>Critical incident declared</event>');
    expect(xml).toMatch(/<sent>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00<\/sent>/);
    expect((await api(board.url, trustKey, 'GET', '/alerts/cap.xml')).status).toBe(403);
  });

  it('audits acknowledgements and key changes with their actor, for admins only', async () => {
    const audit = await api(board.url, board.adminKey, 'GET', '/audit');
    expect(audit.status).toBe(200);
    const actions = audit.body.entries.map((e: { action: string; actor: string }) => `${e.action} by ${e.actor}`);
    expect(actions).toContain('alert.acknowledged by SE director');
    expect(actions.filter((a: string) => a.startsWith('key.created by'))).toHaveLength(3);
    expect((await api(board.url, directorKey, 'GET', '/audit')).status).toBe(403);
  });
});
