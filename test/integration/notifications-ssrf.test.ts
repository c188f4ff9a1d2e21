/**
 * SSRF (SPEC §14): with the defaults (no private addresses, https only), targets in
 * loopback, private and link-local ranges are refused when a subscription is created,
 * and again at delivery, after DNS resolution, for a name that has come to point inside.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ALERT_KINDS, redisKeys } from '@pb/shared';
import { SubscriptionStore } from '@pb/shared/node';
import { api, eventually, REDIS_URL, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';
import { HttpReceiver } from '../support/notification-receivers.js';

describe('notification targets inside the network are refused (SPEC §14)', () => {
  let board: TestBoard;
  let receiver: HttpReceiver;
  let redis: Redis;

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    board = await startTestBoard({ webhookAllowPrivate: false, webhookAllowHttp: false });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await board?.close();
    await Promise.all([receiver?.close(), redis?.quit()]);
  });

  it('refuses loopback, private, link-local and IPv4-mapped targets at creation, by address or by a name that resolves there, and plain http', async () => {
    const refused: [string, RegExp][] = [
      [`https://127.0.0.1:${receiver.port}/hook`, /loopback/],
      [`https://localhost:${receiver.port}/hook`, /resolves to .*loopback/],
      ['https://[::1]/hook', /loopback/],
      ['https://[::ffff:127.0.0.1]/hook', /loopback/],
      ['https://10.20.30.40/hook', /private/],
      ['https://192.168.0.10/hook', /private/],
      ['https://169.254.169.254/latest/meta-data', /link-local/],
      ['https://[fe80::1]/hook', /link-local/],
      ['https://[fd00::1]/hook', /private/],
      ['https://0.0.0.0/hook', /unspecified/],
      ['http://hooks.example.org/pb', /https/],
    ];
    for (const [target, reason] of refused) {
      const response = await api(board.url, board.adminKey, 'POST', '/subscriptions', { label: 'inside', channel: 'webhook', target });
      expect(response.status, target).toBe(400);
      expect(response.body.error.details, target).toContainEqual({ path: 'target', message: expect.stringMatching(reason) });
    }
    // The escalation target is checked the same way, and so are Teams and Slack targets
    // (a public address literal as the target: this machine resolves no public names).
    const escalateTo = await api(board.url, board.adminKey, 'POST', '/subscriptions', { label: 'x', channel: 'teams', target: 'https://93.184.215.14/teams', escalateAfterMin: 5, escalateTo: 'https://127.0.0.1/up' });
    expect(escalateTo.status).toBe(400);
    expect(escalateTo.body.error.details).toEqual([{ path: 'escalateTo', message: expect.stringMatching(/loopback/) }]);
    expect((await api(board.url, board.adminKey, 'GET', '/subscriptions')).body.subscriptions).toEqual([]);
  });

  it('refuses at delivery a target whose name resolves to loopback, sending nothing', async () => {
    // As if the name had pointed outside when the subscription was made, and DNS changed since.
    const keys = redisKeys(board.prefix);
    const id = randomUUID();
    await new SubscriptionStore(redis, keys).create({
      id, label: 'rebound', channel: 'webhook', target: `https://localhost:${receiver.port}/rebound`,
      kinds: [...ALERT_KINDS], regions: ['Y59'], createdAt: new Date().toISOString(), createdBy: 'test', createdByKeyId: 'test', secret: 'secret',
    });
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RTK01', incident: { level: 'critical', reason: 'test' } });
    expect(await waitForUpdate(board, posted.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const delivery = await eventually(async () => {
      const log = (await api(board.url, board.adminKey, 'GET', `/subscriptions/${id}/deliveries`)).body.deliveries as { state: string; attempts: number; lastError?: string }[];
      return log.find((entry) => entry.state === 'failed');
    }, 10_000, 'the delivery to be refused');
    // Refused for good on the first attempt, by the check, not by a failed connection.
    expect(delivery).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/localhost resolves to (127\.0\.0\.1|::1), a loopback address, which is refused/) });
    expect(receiver.requests).toHaveLength(0);
  });
});
