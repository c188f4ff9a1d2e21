import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { UPDATES_QUEUE } from '@pb/shared';
import { api, createKey, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';

/**
 * SPEC §6/§10: free text, CSV and XML may be rejected after the 202. A rejected
 * update shows its reasons at GET /updates/:id and in GET /rejections, and is never retried.
 */
describe('updates rejected by the workers', () => {
  let board: TestBoard;
  let trustKey: string;
  let queueConnection: Redis;
  let queue: Queue;

  const postRaw = (body: string, contentType: string, query = '') => api(board.url, trustKey, 'POST', `/updates${query}`, body, { 'content-type': contentType });

  /** Posts input the API accepts and checks the worker rejects it, with reasons, once. */
  async function expectRejected(body: string, contentType: string, query = ''): Promise<{ id: string; errors: { message: string; path?: string }[] }> {
    const siteBefore = (await api(board.url, board.adminKey, 'GET', '/sites/RHU03')).body;
    const posted = await postRaw(body, contentType, query);
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    const id = posted.body.updates[0].id as string;
    expect(posted.body.updates[0]).toMatchObject({ id, state: 'queued' });

    const result = await waitForUpdate(board, id);
    expect(result).toMatchObject({ id, state: 'rejected' });
    expect(result.seq).toBeUndefined();
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) expect(error.message).toEqual(expect.any(String));

    const rejections = await api(board.url, board.adminKey, 'GET', '/rejections');
    expect(rejections.status).toBe(200);
    const listed = rejections.body.rejections.find((entry: { id: string }) => entry.id === id);
    expect(listed).toMatchObject({ id, errors: result.errors });

    // Failed once, as unrecoverable: no retry, even after the retry backoff would have run.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const job = await queue.getJob(id);
    expect(job).toBeTruthy();
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(1);
    expect(job!.failedReason).toEqual(expect.any(String));
    expect(await waitForUpdate(board, id)).toMatchObject({ state: 'rejected', errors: result.errors });
    expect((await api(board.url, board.adminKey, 'GET', '/sites/RHU03')).body).toEqual(siteBefore);
    return { id, errors: result.errors };
  }

  beforeAll(async () => {
    board = await startTestBoard();
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    queueConnection = board.redis.duplicate();
    queue = new Queue(UPDATES_QUEUE, { connection: queueConnection, prefix: `{${board.prefix}}:bull` });
    const baseline = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', opel: 2, note: 'baseline' });
    expect(await waitForUpdate(board, baseline.body.updates[0].id)).toMatchObject({ state: 'applied' });
  });
  afterAll(async () => {
    await queue?.close();
    await queueConnection?.quit();
    await board?.close();
  });

  it('free text that matches no phrase is rejected with a reason, not guessed', async () => {
    await expectRejected('The car park has been resurfaced and the café reopens on Monday.', 'text/plain', '?site=RHU03');
  });

  it('XML that is not EDXL-HAVE is rejected', async () => {
    const { errors } = await expectRejected('<?xml version="1.0"?><invoice><total>12</total></invoice>', 'application/xml');
    expect(errors.map((e) => e.message).join(' ')).toMatch(/HospitalStatus/);
  });

  it('XML that is not well-formed, or declares entities, is rejected', async () => {
    await expectRejected('<HospitalStatus><Hospital>', 'application/xml');
    const billionLaughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><HospitalStatus>&lol2;</HospitalStatus>';
    const { errors } = await expectRejected(billionLaughs, 'text/xml');
    expect(errors.map((e) => e.message).join(' ')).toMatch(/DOCTYPE|ENTITY/);
  });

  it('a CSV row for a trust with no reference sites is rejected on its own row', async () => {
    const posted = await postRaw('trust_code,date,ae_closures,ae_diverts\nRHU,2026-01-05,0,1\nZZZ,2026-01-05,0,0\n', 'text/csv');
    expect(posted.status).toBe(202);
    expect(posted.body.updates).toHaveLength(2);
    const [good, bad] = posted.body.updates as { id: string; row: number }[];
    expect(good!.row).toBe(1);
    expect(bad!.row).toBe(2);
    expect((await waitForUpdate(board, bad!.id)).state).toBe('rejected');
    const result = await waitForUpdate(board, bad!.id);
    expect(result.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(/ZZZ|trust/);
    const rejections = (await api(board.url, board.adminKey, 'GET', '/rejections')).body.rejections;
    expect(rejections.some((entry: { id: string }) => entry.id === bad!.id)).toBe(true);
    expect(rejections.some((entry: { id: string }) => entry.id === good!.id)).toBe(false);
    // Rows travel together in one job, named by the first row's id: attempted once, not retried.
    expect((await queue.getJob(good!.id))!.attemptsMade).toBe(1);
    // The good row is not sunk by the bad one (a January 2026 sitrep is older than "now": superseded or applied).
    expect(['applied', 'superseded']).toContain((await waitForUpdate(board, good!.id)).state);
  });

  it('lists rejections newest first and honours ?limit=', async () => {
    const a = await expectRejected('nothing to see here', 'text/plain', '?site=RHU03');
    const b = await expectRejected('still nothing to see here', 'text/plain', '?site=RHU03');
    const listed = (await api(board.url, board.adminKey, 'GET', '/rejections?limit=2')).body.rejections as { id: string }[];
    expect(listed.map((entry) => entry.id)).toEqual([b.id, a.id]);
    expect((await api(board.url, board.adminKey, 'GET', '/rejections?limit=0')).status).toBe(400);
  });
});
