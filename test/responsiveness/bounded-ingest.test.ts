import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MAX_BODY_BYTES, MAX_CSV_ROWS, redisKeys, UPDATES_QUEUE } from '@pb/shared';
import { createRedis, waitForRedis } from '@pb/shared/node';
import { startServerProcess, stopProcess, type BoardProcess } from '../support/board-processes.js';
import { api, createKey, deletePrefix, eventually, reference, waitForUpdate, REDIS_URL, startTestBoard, uniquePrefix, type TestBoard } from '../support/test-board.js';

/**
 * SPEC §11: per-request bounds, bodies read off the event loop, queue-depth
 * backpressure and the per-key update limit. These boards run without workers, so
 * what is measured is the server alone and the queue only grows.
 */

const admin = (board: { adminKey: string }) => board.adminKey;

/** Polls `GET /readyz` back to back while `during` runs; returns every answer's time in ms. */
async function probeReadiness<T>(url: string, during: () => Promise<T>): Promise<{ result: T; times: number[] }> {
  const times: number[] = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const started = performance.now();
      const response = await fetch(`${url}/readyz`);
      await response.arrayBuffer();
      times.push(performance.now() - started);
    }
  })();
  try {
    const result = await during();
    return { result, times };
  } finally {
    running = false;
    await probe;
  }
}

function postRaw(board: { url: string }, key: string, contentType: string, body: string, path = '/updates') {
  return api(board.url, key, 'POST', path, body, { 'content-type': contentType });
}

