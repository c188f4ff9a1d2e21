/**
 * Live pipeline in a real browser: sign in with a key for each role, see all 178 sites,
 * and watch a POST from the API reach the marker, the list row, the region tiles and
 * the change feed without a reload.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardBrowser, signIn, waitForBoard } from '../support/browser.js';
import { api, createKey, reference, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';

const SITE = reference.byCode.get('RHU03')!;
const DIVERT_TO = 'RHM01';
const POLL = { timeout: 10_000, interval: 50 };
const ALL_CODES = reference.sites.map((site) => site.code).sort();
const LONDON_CODES = reference.sites.filter((site) => site.region === 'Y56').map((site) => site.code).sort();

describe('sign-in and the live board in Chromium', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;
  const keys: Record<'trust' | 'director' | 'display' | 'admin', string> = { trust: '', director: '', display: '', admin: '' };

  beforeAll(async () => {
    [board, chrome] = await Promise.all([startTestBoard(), BoardBrowser.launch()]);
    keys.trust = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: [SITE.trust] });
    keys.director = await createKey(board, { role: 'director', label: 'National director' });
    keys.display = await createKey(board, { role: 'display', label: 'Control room wall' });
    keys.admin = board.adminKey;
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });

  it('shows an error summary for a key it does not know, and stays on the sign-in page', async () => {
    const page = await chrome.newPage();
    await page.goto(`${board.url}/signin`);
    await chrome.expectingErrors([/status of 401/], async () => {
      await page.locator('#key').fill('not-a-real-key-0123456789');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('signin-error').waitFor();
    });
    expect(await page.getByTestId('signin-error').innerText()).toMatch(/not recognised/);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(page.url()).not.toContain('not-a-real-key');
  });

  it('lands each role on a working page', { timeout: 120_000 }, async () => {
    for (const role of ['director', 'admin', 'display', 'trust'] as const) {
      const page = await chrome.newPage();
      const landed = await signIn(page, board.url, keys[role]);
      if (role === 'trust') {
        // Trust staff land on the posting page, and can read the board too.
        expect(landed).toBe('/post');
        await page.locator('#f-site').waitFor();
        expect(await page.locator('#f-site option').count()).toBeGreaterThan(0);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Board', exact: true }).click();
        await page.waitForURL((url) => url.pathname === '/');
      } else {
        expect(['/', '/wall']).toContain(landed);
      }
      await waitForBoard(page, reference.sites.length);
      if (new URL(page.url()).pathname === '/wall') await page.getByTestId('data-as-of').waitFor();
      else expect(await page.locator('tr[data-site]').count()).toBe(reference.sites.length);
      await page.context().close();
    }
  });

  describe('a director board', () => {
    let page: Page;

    beforeAll(async () => {
      page = await chrome.newPage();
      await signIn(page, board.url, keys.director, '/');
      await waitForBoard(page, reference.sites.length);
    });

    it('shows every site as a marker (London in the inset) and as a list row', async () => {
      const markerCodes = await page.locator('g.marker[data-site]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-site')!));
      expect(markerCodes.sort()).toEqual(ALL_CODES);
      const insetCodes = await page.locator('.inset g.marker[data-site]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-site')!));
      expect(insetCodes.sort()).toEqual(LONDON_CODES);
      const rowCodes = await page.locator('tr[data-site]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-site')!));
      expect(rowCodes.sort()).toEqual(ALL_CODES);
      // Nothing has been reported yet: unknown, and said so in words.
      expect(await page.locator(`g.marker[data-site="${SITE.code}"]`).getAttribute('aria-label')).toBe(`${SITE.name}: no status reported`);
    });

    it('applies a POST from the API to the marker, list row, tiles and feed without a reload', async () => {
      // A reload would lose this marker.
      await page.evaluate(() => ((window as unknown as { pbNoReload: boolean }).pbNoReload = true));
      const tile = page.getByTestId(`tile-${SITE.region}`);
      const level4Before = Number(await tile.locator('[data-severity="4"]').getAttribute('data-count'));
      const englandLevel4Before = Number(await page.getByTestId('tile-ENG').locator('[data-severity="4"]').getAttribute('data-count'));
      expect(await tile.locator('[data-fact="critical"]').innerText()).toBe('Critical 0');
      expect(await page.getByTestId('feed-item').count()).toBe(0);

      const posted = await api(board.url, keys.trust, 'POST', '/updates', {
        site: SITE.code,
        opel: 4,
        incident: { level: 'critical', reason: 'IT outage' },
        ed: { status: 'divert', divertTo: [DIVERT_TO], reason: 'no cubicles' },
      });
      expect(posted.status).toBe(202);

      const marker = page.locator(`g.marker[data-site="${SITE.code}"]`);
      await expect.poll(() => marker.getAttribute('data-severity'), POLL).toBe('4');
      const words = `${SITE.name}: OPEL 4, critical incident, A&E diverting`;
      expect(await marker.getAttribute('aria-label')).toBe(words);
      // The list sits below the dashboard; its rows follow live once it is on screen.
      await page.getByTestId('site-table-area').scrollIntoViewIfNeeded();
      await expect.poll(() => page.locator(`tr[data-site="${SITE.code}"]`).getAttribute('aria-label'), POLL).toBe(words);
      expect(await page.locator(`tr[data-site="${SITE.code}"]`).innerText()).toMatch(/critical incident/i);

      await expect.poll(async () => Number(await tile.locator('[data-severity="4"]').getAttribute('data-count')), POLL).toBe(level4Before + 1);
      expect(Number(await page.getByTestId('tile-ENG').locator('[data-severity="4"]').getAttribute('data-count'))).toBe(englandLevel4Before + 1);
      expect(await tile.locator('[data-fact="critical"]').innerText()).toBe('Critical 1');
      expect(await tile.locator('[data-fact="diverting"]').innerText()).toBe('Diverting 1');

      // The update's alerts follow it with later seqs, so find the status item by its seq.
      const result = await waitForUpdate(board, posted.body.updates[0].id);
      const item = page.locator(`[data-testid="feed-item"][data-feed-site="${SITE.code}"][data-seq="${result.seq}"]`);
      await item.waitFor({ timeout: POLL.timeout });
      expect(await item.innerText()).toContain(SITE.name);
      expect(await item.innerText()).toMatch(/OPEL/);

      expect(await page.evaluate(() => (window as unknown as { pbNoReload?: boolean }).pbNoReload)).toBe(true);
      expect(Number(await page.getByTestId('board').getAttribute('data-seq'))).toBeGreaterThanOrEqual(result.seq);
    });
  });
});
