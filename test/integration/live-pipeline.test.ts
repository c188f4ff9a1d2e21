import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusEvent } from '@pb/shared';
import { api, connectBoard, createKey, startTestBoard, subscribe, waitForUpdate, type TestBoard } from '../support/test-board.js';

describe('post → queue → normalise → store → live board', () => {
  let board: TestBoard;
  let trustKey: string;

  beforeAll(async () => {
    board = await startTestBoard();
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: ['RHU'] });
  });
  afterAll(() => board.close());

  it('delivers a posted update to a real socket.io client as a status event', async () => {
    const socket = await connectBoard(board.url, trustKey);
    try {
      const ack = await subscribe(socket);
      expect(ack).toMatchObject({ ok: true, data: { mode: 'snapshot' } });
      const received = new Promise<StatusEvent>((resolve) => socket.on('status', (event) => event.site === 'RHU03' && resolve(event)));
      const posted = await api(board.url, trustKey, 'POST', '/updates', {
        site: 'RHU03',
        opel: 4,
        incident: { level: 'critical', reason: 'industrial action' },
        ed: { status: 'divert', divertTo: ['RHM01'], reason: 'no cubicles' },
        metrics: { handoverMeanMin: 95, longestWaitHours: 11 },
        note: 'Plain text <b>not html</b>',
      });
      expect(posted.status).toBe(202);
      const event = await received;
      expect(event.status).toMatchObject({ site: 'RHU03', opel: 4, severity: 4, source: 'api', actor: 'Portsmouth EPRR', ed: { status: 'divert', divertTo: ['RHM01'] } });
      expect(event.status.updateId).toBe(posted.body.updates[0].id);
      expect(event.seq).toBeGreaterThan(0);

      const result = await waitForUpdate(board, posted.body.updates[0].id);
      expect(result).toMatchObject({ state: 'applied', seq: event.seq });
      const site = await api(board.url, trustKey, 'GET', '/sites/RHU03');
      expect(site.body).toMatchObject({ opel: 4, incident: { level: 'critical' }, metrics: { handoverMeanMin: 95, longestWaitHours: 11 } });
    } finally {
      socket.disconnect();
    }
  });

  it('merges a partial update: fields not named stay as they were', async () => {
    const first = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', opel: 3, note: 'first' });
    await waitForUpdate(board, first.body.updates[0].id);
    const second = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', metrics: { fourHourPct: 61.2 } });
    expect(await waitForUpdate(board, second.body.updates[0].id)).toMatchObject({ state: 'applied' });
    const site = await api(board.url, trustKey, 'GET', '/sites/RHU03');
    expect(site.body).toMatchObject({ opel: 3, note: 'first', metrics: { fourHourPct: 61.2, handoverMeanMin: 95 } });
  });

  it('keeps an update observed before the current status as history only', async () => {
    const now = Date.now();
    const newer = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', opel: 2, observedAt: new Date(now).toISOString() });
    await waitForUpdate(board, newer.body.updates[0].id);
    const older = await api(board.url, trustKey, 'POST', '/updates', { site: 'RHU03', opel: 4, observedAt: new Date(now - 3600_000).toISOString() });
    expect(await waitForUpdate(board, older.body.updates[0].id)).toMatchObject({ state: 'superseded' });
    const site = await api(board.url, trustKey, 'GET', '/sites/RHU03');
    expect(site.body.opel).toBe(2);
    const history = await api(board.url, trustKey, 'GET', '/sites/RHU03/history');
    expect(history.body.entries[0]).toMatchObject({ state: 'superseded', updateId: older.body.updates[0].id });
    expect(history.body.entries[1]).toMatchObject({ state: 'applied', updateId: newer.body.updates[0].id });
  });
});
