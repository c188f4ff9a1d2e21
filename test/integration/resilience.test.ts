import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@pb/shared/node';
import { startWorkers } from '../../workers/src/start-workers.js';
import { PrivateRedis } from '../support/private-redis.js';
import { api, createKey, eventually, reference, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';

describe('resilience (SPEC §9)', () => {
  let redis: PrivateRedis;
  let board: TestBoard;
  let trustKey: string;

  beforeAll(async () => {
    redis = await PrivateRedis.launch();
  });
  afterAll(async () => {
    await board?.close().catch(() => undefined);
    await redis?.remove();
  });

  it('answers 503 while Redis is away, never accepting what it cannot keep, and recovers by itself', async () => {
    board = await startTestBoard({ redisUrl: redis.url }, { redisUrl: redis.url });
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
    const before = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', opel: 2 });
    expect(before.status).toBe(202);
    expect(await waitForUpdate(board, before.body.updates[0].id)).toMatchObject({ state: 'applied' });

    await redis.stop();
    const during = await eventually(async () => {
      const response = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', opel: 4 });
      return response.status === 503 ? response : null;
    }, 10_000, 'a 503 while Redis is down');
    expect(during.body.error.code).toBe('unavailable');
    expect(during.headers.get('retry-after')).toBeTruthy();
    expect((await fetch(`${board.url}/readyz`)).status).toBe(503);

    await redis.start();
    const after = await eventually(async () => {
      const response = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', opel: 3 });
      return response.status === 202 ? response : null;
    }, 20_000, 'the API to accept updates again');
    expect(await waitForUpdate(board, after.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const site = await api(board.url, trustKey, 'GET', '/sites/RHU03');
    // The update refused with 503 was never stored: the board went from 2 straight to 3.
    expect(site.body.opel).toBe(3);
    const history = await api(board.url, trustKey, 'GET', '/sites/RHU03/history');
    expect(history.body.entries.map((entry: { status: { opel: number } }) => entry.status.opel)).toEqual([3, 2]);
  });

  it('applies every update that got a 202 even when no worker was running and Redis restarted in between', async () => {
    await board.close();
    board = await startTestBoard({ redisUrl: redis.url }, { workers: false, redisUrl: redis.url });
    const key = await createKey(board, { role: 'admin', label: 'ops' });
    const sites = reference.sites.slice(0, 40);
    const posted = await Promise.all(sites.map((site, i) => api(board.url, key, 'POST', '/updates', { site: site.code, opel: (i % 4) + 1 })));
    expect(posted.every((response) => response.status === 202)).toBe(true);

    // Redis restarts with only its append-only file: the queued jobs must survive it.
    await redis.stop();
    await redis.start();
    await eventually(async () => (await fetch(`${board.url}/readyz`)).status === 200, 20_000, 'readiness after the restart');

    const workers = await startWorkers(board.config, reference, createLogger('test', 'silent'));
    try {
      for (const [index, response] of posted.entries()) {
        expect(await waitForUpdate(board, response.body.updates[0].id, 20_000)).toMatchObject({ state: 'applied' });
        const site = await api(board.url, key, 'GET', `/sites/${sites[index]!.code}`);
        expect(site.body.opel).toBe((index % 4) + 1);
      }
    } finally {
      await workers.close();
    }
  });
});
