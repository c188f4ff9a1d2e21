/**
 * The wallboard left running: "Data as of", a clear banner when the server goes away
 * (keeping the last data, marked stale), recovery on its own when the server is back on
 * the same port, and region cycling.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardBrowser, signIn } from '../support/browser.js';
import { SERVER_AWAY_ERRORS, startRestartableBoard, type RestartableBoard } from '../support/restartable-board.js';
import { api, createKey, reference, uniquePrefix, waitForUpdate } from '../support/test-board.js';

const POLL = { timeout: 10_000, interval: 50 };
const LONDON = reference.sites.filter((site) => site.region === 'Y56');
const SITE = reference.byCode.get('RJ122')!; // St Thomas' Hospital, London
const LATER = reference.byCode.get('RJZ01')!; // King's College Hospital, London
/** socket.io backs off up to 10 s between attempts; allow one full back-off and the catch-up. */
const RECOVERY_MS = 25_000;

describe('the wallboard in Chromium', () => {
  let board: RestartableBoard;
  let chrome: BoardBrowser;
  let displayKey: string;
  let wall: Page;

  async function post(update: Record<string, unknown>): Promise<number> {
    const response = await api(board.url, board.adminKey, 'POST', '/updates', update);
    expect(response.status).toBe(202);
    const result = await waitForUpdate(board, response.body.updates[0].id);
    expect(result.state).toBe('applied');
    return result.seq as number;
  }

  beforeAll(async () => {
    board = await startRestartableBoard(uniquePrefix('wall'));
    chrome = await BoardBrowser.launch();
    displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
    await post({ site: SITE.code, opel: 4, incident: { level: 'critical', reason: 'IT outage' } });
    wall = await chrome.newPage();
    await signIn(wall, board.url, displayKey, '/wall?region=Y56');
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });

  it('shows one region, "Data as of" and a live connection', async () => {
    await expect.poll(() => wall.getByTestId('wall').getAttribute('data-region'), POLL).toBe('Y56');
    await wall.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await wall.getByTestId('data-as-of').innerText()).toMatch(/^Data as of \d{2}:\d{2}/);
    await expect.poll(() => wall.locator('g.marker[data-site]').count(), POLL).toBe(LONDON.length);
    expect(await wall.locator(`g.marker[data-site="${SITE.code}"]`).getAttribute('data-severity')).toBe('4');
    expect(await wall.locator(`[data-wall-site="${SITE.code}"]`).innerText()).toContain(SITE.name);
    expect(await wall.getByTestId('connection-lost').count()).toBe(0);
  });

  it('says the connection is lost and keeps the last data, then recovers by itself and applies a later update', async () => {
    await chrome.expectingErrors(SERVER_AWAY_ERRORS, async () => {
      await board.stopServer();
      await wall.getByTestId('connection-lost').waitFor({ timeout: 10_000 });
      expect(await wall.getByTestId('connection-state').getAttribute('data-state')).toBe('disconnected');
      // The last data stays on the wall, said to be possibly out of date.
      expect(await wall.getByTestId('data-as-of').innerText()).toMatch(/may be out of date/);
      expect(await wall.locator('g.marker[data-site]').count()).toBe(LONDON.length);
      expect(await wall.locator(`g.marker[data-site="${SITE.code}"]`).getAttribute('data-severity')).toBe('4');
      expect(await wall.locator(`[data-wall-site="${SITE.code}"]`).count()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));

      await board.startServer();
      await wall.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: RECOVERY_MS });
      await wall.getByTestId('connection-lost').waitFor({ state: 'detached', timeout: 5_000 });
    });
    expect(await wall.getByTestId('data-as-of').innerText()).not.toMatch(/may be out of date/);
    expect(new URL(wall.url()).pathname).toBe('/wall');

    await post({ site: LATER.code, opel: 3, ed: { status: 'closed', divertTo: [SITE.code], reason: 'flooding' } });
    const marker = wall.locator(`g.marker[data-site="${LATER.code}"]`);
    await expect.poll(() => marker.getAttribute('data-severity'), POLL).toBe('3');
    expect(await marker.getAttribute('aria-label')).toBe(`${LATER.name}: OPEL 3, A&E closed`);
    expect(await wall.locator(`[data-wall-site="${LATER.code}"]`).count()).toBe(1);
  });

  it('cycles England and the regions when asked', async () => {
    const cycling = await chrome.newPage();
    await signIn(cycling, board.url, displayKey, '/wall?cycle=5');
    const region = () => cycling.getByTestId('wall').getAttribute('data-region');
    await cycling.getByTestId('wall').waitFor();
    const seen = [await region()];
    for (let step = 0; step < 2; step++) {
      const before = seen[seen.length - 1];
      await expect.poll(region, { timeout: 8_000, interval: 100 }).not.toBe(before);
      seen.push(await region());
    }
    expect(seen[0]).toBe('ENG');
    expect(new Set(seen).size).toBe(3);
    expect(seen.slice(1).every((code) => /^Y\d{2}$/.test(code ?? ''))).toBe(true);
    await cycling.context().close();
  });
});
