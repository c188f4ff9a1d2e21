import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@pb/shared';
import { createLogger } from '@pb/shared/node';
import { EventStreamTail } from '../../server/src/live/event-stream-tail.js';
import { api, REDIS_URL, reference, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';

/**
 * After a server restarts, every screen resumes with `since` at once. A new server's
 * stream tail starts with the latest events already in memory, so those resumes are
 * replayed without a stream read per screen.
 */
describe('a server’s stream tail after a restart', () => {
  let board: TestBoard;
  let lastSeq = 0;

  beforeAll(async () => {
    board = await startTestBoard();
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', reference.sites.slice(0, 5).map((site, index) => ({ site: site.code, opel: (index % 3) + 1 })));
    expect(posted.status).toBe(202);
    for (const { id } of posted.body.updates as { id: string }[]) lastSeq = Math.max(lastSeq, (await waitForUpdate(board, id)).seq as number);
  });
  afterAll(() => board?.close());

  it('holds the latest events in memory from the start, consecutive up to the last seq', async () => {
    const tail = new EventStreamTail(new Redis(REDIS_URL), redisKeys(board.prefix), createLogger('test', 'silent'));
    await tail.start();
    try {
      expect(tail.lastSeq).toBe(lastSeq);
      const replay = tail.eventsAfter(lastSeq - 3);
      expect(replay?.map((event) => event.seq)).toEqual([lastSeq - 2, lastSeq - 1, lastSeq]);
      expect(replay?.every((event) => event.kind === 'status' || event.kind === 'alert')).toBe(true);
      expect(tail.eventsAfter(0)?.length).toBe(lastSeq);
    } finally {
      await tail.stop();
    }
  });
});
