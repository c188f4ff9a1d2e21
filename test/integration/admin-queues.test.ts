import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoardBrowser, signIn } from '../support/browser.js';
import { createKey, startTestBoard, type TestBoard } from '../support/test-board.js';

/** Signs in through `POST /api/v1/session` as the board's page would, and returns the cookie. */
async function sessionCookie(board: TestBoard, key: string): Promise<string> {
  const response = await fetch(`${board.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: board.url }, body: JSON.stringify({ key }) });
  expect(response.status).toBe(200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('the queue admin at /admin/queues (SPEC §15)', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
    chrome = await BoardBrowser.launch();
  });
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });
  afterEach(() => chrome.assertClean());

  it('sends a browser without a session to sign-in, and refuses other roles and bare keys', async () => {
    const page = await fetch(`${board.url}/admin/queues`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/signin');
    // A bearer key is not a session: the admin UI is for people signed in on the board.
    const withKey = await fetch(`${board.url}/admin/queues/api/queues`, { headers: { accept: 'application/json', authorization: `Bearer ${board.adminKey}` } });
    expect(withKey.status).toBe(401);
    expect((await withKey.json()).error.code).toBe('unauthorized');
    const director = await sessionCookie(board, await createKey(board, { role: 'director', label: 'Director' }));
    const asDirector = await fetch(`${board.url}/admin/queues/api/queues`, { headers: { cookie: director } });
    expect(asDirector.status).toBe(403);
  });

  it('lists the queues for an admin session, and refuses a state change from another origin', async () => {
    const admin = await sessionCookie(board, board.adminKey);
    const listed = await fetch(`${board.url}/admin/queues/api/queues?activeQueue=updates&page=1`, { headers: { cookie: admin } });
    expect(listed.status).toBe(200);
    const names = (await listed.json()).queues.map((queue: { name: string }) => queue.name);
    expect(names).toEqual(expect.arrayContaining(['updates', 'notifications']));
    const forged = await fetch(`${board.url}/admin/queues/api/queues/updates/pause`, { method: 'PUT', headers: { cookie: admin, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
  });

  it('renders in the browser for a signed-in admin under the strict CSP, loading nothing from elsewhere', async () => {
    const page = await chrome.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(board.url)) outside.push(request.url());
    });
    await signIn(page, board.url, board.adminKey);
    const response = await page.goto(`${board.url}/admin/queues`);
    expect(response!.status()).toBe(200);
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    await page.getByText('notifications', { exact: true }).first().waitFor({ timeout: 30_000 });
    expect(outside).toEqual([]);
  }, 60_000);
});
