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
