/**
 * Notifications out (SPEC §14): subscriptions through the API, deliveries by the
 * workers to real receivers in this process (HTTP for webhooks, Teams and Slack; SMTP
 * for email), retries, 410, escalation and its cancellation by acknowledgement.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { DELIVERY_ATTEMPTS, deliveryJobOptions, NOTIFICATIONS_QUEUE, redisKeys, webhookPayloadSchema, type NotificationJob } from '@pb/shared';
import { api, createKey, eventually, REDIS_URL, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';
import { HttpReceiver, SmtpReceiver, type ReceivedRequest } from '../support/notification-receivers.js';

const PUBLIC_URL = 'https://board.example.nhs.uk';
/** An escalation "minute" in this file: one second. */
const MINUTE_MS = 1000;

/** What a receiver does with the signature (the README's example, written out independently of the workers' code). */
function signatureIsValid(secret: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const timestamp = String(headers['x-pb-timestamp'] ?? '');
  const given = String(headers['x-pb-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected)) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

/** The receiver's de-duplication: one entry per deliveryId, in arrival order. */
function uniqueDeliveries(requests: ReceivedRequest[]): ReceivedRequest[] {
  const seen = new Map<string, ReceivedRequest>();
  for (const request of requests) {
    const id = String(request.headers['x-pb-delivery']);
    if (request.answered !== undefined && request.answered >= 200 && request.answered < 300 && !seen.has(id)) seen.set(id, request);
  }
  return [...seen.values()];
}

describe('notifications out (SPEC §14)', () => {
  let board: TestBoard;
  let receiver: HttpReceiver;
  let smtp: SmtpReceiver;
  let redis: Redis;

  beforeAll(async () => {
    [receiver, smtp] = await Promise.all([HttpReceiver.start(), SmtpReceiver.start()]);
    // Receivers here are on loopback over plain http: this board allows both (the SSRF file does not).
    board = await startTestBoard({ webhookAllowPrivate: true, webhookAllowHttp: true, smtpUrl: smtp.url, publicUrl: PUBLIC_URL, escalationMinuteMs: MINUTE_MS });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await board?.close();
    await Promise.all([receiver?.close(), smtp?.close(), redis?.quit()]);
  });

  async function subscribe(body: object, key = board.adminKey) {
    const response = await api(board.url, key, 'POST', '/subscriptions', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body;
  }

  async function post(body: object) {
    const response = await api(board.url, board.adminKey, 'POST', '/updates', body);
    expect(response.status).toBe(202);
    expect(await waitForUpdate(board, response.body.updates[0].id)).toMatchObject({ state: 'applied' });
  }

  async function openAlert(site: string, kind: string) {
    return eventually(async () => {
      const alerts = (await api(board.url, board.adminKey, 'GET', '/alerts')).body.alerts as { id: string; site: string; kind: string; raisedAt: string; endedAt?: string }[];
      return alerts.find((alert) => alert.site === site && alert.kind === kind && !alert.endedAt);
    }, 10_000, `${kind} alert at ${site}`);
  }

  async function deliveries(subscriptionId: string) {
    const response = await api(board.url, board.adminKey, 'GET', `/subscriptions/${subscriptionId}/deliveries`);
    expect(response.status).toBe(200);
    return response.body.deliveries as { id: string; alertId?: string; type: string; attempts: number; state: string; lastError?: string; at: string }[];
  }

  it('signs webhooks exactly as §14 says, delivers raised/acknowledged/ended at least once with a stable deliveryId, and times out a slow receiver at 5 s', async () => {
    const path = '/hook-east';
    // The first attempt of each delivery gets no answer for 6 s: past the 5 s limit, so it is tried again.
    receiver.respond(path, (request) => (receiver.at(path).filter((r) => r.headers['x-pb-delivery'] === request.headers['x-pb-delivery']).length === 1 ? { status: 200, delayMs: 6000 } : { status: 200 }));
    const created = await subscribe({ label: 'East ICC', channel: 'webhook', target: receiver.url(path), kinds: ['critical_incident'], regions: ['Y61'] });
    expect(created).toMatchObject({ label: 'East ICC', channel: 'webhook', kinds: ['critical_incident'], regions: ['Y61'], createdAt: expect.any(String) });
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const listed = await api(board.url, board.adminKey, 'GET', '/subscriptions');
    expect(listed.body.subscriptions.find((s: { id: string }) => s.id === created.id)).not.toHaveProperty('secret');

    await post({ site: 'RGT01', incident: { level: 'critical', reason: 'IT outage' } });
    const alert = await openAlert('RGT01', 'critical_incident');
    const raised = await receiver.waitFor(path, (requests) => uniqueDeliveries(requests).length === 1, 20_000, 'the raised alert, delivered');
    const attemptsOfRaised = raised.filter((r) => r.headers['x-pb-delivery'] === raised[0]!.headers['x-pb-delivery']);
    expect(attemptsOfRaised.length).toBeGreaterThanOrEqual(2);
    for (const request of raised) {
      expect(signatureIsValid(created.secret, request.headers, request.rawBody)).toBe(true);
      expect(signatureIsValid('not-the-secret', request.headers, request.rawBody)).toBe(false);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-pb-delivery']).toBe(request.json.deliveryId);
    }
    const body = webhookPayloadSchema.strict().parse(attemptsOfRaised[0]!.json);
    expect(body).toMatchObject({ type: 'alert.raised', alert: { id: alert.id, kind: 'critical_incident', site: 'RGT01', siteName: "Addenbrooke's Hospital", region: 'Y61' }, boardUrl: `${PUBLIC_URL}/sites/RGT01` });
    expect(body.seq).toBeGreaterThan(0);
    // The same delivery each time: same id, same body.
    expect(new Set(attemptsOfRaised.map((r) => r.rawBody)).size).toBe(1);
    const log = await eventually(async () => (await deliveries(created.id)).find((d) => d.id === body.deliveryId && d.state === 'delivered'));
    expect(log).toMatchObject({ alertId: alert.id, type: 'alert.raised', attempts: 2, lastError: expect.stringMatching(/no answer within 5 s/) });

    expect((await api(board.url, board.adminKey, 'POST', `/alerts/${alert.id}/ack`)).status).toBe(200);
    await post({ site: 'RGT01', incident: { level: 'none' } });
    const all = await receiver.waitFor(path, (requests) => uniqueDeliveries(requests).length === 3, 30_000, 'acknowledged and ended, delivered');
    const inOrder = uniqueDeliveries(all).sort((a, b) => a.json.seq - b.json.seq);
    expect(inOrder.map((request) => request.json.type)).toEqual(['alert.raised', 'alert.acknowledged', 'alert.ended']);
    const [, acknowledged, ended] = inOrder;
    expect(acknowledged!.json.alert).toMatchObject({ id: alert.id, acknowledgedBy: expect.any(String), acknowledgedAt: expect.any(String) });
    expect(ended!.json.alert).toMatchObject({ id: alert.id, endedAt: expect.any(String) });
    expect(ended!.json.seq).toBeGreaterThan(acknowledged!.json.seq);
    for (const request of all) expect(signatureIsValid(created.secret, request.headers, request.rawBody)).toBe(true);
  }, 60_000);

  it('posts Microsoft Teams (Adaptive Card) and Slack (incoming webhook) messages in their own formats', async () => {
    await subscribe({ label: 'Midlands Teams', channel: 'teams', target: receiver.url('/teams'), kinds: ['ed_closed'], regions: ['Y60'] });
    await subscribe({ label: 'Midlands Slack', channel: 'slack', target: receiver.url('/slack'), kinds: ['ed_closed'], regions: ['Y60'] });
    await post({ site: 'RX1RA', ed: { status: 'closed', reason: 'flooding' } });
    const [teams] = await receiver.waitFor('/teams', (requests) => requests.length >= 1);
    expect(teams!.json).toMatchObject({
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4', actions: [{ type: 'Action.OpenUrl', url: `${PUBLIC_URL}/sites/RX1RA` }] } }],
    });
    const card = teams!.json.attachments[0].content;
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: "A&E closed: Queen's Medical Centre" });
    expect(card.body[1].type).toBe('FactSet');
    expect(card.body[1].facts).toContainEqual({ title: 'Region', value: 'Midlands' });
    expect(card.body[1].facts.find((fact: { title: string }) => fact.title === 'Raised').value).toMatch(/^\d{1,2} \w+ \d{4}, \d{2}:\d{2} (GMT|BST)$/);

    const [slack] = await receiver.waitFor('/slack', (requests) => requests.length >= 1);
    expect(slack!.json.text).toBe('A&amp;E closed: Queen\'s Medical Centre');
    expect(slack!.json.blocks.map((block: { type: string }) => block.type)).toEqual(['header', 'section', 'actions']);
    expect(slack!.json.blocks[1].fields).toContainEqual({ type: 'mrkdwn', text: "*Site*\nQueen's Medical Centre (RX1RA)" });
    expect(slack!.json.blocks[2].elements[0]).toMatchObject({ type: 'button', url: `${PUBLIC_URL}/sites/RX1RA` });
  });

  it('retries a receiver that answers 500 until it answers 200, and disables a subscription whose receiver answers 410 Gone', async () => {
    receiver.respond('/flaky', (_request, nth) => ({ status: nth === 0 ? 500 : 200 }));
    receiver.respond('/gone', () => ({ status: 410 }));
    const flaky = await subscribe({ label: 'Flaky', channel: 'webhook', target: receiver.url('/flaky'), kinds: ['critical_incident'], regions: ['Y63'] });
    const gone = await subscribe({ label: 'Gone', channel: 'webhook', target: receiver.url('/gone'), kinds: ['critical_incident'], regions: ['Y63'] });
    await post({ site: 'RAE01', incident: { level: 'critical', reason: 'demand' } });

    const flakyRequests = await receiver.waitFor('/flaky', (requests) => requests.some((r) => r.answered === 200));
    expect(flakyRequests.map((r) => r.answered)).toEqual([500, 200]);
    expect(flakyRequests[1]!.headers['x-pb-delivery']).toBe(flakyRequests[0]!.headers['x-pb-delivery']);
    const flakyLog = await eventually(async () => (await deliveries(flaky.id)).find((d) => d.state === 'delivered'));
    expect(flakyLog).toMatchObject({ type: 'alert.raised', attempts: 2, lastError: expect.stringMatching(/^HTTP 500/) });

    await receiver.waitFor('/gone', (requests) => requests.length === 1);
    const disabled = await eventually(async () => ((await api(board.url, board.adminKey, 'GET', '/subscriptions')).body.subscriptions as { id: string; disabledAt?: string }[]).find((s) => s.id === gone.id && s.disabledAt));
    expect(disabled).toMatchObject({ disabledReason: expect.stringMatching(/410 Gone/) });
    expect((await deliveries(gone.id))[0]).toMatchObject({ state: 'failed', attempts: 1, lastError: expect.stringMatching(/^HTTP 410/) });

    // The next event reaches the flaky receiver but not the disabled one. Both were
    // planned in the same step (logged before queued), so once the flaky receiver has
    // it, a delivery for the disabled one would already be in its log.
    await post({ site: 'RAE01', incident: { level: 'none' } });
    await receiver.waitFor('/flaky', (requests) => requests.some((r) => r.json.type === 'alert.ended'));
    expect((await deliveries(gone.id)).map((d) => d.type)).toEqual(['alert.raised']);
    expect(receiver.at('/gone')).toHaveLength(1);

    // A test that gets through shows the receiver is back, and enables the subscription again.
    receiver.respond('/gone', () => ({ status: 204 }));
    const test = await api(board.url, board.adminKey, 'POST', `/subscriptions/${gone.id}/test`);
    expect(test.status).toBe(202);
    await eventually(async () => (await deliveries(gone.id)).find((d) => d.id === test.body.deliveryId && d.state === 'delivered'));
    const enabled = ((await api(board.url, board.adminKey, 'GET', '/subscriptions')).body.subscriptions as { id: string; disabledAt?: string }[]).find((s) => s.id === gone.id);
    expect(enabled?.disabledAt).toBeUndefined();
  });

  it('emails over SMTP in plain text and HTML, naming the site, the alert, UK time and the board link', async () => {
    await subscribe({ label: 'NW on-call', channel: 'email', target: 'oncall.nw@example.nhs.uk', kinds: ['major_incident'], regions: ['Y62'] });
    await post({ site: 'RXN02', incident: { level: 'major', reason: 'major road traffic collision' } });
    await smtp.waitFor((messages) => messages.some((m) => m.subject?.includes('Royal Preston Hospital')));
    const mail = smtp.messages.find((m) => m.subject?.includes('Royal Preston Hospital'))!;
    expect(mail.subject).toBe('[Pressure Board] Major incident declared: Royal Preston Hospital');
    expect(mail.envelopeTo).toEqual(['oncall.nw@example.nhs.uk']);
    expect(mail.from?.text).toContain('pressure-board@localhost');
    expect(mail.text).toContain('Site: Royal Preston Hospital (RXN02)');
    expect(mail.text).toContain('Region: North West');
    expect(mail.text).toMatch(/Raised: \d{1,2} \w+ \d{4}, \d{2}:\d{2} (GMT|BST)/);
    expect(mail.text).toContain(`Open the board: ${PUBLIC_URL}/sites/RXN02`);
    expect(mail.html).toContain(`<a href="${PUBLIC_URL}/sites/RXN02"`);
    expect(mail.html).toContain('Royal Preston Hospital (RXN02)');
    expect(mail.headers.get('x-pb-delivery')).toMatch(/^n-\d+-/);
  });

  it('escalates an alert left unacknowledged escalateAfterMin after it was raised, once, to escalateTo; acknowledging cancels a pending escalation', async () => {
    const quick = await subscribe({ label: 'SW quick', channel: 'webhook', target: receiver.url('/sw'), escalateAfterMin: 1, escalateTo: receiver.url('/sw-escalation'), kinds: ['critical_incident'], regions: ['Y58'] });
    const slow = await subscribe({ label: 'SW slow', channel: 'webhook', target: receiver.url('/sw-slow'), escalateAfterMin: 30, escalateTo: receiver.url('/sw-slow-escalation'), kinds: ['critical_incident'], regions: ['Y58'] });
    const queue = new Queue(NOTIFICATIONS_QUEUE, { connection: redis.duplicate(), prefix: redisKeys(board.prefix).bullPrefix });
    try {
      await post({ site: 'RVJ01', incident: { level: 'critical', reason: 'industrial action' } });
      const alert = await openAlert('RVJ01', 'critical_incident');
      const [escalation] = await receiver.waitFor('/sw-escalation', (requests) => requests.length >= 1, 15_000);
      expect(escalation!.json).toMatchObject({ type: 'alert.escalated', deliveryId: `e-${alert.id}-${quick.id}`, alert: { id: alert.id, site: 'RVJ01' } });
      expect(escalation!.at - Date.parse(alert.raisedAt)).toBeGreaterThanOrEqual(MINUTE_MS - 50);
      expect(signatureIsValid(quick.secret, escalation!.headers, escalation!.rawBody)).toBe(true);
      // The quick subscription's own target got the raise, not the escalation.
      expect(receiver.at('/sw').map((r) => r.json.type)).toEqual(['alert.raised']);

      const pending = await queue.getJob(`e-${alert.id}-${slow.id}`);
      expect(await pending?.isDelayed()).toBe(true);
      expect((await api(board.url, board.adminKey, 'POST', `/alerts/${alert.id}/ack`)).status).toBe(200);
      await receiver.waitFor('/sw-slow', (requests) => requests.some((r) => r.json.type === 'alert.acknowledged'));
      expect(await queue.getJob(`e-${alert.id}-${slow.id}`)).toBeUndefined();

      // Even if the cancellation were missed, an escalation that falls due checks the
      // alert first: run one for the acknowledged alert at once and see it send nothing.
      const events = new QueueEvents(NOTIFICATIONS_QUEUE, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix: redisKeys(board.prefix).bullPrefix });
      try {
        await events.waitUntilReady();
        const late: NotificationJob = { deliveryId: `e-${alert.id}-${slow.id}`, subscriptionId: slow.id, type: 'alert.escalated', alert: { id: alert.id, kind: 'critical_incident', site: 'RVJ01', region: 'Y58', raisedAt: new Date().toISOString() } };
        const job = await queue.add('escalate', late, deliveryJobOptions(late.deliveryId));
        expect(await job.waitUntilFinished(events, 10_000)).toBe('not escalated: acknowledged or ended in time');
      } finally {
        await events.close();
      }
      expect(receiver.at('/sw-slow-escalation')).toHaveLength(0);
      expect(receiver.at('/sw-escalation')).toHaveLength(1);
      const quickLog = await deliveries(quick.id);
      expect(quickLog.filter((d) => d.type === 'alert.escalated')).toEqual([expect.objectContaining({ state: 'delivered', attempts: 1, alertId: alert.id })]);
    } finally {
      await queue.close();
    }
  });

  it('sends a test notification on request, lists deliveries newest first, deletes a subscription with its log, and reports delivery metrics', async () => {
    const created = await subscribe({ label: 'Tester', channel: 'webhook', target: receiver.url('/tester'), kinds: ['stale'], regions: ['Y56'] });
    const test = await api(board.url, board.adminKey, 'POST', `/subscriptions/${created.id}/test`);
    expect(test.status).toBe(202);
    expect(test.body).toEqual({ deliveryId: expect.stringMatching(/^t-/), state: 'pending' });
    const [request] = await receiver.waitFor('/tester', (requests) => requests.length === 1);
    expect(webhookPayloadSchema.strict().parse(request!.json)).toEqual({ deliveryId: test.body.deliveryId, type: 'test', boardUrl: `${PUBLIC_URL}/` });
    expect(signatureIsValid(created.secret, request!.headers, request!.rawBody)).toBe(true);
    const second = await api(board.url, board.adminKey, 'POST', `/subscriptions/${created.id}/test`);
    await receiver.waitFor('/tester', (requests) => requests.length === 2);
    const log = await eventually(async () => {
      const entries = await deliveries(created.id);
      return entries.length === 2 && entries.every((d) => d.state === 'delivered') ? entries : null;
    });
    expect(log.map((d) => d.id)).toEqual([second.body.deliveryId, test.body.deliveryId]);
    expect(log[0]).toEqual({ id: second.body.deliveryId, type: 'test', attempts: 1, state: 'delivered', at: expect.any(String) });

    const metrics = await (await fetch(`${board.url}/metrics`)).text();
    expect(Number(/pb_notification_deliveries_total\{channel="webhook",outcome="delivered"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/pb_notification_jobs\{state="delayed"\} \d+/);
    expect(metrics).not.toContain(created.secret);

    expect((await api(board.url, board.adminKey, 'DELETE', `/subscriptions/${created.id}`)).status).toBe(204);
    expect((await api(board.url, board.adminKey, 'GET', `/subscriptions/${created.id}/deliveries`)).status).toBe(404);
    expect((await api(board.url, board.adminKey, 'DELETE', `/subscriptions/${created.id}`)).status).toBe(404);
    const keys = redisKeys(board.prefix);
    expect(await redis.exists(keys.deliveryOrder(created.id), keys.deliveryRecords(created.id))).toBe(0);
    expect(DELIVERY_ATTEMPTS).toBeGreaterThan(20);
  });

  it('lets directors manage subscriptions only within their regions, and refuses other roles and bad input with the API error body', async () => {
    const southEast = await createKey(board, { role: 'director', label: 'SE director', regions: ['Y59'] });
    const trust = await createKey(board, { role: 'trust', label: 'Portsmouth', trusts: ['RHU'] });
    const display = await createKey(board, { role: 'display', label: 'Wall' });
    const target = receiver.url('/director');

    const outside = await api(board.url, southEast, 'POST', '/subscriptions', { label: 'London too', channel: 'webhook', target, regions: ['Y59', 'Y56'] });
    expect(outside.status).toBe(403);
    expect(outside.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Y56') });
    const own = await subscribe({ label: 'SE only', channel: 'webhook', target }, southEast);
    expect(own.regions).toEqual(['Y59']);
    expect(own.kinds).toHaveLength(7);

    const everywhere = await subscribe({ label: 'All England', channel: 'slack', target });
    const seen = (await api(board.url, southEast, 'GET', '/subscriptions')).body.subscriptions.map((s: { id: string }) => s.id);
    expect(seen).toContain(own.id);
    expect(seen).not.toContain(everywhere.id);
    for (const [method, path] of [['DELETE', `/subscriptions/${everywhere.id}`], ['POST', `/subscriptions/${everywhere.id}/test`], ['GET', `/subscriptions/${everywhere.id}/deliveries`]] as const) {
      expect((await api(board.url, southEast, method, path)).status).toBe(403);
    }
    for (const key of [trust, display]) {
      expect((await api(board.url, key, 'GET', '/subscriptions')).status).toBe(403);
      expect((await api(board.url, key, 'POST', '/subscriptions', { label: 'x', channel: 'webhook', target })).status).toBe(403);
    }
    expect((await api(board.url, undefined, 'GET', '/subscriptions')).status).toBe(401);
    expect((await api(board.url, board.adminKey, 'GET', '/subscriptions/nope/deliveries')).status).toBe(404);

    const bad = async (body: unknown, status = 400) => {
      const response = await api(board.url, board.adminKey, 'POST', '/subscriptions', body);
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      return response.body.error as { code: string; message: string; details?: { path: string; message: string }[] };
    };
    expect((await bad({ label: 'x', channel: 'pager', target })).details).toContainEqual({ path: 'channel', message: expect.stringContaining('webhook') });
    expect((await bad({ label: 'x', channel: 'webhook', target: 'not a url' })).details).toContainEqual({ path: 'target', message: expect.any(String) });
    expect((await bad({ label: 'x', channel: 'email', target: 'nobody' })).details).toContainEqual({ path: 'target', message: 'must be an email address' });
    expect((await bad({ label: 'x', channel: 'webhook', target, escalateAfterMin: 0 })).details?.[0]?.path).toBe('escalateAfterMin');
    expect((await bad({ label: 'x', channel: 'webhook', target, escalateAfterMin: 1441 })).details?.[0]?.path).toBe('escalateAfterMin');
    expect((await bad({ label: 'x', channel: 'webhook', target, escalateTo: target })).details).toContainEqual({ path: 'escalateAfterMin', message: 'is required with escalateTo' });
    expect((await bad({ label: 'x', channel: 'email', target: 'a@example.org', escalateAfterMin: 5, escalateTo: 'https://example.org' })).details?.[0]?.path).toBe('escalateTo');
    expect((await bad({ label: 'x', channel: 'webhook', target, kinds: ['flood'] })).details?.[0]?.path).toBe('kinds[0]');
    expect((await bad({ label: 'x', channel: 'webhook', target, regions: ['Y99'] })).details?.[0]?.path).toBe('regions[0]');
    expect((await bad({ label: 'x', channel: 'webhook', target, secret: 'mine' })).details).toContainEqual({ path: 'secret', message: 'is not a known field' });
    expect((await bad({ label: 'x', channel: 'webhook', target: 'https://user:pw@example.org/hook' })).details?.[0]?.path).toBe('target');
    const form = await api(board.url, board.adminKey, 'POST', '/subscriptions', 'label=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
    const malformed = await api(board.url, board.adminKey, 'POST', '/subscriptions', '{"label":', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    const count = (await api(board.url, board.adminKey, 'GET', '/subscriptions')).body.subscriptions.length;
    expect(count).toBe((await redis.hlen(redisKeys(board.prefix).subscriptions)));
  });
});
