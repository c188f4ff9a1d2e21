import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { UPDATES_QUEUE } from '@pb/shared';
import { api, createKey, startTestBoard, waitForUpdate, type ApiResponse, type TestBoard } from '../support/test-board.js';

/**
 * SPEC §4/§10: bad input is refused with the right 4xx and the SPEC's error body
 * naming the bad field, before anything is queued or stored. Never a 500.
 */
describe('bad input to POST /updates', () => {
  let board: TestBoard;
  let trustKey: string;
  let queueConnection: Redis;
  let queue: Queue;

  /** Everything a refused post must leave untouched. */
  async function footprint() {
    const [boardRead, site, counts, updateRecords] = await Promise.all([
      api(board.url, board.adminKey, 'GET', '/board'),
      api(board.url, board.adminKey, 'GET', '/sites/RHU03'),
      queue.getJobCounts(),
      board.redis.keys(`{${board.prefix}}:update:*`),
    ]);
    expect(boardRead.status).toBe(200);
    return {
      seq: boardRead.body.seq as number,
      status: site.body,
      jobs: Object.values(counts).reduce((sum, n) => sum + n, 0),
      updateRecords: updateRecords.length,
    };
  }

  /** Posts bad input and checks it is refused with `status`, naming `paths`, leaving no trace. */
  async function expectRefused(send: () => Promise<ApiResponse>, status: number, paths: string[] = []): Promise<ApiResponse> {
    const before = await footprint();
    const response = await send();
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(response.body.error.message.length).toBeGreaterThan(0);
    if (paths.length) {
      const named = (response.body.error.details ?? []).map((detail: { path: string }) => detail.path);
      for (const path of paths) expect(named, JSON.stringify(response.body)).toContain(path);
      for (const detail of response.body.error.details) expect(detail.message, detail.path).toEqual(expect.any(String));
    }
    // Give a stray job time to be picked up and applied before checking nothing moved.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await footprint()).toEqual(before);
    return response;
  }

  const post = (body: unknown, headers: Record<string, string> = {}, query = '') => api(board.url, trustKey, 'POST', `/updates${query}`, body, headers);

  beforeAll(async () => {
    board = await startTestBoard();
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    queueConnection = board.redis.duplicate();
    queue = new Queue(UPDATES_QUEUE, { connection: queueConnection, prefix: `{${board.prefix}}:bull` });
    // A known starting point, so "unchanged" means something.
    const first = await post({ site: 'RHU03', opel: 2, note: 'baseline' });
    expect(first.status).toBe(202);
    expect(await waitForUpdate(board, first.body.updates[0].id)).toMatchObject({ state: 'applied' });
  });
  afterAll(async () => {
    await queue?.close();
    await queueConnection?.quit();
    await board?.close();
  });

  it('starts from a stored status and a queued-then-completed job, so the checks below can see change', async () => {
    const start = await footprint();
    expect(start.seq).toBeGreaterThan(0);
    expect(start.status).toMatchObject({ opel: 2, note: 'baseline' });
    expect(start.jobs).toBe(1);
    expect(start.updateRecords).toBe(1);
  });

  it('refuses malformed JSON with 400', async () => {
    await expectRefused(() => post('{"site": "RHU03", "opel": 3'), 400);
    await expectRefused(() => post(''), 400);
    await expectRefused(() => post('NaN'), 400);
  });

  it('refuses wrong types with 400 naming the field ("opel": "4" is not 4)', async () => {
    await expectRefused(() => post({ site: 'RHU03', opel: '4' }), 400, ['opel']);
    await expectRefused(() => post({ site: 'RHU03', incident: { level: 'Critical' } }), 400, ['incident.level']);
    await expectRefused(() => post({ site: 'RHU03', metrics: { handoverDelaysOver60Min: 2.5 } }), 400, ['metrics.handoverDelaysOver60Min']);
    await expectRefused(() => post('"RHU03 is busy"'), 400);
    await expectRefused(() => post('null'), 400);
  });

  it('refuses out-of-range values with 400 naming each field', async () => {
    await expectRefused(() => post({ site: 'RHU03', opel: 5, metrics: { fourHourPct: 101, edOccupancyPct: 1001, handoverMeanMin: -1, longestWaitHours: 10_000 } }), 400, [
      'opel', 'metrics.fourHourPct', 'metrics.edOccupancyPct', 'metrics.handoverMeanMin', 'metrics.longestWaitHours',
    ]);
    await expectRefused(() => post({ site: 'RHU03', note: 'x'.repeat(501) }), 400, ['note']);
    await expectRefused(() => post({ site: 'RHU03', observedAt: '2026-02-30T09:00:00Z' }), 400, ['observedAt']);
    await expectRefused(() => post({ site: 'RHU03', observedAt: '2026-01-03T09:00:00' }), 400, ['observedAt']);
    await expectRefused(() => post({ site: 'RHU03', observedAt: new Date(Date.now() + 10 * 60_000).toISOString() }), 400, ['observedAt']);
    await expectRefused(() => post({ site: 'RHU03', opel: 3, reap: 3 }), 400);
    await expectRefused(() => post({ site: 'RHU03', ed: { status: 'divert', divertTo: ['RHU03'] } }), 400, ['ed.divertTo']);
  });

  it('refuses an unknown site, or an unknown site in divertTo, with 422', async () => {
    await expectRefused(() => post({ site: 'ZZZ99', opel: 2 }), 422, ['site']);
    await expectRefused(() => post({ site: 'RHU03', ed: { status: 'divert', divertTo: ['ZZZ99'] } }), 422, ['ed.divertTo']);
    await expectRefused(() => post('busy', { 'content-type': 'text/plain' }, '?site=ZZZ99'), 422, ['site']);
  });

  it('names unknown fields, with the item index for arrays ([3].opel)', async () => {
    const ok = { site: 'RHU03', opel: 3 };
    const response = await expectRefused(() => post([ok, ok, ok, { site: 'RHU03', opel: '3', colour: 'red' }]), 400, ['[3].opel', '[3].colour']);
    const paths = response.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths.every((path: string) => path.startsWith('[3]'))).toBe(true);
    await expectRefused(() => post({ site: 'RHU03', opel: 3, metrics: { bedsFree: 4 } }), 400, ['metrics.bedsFree']);
  });

  it('refuses __proto__ and constructor keys, naming them', async () => {
    await expectRefused(() => post('{"site":"RHU03","opel":4,"__proto__":{"opel":1}}'), 400, ['__proto__']);
    await expectRefused(() => post('{"site":"RHU03","constructor":{"prototype":{"x":1}}}'), 400, ['constructor']);
  });

  it('accepts or refuses a JSON array whole: one bad item queues nothing', async () => {
    await expectRefused(() => post([{ site: 'RHU03', opel: 4 }, { site: 'RHU03', opel: 9 }]), 400, ['[1].opel']);
  });

  it('refuses an empty array with 400 and an array over 500 items with 413', async () => {
    await expectRefused(() => post([]), 400);
    await expectRefused(() => post(Array.from({ length: 501 }, () => ({ site: 'RHU03', opel: 2 }))), 413);
  });

  it('refuses a body over 5 MB with 413', async () => {
    const huge = JSON.stringify({ site: 'RHU03', note: 'x'.repeat(5 * 1024 * 1024 + 1024) });
    await expectRefused(() => post(huge), 413);
  });

  it('refuses JSON nested deeper than 20 levels with 400', async () => {
    let nested: unknown = 1;
    for (let i = 0; i < 25; i++) nested = { a: nested };
    await expectRefused(() => post({ site: 'RHU03', metrics: nested }), 400);
    await expectRefused(() => post('['.repeat(30) + ']'.repeat(30)), 400);
  });

  it('refuses an unsupported or missing content type with 415', async () => {
    await expectRefused(() => post('site=RHU03&opel=3', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    await expectRefused(() => post('{"site":"RHU03"}', { 'content-type': 'image/png' }), 415);
    await expectRefused(async () => {
      const response = await fetch(`${board.url}/api/v1/updates`, { method: 'POST', headers: { authorization: `Bearer ${trustKey}` }, body: new Uint8Array([123, 125]) });
      return { status: response.status, body: await response.json(), headers: response.headers };
    }, 415);
  });

  it('refuses free text without ?site= (400), and empty text', async () => {
    await expectRefused(() => post('declared a critical incident', { 'content-type': 'text/plain' }), 400, ['site']);
    await expectRefused(() => post('   ', { 'content-type': 'text/plain' }, '?site=RHU03'), 400);
  });

  it('refuses a header-only or headerless CSV with 400', async () => {
    await expectRefused(() => post('site,opel\n', { 'content-type': 'text/csv' }), 400);
    await expectRefused(() => post('colour,size\nred,3\n', { 'content-type': 'text/csv' }), 400);
  });

  it('refuses an empty XML body with 400', async () => {
    await expectRefused(() => post('  ', { 'content-type': 'application/xml' }), 400);
  });
});
