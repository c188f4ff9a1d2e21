/**
 * A wallboard is left running for weeks (issue: screens that run for weeks). It must
 * ride out a server restart, a Redis restart, and both at once (a deploy during Redis
 * maintenance) without a reload or a sign-in, and show the newest data afterwards,
 * including an update made while it was still reconnecting.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardBrowser, signIn } from '../support/browser.js';
import { PrivateRedis } from '../support/private-redis.js';
import { SERVER_AWAY_ERRORS, startRestartableBoard, type RestartableBoard } from '../support/restartable-board.js';
import { api, createKey, eventually, reference, uniquePrefix, waitForUpdate } from '../support/test-board.js';

const POLL = { timeout: 30_000, interval: 100 };
/** Client back-off is at most 4 s; allow a few attempts and the catch-up on a loaded machine. */
const RECOVERY_MS = 30_000;
/** What Chromium logs while the server or its Redis is away. */
const OUTAGE_ERRORS = [...SERVER_AWAY_ERRORS, /503/];
const LONDON = reference.sites.filter((site) => site.region === 'Y56');

describe('a wallboard that runs for weeks', () => {
  let redis: PrivateRedis;
  let board: RestartableBoard;
  let chrome: BoardBrowser;
  let wall: Page;
  let round = 0;

  /** Posts a new OPEL level and note for a London site (202), without waiting for it to apply. */
  async function postFor(site: string): Promise<{ id: string; note: string }> {
    round++;
    const note = `round ${round}`;
    const response = await api(board.url, board.adminKey, 'POST', '/updates', { site, opel: (round % 4) + 1, note });
    expect(response.status).toBe(202);
    return { id: response.body.updates[0].id as string, note };
  }

  /** The wall shows `site` at the OPEL level its latest update gave. */
  async function expectWallShows(site: string, id: string): Promise<void> {
    const applied = await waitForUpdate(board, id, 30_000);
    expect(applied.state).toBe('applied');
    const status = (await api(board.url, board.adminKey, 'GET', `/sites/${site}`)).body;
    await expect.poll(() => wall.locator(`g.marker[data-site="${site}"]`).getAttribute('data-severity'), POLL).toBe(String(status.opel));
  }

  /** Not reloaded (the mark set on the first load is still there) and still signed in on /wall. */
  async function expectSamePageStillSignedIn(): Promise<void> {
    expect(await wall.evaluate(() => (window as unknown as { pbLoadedOnce?: boolean }).pbLoadedOnce)).toBe(true);
    expect(new URL(wall.url()).pathname).toBe('/wall');
    await wall.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: RECOVERY_MS });
    await wall.getByTestId('connection-lost').waitFor({ state: 'detached', timeout: 10_000 });
  }

  beforeAll(async () => {
    redis = await PrivateRedis.launch();
    board = await startRestartableBoard(uniquePrefix('wall-survives'), { redisUrl: redis.url });
    chrome = await BoardBrowser.launch();
    const displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
    const first = await postFor(LONDON[0]!.code);
    await waitForUpdate(board, first.id);
    wall = await chrome.newPage();
    await signIn(wall, board.url, displayKey, '/wall?region=Y56');
    await wall.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 15_000 });
    await wall.evaluate(() => {
      (window as unknown as { pbLoadedOnce?: boolean }).pbLoadedOnce = true;
    });
  }, 120_000);
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close().catch(() => undefined);
    await redis?.remove();
  }, 60_000);

  it('rides out a server restart and shows an update made while it was reconnecting', async () => {
    const site = LONDON[1]!.code;
    const posted = await chrome.expectingErrors(OUTAGE_ERRORS, async () => {
      await board.stopServer();
      await wall.getByTestId('connection-lost').waitFor({ timeout: 15_000 });
      await board.startServer();
      // Posted at once: the wall is most likely still backing off, and must catch up with `since`.
      const update = await postFor(site);
      await expectSamePageStillSignedIn();
      return update;
    });
    await expectWallShows(site, posted.id);
  }, 120_000);

  it('rides out a Redis restart under a running server, and shows the newest data after', async () => {
    const site = LONDON[2]!.code;
    await chrome.expectingErrors(OUTAGE_ERRORS, async () => {
      await redis.stop();
      // While Redis is away nothing is accepted (SPEC §9): the API says 503.
      const refused = await api(board.url, board.adminKey, 'POST', '/updates', { site, opel: 4 });
      expect(refused.status).toBe(503);
      await redis.start();
      await eventually(async () => (await api(board.url, board.adminKey, 'GET', '/board')).status === 200, 30_000, 'the server to read the board again');
    });
    const posted = await postFor(site);
    await expectSamePageStillSignedIn();
    await expectWallShows(site, posted.id);
  }, 120_000);

  it('rides out a deploy during Redis maintenance (server down, Redis restarted, server up)', async () => {
    const site = LONDON[3]!.code;
    const posted = await chrome.expectingErrors(OUTAGE_ERRORS, async () => {
      await board.stopServer();
      await wall.getByTestId('connection-lost').waitFor({ timeout: 15_000 });
      await redis.stop();
      await redis.start();
      await board.startServer();
      const update = await postFor(site);
      await expectSamePageStillSignedIn();
      return update;
    });
    await expectWallShows(site, posted.id);
    // The wall kept every London site through all three outages.
    expect(await wall.locator('g.marker[data-site]').count()).toBe(LONDON.length);
  }, 120_000);
});
