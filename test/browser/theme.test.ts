/**
 * The night view in Chromium: the board follows the device's colour scheme, the switch
 * overrides it and is remembered, and both themes pass axe-core (WCAG 2.2 AA, colour
 * contrast included) on a busy board, with the site panel and the time machine open.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardBrowser, signIn, waitForBoard } from '../support/browser.js';
import { createKey, reference, startTestBoard, type TestBoard } from '../support/test-board.js';
import { seriousAxeViolations } from './axe.js';
import { seedBusyBoard } from './scenario.js';

/** axe-core takes several seconds over a board of 178 markers and rows, three times per theme. */
const AXE_TEST_MS = 120_000;

describe('the night view in Chromium', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;
  let directorKey: string;
  let loud: string[];

  beforeAll(async () => {
    [board, chrome] = await Promise.all([startTestBoard(), BoardBrowser.launch()]);
    ({ loud } = await seedBusyBoard(board));
    directorKey = await createKey(board, { role: 'director', label: 'Regional director' });
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });

  const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
  const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

  /** Axe on the dashboard, then with a site panel open, then with the time machine open. */
  async function audit(page: Page, label: string): Promise<string[]> {
    const found = await seriousAxeViolations(page, `${label} board`);
    await page.locator(`tr[data-site="${loud[0]}"] button.site-link`).click();
    await page.getByTestId('site-panel').getByText('Loading history…').waitFor({ state: 'detached' });
    found.push(...(await seriousAxeViolations(page, `${label} site panel`)));
    await page.keyboard.press('Escape');
    await page.getByTestId('site-panel').waitFor({ state: 'detached' });
    await page.getByTestId('time-machine-toggle').click();
    found.push(...(await seriousAxeViolations(page, `${label} time machine`)));
    await page.getByTestId('time-machine-toggle').click();
    return found;
  }

  it('follows a dark device and passes axe-core in the night view', async () => {
    const page = await chrome.newPage({ viewport: { width: 1920, height: 1080 }, colorScheme: 'dark' });
    await signIn(page, board.url, directorKey, '/');
    await waitForBoard(page, reference.sites.length);
    expect(await theme(page)).toBe('dark');
    expect(await background(page)).toBe('rgb(11, 17, 23)');
    expect(await page.getByTestId('theme-switch').getAttribute('aria-pressed')).toBe('true');
    expect(await audit(page, 'dark')).toEqual([]);
    await page.context().close();
  }, AXE_TEST_MS);

  it('switches to the light view and back, remembers the choice, and passes axe-core in both', async () => {
    const page = await chrome.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
    await signIn(page, board.url, directorKey, '/');
    await waitForBoard(page, reference.sites.length);
    await page.getByTestId('theme-switch').click();
    expect(await theme(page)).toBe('light');
    expect(await background(page)).toBe('rgb(240, 244, 245)');
    expect(await audit(page, 'light')).toEqual([]);

    // The choice outlives a reload, whatever the device says.
    await page.reload();
    await waitForBoard(page, reference.sites.length);
    expect(await theme(page)).toBe('light');
    await page.getByTestId('theme-switch').click();
    expect(await theme(page)).toBe('dark');
    await page.reload();
    await waitForBoard(page, reference.sites.length);
    expect(await theme(page)).toBe('dark');
    await page.context().close();
  }, AXE_TEST_MS);

  it('gives the sign-in and posting pages the night view too, passing axe-core', async () => {
    const trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: [reference.sites[0]!.trust] });
    const page = await chrome.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
    await page.goto(`${board.url}/signin`);
    await page.locator('#key').waitFor();
    expect(await theme(page)).toBe('dark');
    const found = await seriousAxeViolations(page, 'dark sign-in');
    await signIn(page, board.url, trustKey, '/post');
    await page.locator('#f-site option').first().waitFor({ state: 'attached' });
    found.push(...(await seriousAxeViolations(page, 'dark posting page')));
    expect(found).toEqual([]);
    await page.context().close();
  }, AXE_TEST_MS);

  it('keeps the severity palette the same in both themes', async () => {
    const fills = async (scheme: 'light' | 'dark') => {
      const page = await chrome.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: scheme });
      await signIn(page, board.url, directorKey, '/');
      await waitForBoard(page, reference.sites.length);
      const byLevel = await page.locator('g.marker[data-site]').evaluateAll((nodes) => {
        const seen: Record<string, string> = {};
        for (const node of nodes) seen[node.getAttribute('data-severity')!] ??= node.querySelector('path.shape')!.getAttribute('fill')!;
        return seen;
      });
      await page.context().close();
      return byLevel;
    };
    const light = await fills('light');
    expect(Object.keys(light).sort()).toEqual(['1', '2', '3', '4']);
    expect(await fills('dark')).toEqual(light);
  });
});