/** A per-site CSV of `rows` rows for one site, each padded to about `rowBytes`. */
function siteCsv(rows: number, rowBytes = 0): string {
  const pad = 'x'.repeat(Math.max(0, rowBytes - 60));
  const lines = ['site,observed_at,opel,note'];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < rows; i++) lines.push(`RHU03,${new Date(start + i * 60_000).toISOString()},${(i % 4) + 1},${pad.slice(0, 400)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The server runs in a process of its own (no workers), as in production, so the
 * probe measures the server's event loop and not this test's.
 */
describe('bounded ingest: large bodies never hold the server', () => {
  const prefix = uniquePrefix('bounded');
  const adminKey = `admin-${randomBytes(16).toString('hex')}`;
  let server: BoardProcess & { url: string };
  const board = { get url() { return server.url; }, adminKey };

  beforeAll(async () => {
    server = await startServerProcess('server', { REDIS_URL, PB_KEY_PREFIX: prefix, PB_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    if (server) await stopProcess(server);
    const redis = createRedis(REDIS_URL);
    await waitForRedis(redis);
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('answers /readyz within 500 ms while 5 MB bodies of every content type are posted', async () => {
    // JSON: 500 valid updates padded with whitespace to 5 MB, accepted.
    const items = Array.from({ length: 500 }, (_, i) => JSON.stringify({ site: reference.sites[i % reference.sites.length]!.code, opel: (i % 4) + 1 }));
    const padding = ' '.repeat(Math.floor((MAX_BODY_BYTES - 4096 - items.join(',').length) / items.length));
    const json = `[${items.join(`,${padding}`)}]`;
    // CSV: 10,000 rows of about 500 bytes, accepted (the limit on rows, near the limit on bytes).
    const csv = siteCsv(MAX_CSV_ROWS, 460);
    // XML: one hospital and 5 MB of comment, accepted and left to the workers.
    const xml = `<?xml version="1.0"?><!--${'x'.repeat(MAX_BODY_BYTES - 2048)}--><HospitalStatus xmlns="urn:oasis:names:tc:emergency:edxl:have:1.0"><Hospital><Organization><OrganizationInformation><OrganizationName>Queen Alexandra Hospital</OrganizationName></OrganizationInformation></Organization></Hospital></HospitalStatus>`;
    // Text: 5 MB of words, refused for length only once read.
    const text = 'very busy '.repeat(Math.floor((MAX_BODY_BYTES - 1024) / 10));

    for (const body of [json, csv, xml, text]) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(Buffer.byteLength(json)).toBeGreaterThan(MAX_BODY_BYTES * 0.9);
    expect(Buffer.byteLength(csv)).toBeGreaterThan(MAX_BODY_BYTES * 0.8);

    const { result, times } = await probeReadiness(board.url, async () =>
      Promise.all([
        postRaw(board, admin(board), 'application/json', json),
        postRaw(board, admin(board), 'text/csv', csv),
        postRaw(board, admin(board), 'application/xml', xml),
        postRaw(board, admin(board), 'text/plain', text, '/updates?site=RHU03'),
      ]),
    );
    const [jsonReply, csvReply, xmlReply, textReply] = result;
    expect(jsonReply.status, JSON.stringify(jsonReply.body).slice(0, 300)).toBe(202);
    expect(jsonReply.body.updates).toHaveLength(500);
    expect(csvReply.status, JSON.stringify(csvReply.body).slice(0, 300)).toBe(202);
    expect(csvReply.body.updates).toHaveLength(MAX_CSV_ROWS);
    expect(xmlReply.status, JSON.stringify(xmlReply.body).slice(0, 300)).toBe(202);
    expect(textReply.status).toBe(413);
    expect(textReply.body.error.message).toMatch(/5,?000 characters/);

    expect(times.length).toBeGreaterThan(5);
    expect(Math.max(...times), `slowest /readyz ${Math.max(...times).toFixed(0)} ms of ${times.length}`).toBeLessThan(500);
  });

  it('refuses 10,001 CSV rows with 413 naming the limit, queueing nothing', async () => {
    const queue = new Queue(UPDATES_QUEUE, { connection: createRedis(REDIS_URL, { forBullWorker: true }), prefix: redisKeys(prefix).bullPrefix });
    const before = await queue.getWaitingCount();
    const response = await postRaw(board, admin(board), 'text/csv', siteCsv(MAX_CSV_ROWS + 1));
    expect(response.status).toBe(413);
    expect(response.body.error.message).toContain('10,000');
    expect(await queue.getWaitingCount()).toBe(before);
    await queue.close();
  });

  it('refuses a 400,000-row CSV at once, reading no further than the limit', async () => {
    const csv = siteCsv(400_000).slice(0, MAX_BODY_BYTES - 1);
    const { result, times } = await probeReadiness(board.url, () => postRaw(board, admin(board), 'text/csv', csv));
    expect(result.status).toBe(413);
    expect(Math.max(...times)).toBeLessThan(500);
  });

  it('refuses an EDXL-HAVE message of more than 500 hospitals with 413 naming the limit', async () => {
    const hospital = '<have:Hospital><have:Organization/></have:Hospital>';
    const xml = `<have:HospitalStatus xmlns:have="urn:oasis:names:tc:emergency:edxl:have:1.0">${hospital.repeat(501)}</have:HospitalStatus>`;
    const response = await postRaw(board, admin(board), 'application/xml', xml);
    expect(response.status).toBe(413);
    expect(response.body.error.message).toContain('500 Hospital');
  });
});

describe('bounded ingest: backpressure', () => {
  let board: TestBoard;
  let queueConnection: Redis;
  let queue: Queue;
  const MAX = 1000;

  beforeAll(async () => {
    board = await startTestBoard({ maxQueued: MAX }, { workers: false });
    queueConnection = createRedis(REDIS_URL, { forBullWorker: true });
    queue = new Queue(UPDATES_QUEUE, { connection: queueConnection, prefix: redisKeys(board.prefix).bullPrefix });
  });
  afterAll(async () => {
    await queue?.close();
    await queueConnection?.quit();
    await board?.close();
  });

  const batch = (n: number, opel: number) => Array.from({ length: n }, (_, i) => ({ site: reference.sites[i % reference.sites.length]!.code, opel }));

  it('answers 503 with Retry-After once PB_MAX_QUEUED updates wait, and queues nothing of that post', async () => {
    expect((await api(board.url, admin(board), 'POST', '/updates', batch(500, 1))).status).toBe(202);
    expect((await api(board.url, admin(board), 'POST', '/updates', batch(500, 2))).status).toBe(202);
    const jobsBefore = await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    const recordsBefore = (await board.redis.keys(`{${board.prefix}}:update:*`)).length;
    expect(recordsBefore).toBe(1000);

    const refused = await api(board.url, admin(board), 'POST', '/updates', { site: 'RHU03', opel: 4 });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body.error.message).toContain('1,000');

    expect(await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(jobsBefore);
    expect((await board.redis.keys(`{${board.prefix}}:update:*`)).length).toBe(recordsBefore);
  });
});

describe('bounded ingest: room in the queue is given back as jobs finish', () => {
  let board: TestBoard;

  beforeAll(async () => {
    board = await startTestBoard({ maxQueued: 600 });
  });
  afterAll(async () => board?.close());

  it('takes another 500 once the first 500 are applied, under a bound of 600', async () => {
    const updates = (opel: number) => Array.from({ length: 500 }, (_, i) => ({ site: reference.sites[i % reference.sites.length]!.code, opel }));
    const first = await api(board.url, admin(board), 'POST', '/updates', updates(2));
    expect(first.status).toBe(202);
    await waitForUpdate(board, first.body.updates.at(-1).id, 30_000);
    await eventually(async () => Number((await board.redis.get(redisKeys(board.prefix).queuedUpdates)) ?? 0) === 0, 10_000, 'the room to be given back');
    const second = await api(board.url, admin(board), 'POST', '/updates', updates(3));
    expect(second.status, JSON.stringify(second.body)).toBe(202);
  });
});

describe('bounded ingest: the per-key limit counts updates', () => {
  let board: TestBoard;

  beforeAll(async () => {
    board = await startTestBoard({ updateRatePerSecond: 600, updateBurst: 0 }, { workers: false });
  });
  afterAll(async () => board?.close());

  it('refuses updates past the key’s rate with 429 and Retry-After, whatever the request count', async () => {
    const key = await createKey(board, { role: 'trust', trusts: ['RHU'], label: 'busy trust' });
    const updates = Array.from({ length: 500 }, (_, i) => ({ site: 'RHU03', opel: (i % 4) + 1 }));
    const replies = [];
    // Two posts of 500 within a second: 1,000 updates against a limit of 600.
    for (let i = 0; i < 2; i++) replies.push(await api(board.url, key, 'POST', '/updates', updates));
    const statuses = replies.map((r) => r.status);
    expect(statuses).toContain(202);
    const refused = replies.find((r) => r.status === 429);
    expect(refused, `statuses ${statuses.join(',')}`).toBeDefined();
    expect(refused!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused!.body.error.message).toContain('600 updates a second');
  });
});

describe('idempotency claims do not outlive a dead server', () => {
  let board: TestBoard;

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
  });
  afterAll(async () => board?.close());

  it('holds a pending Idempotency-Key claim for seconds, a committed one for 24 hours', async () => {
    const me = await api(board.url, admin(board), 'GET', '/me');
    const claimKey = redisKeys(board.prefix).idempotency(me.body.id, 'csv-upload-1');
    let pendingTtl: number | null = null;
    let polling = true;
    // Watch the claim while a 10,000-row CSV is being queued under it.
    const watcher = (async () => {
      while (polling) {
        const [value, ttl] = await Promise.all([board.redis.get(claimKey), board.redis.ttl(claimKey)]);
        if (value && JSON.parse(value).state === 'pending' && ttl > 0) pendingTtl = Math.max(pendingTtl ?? 0, ttl);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const response = await api(board.url, admin(board), 'POST', '/updates', siteCsv(MAX_CSV_ROWS), { 'content-type': 'text/csv', 'idempotency-key': 'csv-upload-1' });
    polling = false;
    await watcher;
    expect(response.status).toBe(202);
    expect(pendingTtl, 'the pending claim was seen').not.toBeNull();
    // A server that died here would block retries for at most this long, not a day.
    expect(pendingTtl!).toBeLessThanOrEqual(30);
    expect(await board.redis.ttl(claimKey)).toBeGreaterThan(23 * 3600);
  });
});
