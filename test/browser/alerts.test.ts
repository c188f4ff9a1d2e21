/**
 * Alerts across boards: a critical incident raises the banner on every open board; one
 * director's acknowledgement shows on all of them, with who and when; a display key sees
 * the alert but cannot acknowledge it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardBrowser, signIn, waitForBoard } from '../support/browser.js';
import { api, createKey, reference, startTestBoard, type TestBoard } from '../support/test-board.js';

const POLL = { timeout: 10_000, interval: 50 };
const SITE = reference.byCode.get('RHU03')!;

describe('alerts on two boards in Chromium', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;
  let trustKey: string;
  let first: Page;
  let second: Page;
  let display: Page;

  const item = (page: Page) => page.locator(`[data-testid="alert-item"][data-alert-site="${SITE.code}"][data-kind="critical_incident"]`);

  beforeAll(async () => {
    [board, chrome] = await Promise.all([startTestBoard(), BoardBrowser.launch()]);
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: [SITE.trust] });
    const firstKey = await createKey(board, { role: 'director', label: 'South East director' });
    const secondKey = await createKey(board, { role: 'director', label: 'National director' });
    const displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
    [first, second, display] = await Promise.all([chrome.newPage(), chrome.newPage(), chrome.newPage()]);
    // The display key opens the ordinary board, which is where an ack button would be.
    await Promise.all([signIn(first, board.url, firstKey, '/'), signIn(second, board.url, secondKey, '/'), signIn(display, board.url, displayKey, '/')]);
    for (const page of [first, second, display]) await waitForBoard(page, reference.sites.length);
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });

  it('raises the alert banner on every board for a critical incident posted through the API', async () => {
    for (const page of [first, second, display]) expect(await page.getByTestId('alert-banner').count()).toBe(0);
    const response = await api(board.url, trustKey, 'POST', '/updates', { site: SITE.code, incident: { level: 'critical', reason: 'IT outage' } });
    expect(response.status).toBe(202);

    for (const page of [first, second, display]) {
      await item(page).waitFor({ timeout: 10_000 });
      expect(await item(page).getAttribute('data-acknowledged')).toBe('false');
      expect(await page.getByTestId('alert-banner').innerText()).toContain(SITE.name);
    }
    expect(await item(first).getByTestId('ack-button').count()).toBe(1);
    expect(await item(second).getByTestId('ack-button').count()).toBe(1);
  });

  it('gives a display key the alert without an acknowledge button, on the board and the wallboard', async () => {
    expect(await item(display).count()).toBe(1);
    expect(await display.getByTestId('ack-button').count()).toBe(0);
    const wall = await display.context().newPage();
    chrome.watch(wall);
    await wall.goto(`${board.url}/wall`);
    const banner = wall.getByTestId('alert-banner');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.innerText()).toContain(SITE.name);
    expect(await wall.getByTestId('ack-button').count()).toBe(0);
    await wall.close();
  });

  it('shows one director\'s acknowledgement on every board, with who and when', async () => {
    await item(first).getByTestId('ack-button').click();
    for (const page of [first, second, display]) {
      await expect.poll(() => item(page).getAttribute('data-acknowledged'), POLL).toBe('true');
      const ack = item(page).getByTestId('alert-ack');
      const text = await ack.innerText();
      expect(text).toContain('South East director');
      expect(text).toMatch(/\d{2}:\d{2}/);
      expect(await ack.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      // Only this alert was acknowledged; others (e.g. an escalation) may still be open.
      expect(await item(page).getByTestId('ack-button').count()).toBe(0);
      expect(await item(page).count()).toBe(1);
    }
    const alerts = await api(board.url, board.adminKey, 'GET', '/alerts');
    const stored = (alerts.body.alerts ?? alerts.body).find((alert: { site: string; kind: string }) => alert.site === SITE.code && alert.kind === 'critical_incident');
    expect(stored).toMatchObject({ acknowledgedBy: 'South East director' });
    // Every board says so in the same words.
    const ackTexts = await Promise.all([first, second, display].map((page) => item(page).getByTestId('alert-ack').innerText()));
    expect(new Set(ackTexts).size).toBe(1);
  });
});
