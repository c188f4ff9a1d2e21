import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBoard, type TestBoard } from '../support/test-board.js';

/** GET /readyz over `agent`; resolves with whether the request went out on a socket already used. */
function readyz(board: TestBoard, agent: http.Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${board.url}/readyz`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, reused: request.reusedSocket }));
    });
    request.on('error', reject);
  });
}

/**
 * Integrations and proxies keep connections to the board open between posts. The server
 * keeps an idle one for 65 s, longer than their pools usually do, so a client never reuses
 * a connection at the moment the server closes it (a reset post).
 */
describe('HTTP keep-alive', () => {
  let board: TestBoard;
  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
  });
  afterAll(() => board?.close());

  it('keeps an idle connection open well past Node’s default 5 s', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await readyz(board, agent)).toEqual({ status: 200, reused: false });
      // The behaviour under test is the idle time itself.
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      expect(await readyz(board, agent)).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 20_000);
});
