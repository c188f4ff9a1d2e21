import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createKey, startTestBoard, type TestBoard } from '../support/test-board.js';

/** SPEC §11: failed sign-ins are limited per client address and audited without the key. */
describe('sign-in limits', () => {
  let board: TestBoard;
  let directorKey: string;

  const signIn = (key: string) => api(board.url, undefined, 'POST', '/session', { key });

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
    directorKey = await createKey(board, { role: 'director', label: 'SE director' });
  });
  afterAll(() => board?.close());

  it('allows 10 failed sign-ins a minute from one address, then answers 429 with Retry-After; successes do not count', async () => {
    const guesses = Array.from({ length: 11 }, (_, index) => `pb_guess_${index}_${'x'.repeat(20)}`);
    for (const guess of guesses.slice(0, 5)) expect((await signIn(guess)).status).toBe(401);
    // Successful sign-ins between the failures are not counted against the address.
    for (let i = 0; i < 8; i++) expect((await signIn(directorKey)).status).toBe(200);
    for (const guess of guesses.slice(5, 10)) expect((await signIn(guess)).status).toBe(401);

    const limited = await signIn(guesses[10]!);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/sign-in/i) });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // While limited, even the right key waits: the address is what is limited.
    expect((await signIn(directorKey)).status).toBe(429);
    // Bearer-key API use is not affected.
    expect((await api(board.url, directorKey, 'GET', '/board')).status).toBe(200);

    const audit = await api(board.url, board.adminKey, 'GET', '/audit?limit=100');
    const refused = audit.body.entries.filter((entry: { action: string }) => entry.action === 'session.refused');
    expect(refused).toHaveLength(10);
    for (const entry of refused) expect(entry).toMatchObject({ actor: expect.any(String), detail: expect.stringContaining('127.0.0.1') });
    const written = JSON.stringify(audit.body);
    for (const guess of guesses) expect(written).not.toContain(guess);
    expect(written).not.toContain(directorKey);
  });

  it('counts per board: the limit is kept in Redis under the board’s prefix', async () => {
    const stored = await board.redis.keys(`{${board.prefix}}:*sign*`);
    expect(stored.length).toBeGreaterThan(0);
    for (const key of stored) expect(await board.redis.pttl(key)).toBeGreaterThan(0);
  });
});

/** Behind a reverse proxy the client is the address the proxy names, if the proxy is trusted (PB_TRUST_PROXY). */
describe('sign-in limits behind a reverse proxy', () => {
  const guess = `pb_guess_${'y'.repeat(24)}`;
  const signInFrom = (board: TestBoard, address: string) => api(board.url, undefined, 'POST', '/session', { key: guess }, { 'x-forwarded-for': address });

  it('limits each client a trusted proxy names on its own, so one client cannot lock the others out', async () => {
    // The tests connect from loopback, which is trusted by default.
    const board = await startTestBoard({}, { workers: false });
    try {
      for (let i = 0; i < 10; i++) expect((await signInFrom(board, '203.0.113.5')).status).toBe(401);
      expect((await signInFrom(board, '203.0.113.5')).status).toBe(429);
      expect((await signInFrom(board, '203.0.113.6')).status).toBe(401);
      const audit = await api(board.url, board.adminKey, 'GET', '/audit?limit=100');
      const details = audit.body.entries.filter((entry: { action: string }) => entry.action === 'session.refused').map((entry: { detail: string }) => entry.detail);
      expect(details.filter((detail: string) => detail.includes('203.0.113.5'))).toHaveLength(10);
      expect(details.filter((detail: string) => detail.includes('203.0.113.6'))).toHaveLength(1);
    } finally {
      await board.close();
    }
  });

  it('ignores X-Forwarded-For from a proxy it does not trust: the connection is the client', async () => {
    const board = await startTestBoard({ trustProxy: ['192.0.2.1'] }, { workers: false });
    try {
      for (let i = 0; i < 10; i++) expect((await signInFrom(board, `198.51.100.${i + 1}`)).status).toBe(401);
      expect((await signInFrom(board, '198.51.100.99')).status).toBe(429);
      const audit = await api(board.url, board.adminKey, 'GET', '/audit?limit=100');
      const refused = audit.body.entries.filter((entry: { action: string }) => entry.action === 'session.refused');
      for (const entry of refused) expect(entry.detail).toContain('127.0.0.1');
    } finally {
      await board.close();
    }
  });
});
