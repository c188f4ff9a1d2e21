/**
 * The control-room board in Chromium: diversion arrows, every London marker clickable,
 * the site panel (note as plain text, history), the list view, the time machine, and an
 * axe-core accessibility check of `/` and `/wall`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Site } from '@pb/shared';
import { BoardBrowser, signIn, ukLocalInput, waitForBoard } from '../support/browser.js';
import { api, createKey, reference, startTestBoard, waitForUpdate, type TestBoard } from '../support/test-board.js';
import { seriousAxeViolations } from './axe.js';

const POLL = { timeout: 10_000, interval: 50 };

const FROM = reference.byCode.get('RHU03')!;
/** The nearest site of the same region at least 40 km away, so the arrow is long enough to draw. */
const TO = nearestBeyond(FROM, 40);
const NOTE_SITE = reference.byCode.get('RHU03')!;
const PAST_SITE = reference.byCode.get('RHM01')!;

function kmBetween(a: Site, b: Site): number {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 12_742 * Math.asin(Math.sqrt(h));
}

function nearestBeyond(from: Site, km: number): Site {
  const candidates = reference.sites.filter((site) => site.region === from.region && site.code !== from.code && kmBetween(from, site) >= km);
  return candidates.sort((a, b) => kmBetween(from, a) - kmBetween(from, b))[0]!;
}

describe('the control-room board in Chromium', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;
  let trustKey: string;
  let directorKey: string;
  let page: Page;

  /** Posts an update as the trust (admin for sites of other trusts) and waits for it to apply. */
  async function post(update: Record<string, unknown>): Promise<{ seq: number }> {
    const response = await api(board.url, board.adminKey, 'POST', '/updates', update);
    expect(response.status).toBe(202);
    const result = await waitForUpdate(board, response.body.updates[0].id);
    expect(result.state).toBe('applied');
    return result;
  }

  /** Waits until the page has applied `seq` (or later). */
  async function seen(seq: number): Promise<void> {
    await expect.poll(async () => Number(await page.getByTestId('board').getAttribute('data-seq')), POLL).toBeGreaterThanOrEqual(seq);
  }

  beforeAll(async () => {
    [board, chrome] = await Promise.all([startTestBoard(), BoardBrowser.launch()]);
    trustKey = await createKey(board, { role: 'trust', label: 'Portsmouth EPRR', trusts: [FROM.trust] });
    directorKey = await createKey(board, { role: 'director', label: 'Regional director' });
    page = await chrome.newPage();
    await signIn(page, board.url, directorKey, '/');
    await waitForBoard(page, reference.sites.length);
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });

  it('draws a divert arrow while a site diverts, warns when the receiver is under severe pressure, and removes it on re-opening', async () => {
    const arrow = page.locator(`[data-testid="divert-arrow"][data-from="${FROM.code}"]`);
    expect(await arrow.count()).toBe(0);

    const response = await api(board.url, trustKey, 'POST', '/updates', { site: FROM.code, opel: 3, ed: { status: 'divert', divertTo: [TO.code], reason: 'no cubicles' } });
    expect(response.status).toBe(202);
    await arrow.first().waitFor({ timeout: 10_000 });
    expect(await arrow.count()).toBe(1);
    expect(await arrow.getAttribute('data-to')).toBe(TO.code);
    expect(await arrow.getAttribute('data-warning')).toBe('false');

    await post({ site: TO.code, opel: 3 });
    await expect.poll(() => arrow.getAttribute('data-warning'), POLL).toBe('true');
    expect(await arrow.getAttribute('aria-label')).toContain(TO.name);

    await post({ site: FROM.code, ed: { status: 'open' } });
    await expect.poll(() => arrow.count(), POLL).toBe(0);
    expect(await page.locator(`g.marker[data-site="${FROM.code}"]`).getAttribute('aria-label')).toBe(`${FROM.name}: OPEL 3`);
  });

  it('opens the site panel for each London marker when it is clicked', async () => {
    const london = reference.sites.filter((site) => site.region === 'Y56');
    expect(london.length).toBeGreaterThan(20);
    const missed: string[] = [];
    for (const site of london) {
      try {
        // A short timeout: a marker covered by another fails the actionability check.
        await page.locator(`.inset g.marker[data-site="${site.code}"]`).click({ timeout: 2_000 });
        const panel = page.locator(`[data-testid="site-panel"][data-panel-site="${site.code}"]`);
        await panel.waitFor({ timeout: 2_000 });
        await panel.getByText('Loading history…').waitFor({ state: 'detached', timeout: 5_000 });
      } catch (error) {
        missed.push(`${site.code} ${site.name}: ${(error as Error).message.split('\n')[0]}`);
      }
      await page.keyboard.press('Escape');
      await page.getByTestId('site-panel').waitFor({ state: 'detached' });
    }
    expect(missed).toEqual([]);
  });

  it('closes the site panel while its history is still loading without an error', async () => {
    // Hold the history response back so the panel is certainly still loading when it closes.
    await page.route('**/api/v1/sites/*/history*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue().catch(() => undefined);
    });
    try {
      await page.locator(`.inset g.marker[data-site]`).first().click();
      const panel = page.getByTestId('site-panel');
      await panel.getByText('Loading history…').waitFor();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });
      await new Promise((resolve) => setTimeout(resolve, 800));
    } finally {
      await page.unroute('**/api/v1/sites/*/history*');
    }
  });

  it('shows the note as plain text and the site history in the panel', async () => {
    const note = 'Escalation call at 14:00 <b>x</b> & <script>alert(1)</script>';
    await post({ site: NOTE_SITE.code, opel: 2, note: 'first note' });
    const { seq } = await post({ site: NOTE_SITE.code, opel: 4, note });
    await seen(seq);

    await page.locator(`tr[data-site="${NOTE_SITE.code}"] button.site-link`).click();
    const panel = page.locator(`[data-testid="site-panel"][data-panel-site="${NOTE_SITE.code}"]`);
    await panel.waitFor();
    const noteElement = panel.getByTestId('site-note');
    expect(await noteElement.textContent()).toBe(note);
    expect(await noteElement.locator('b, script').count()).toBe(0);

    const entries = panel.getByTestId('history-entry');
    await expect.poll(() => entries.count(), POLL).toBeGreaterThanOrEqual(2);
    // Newest first: the OPEL 4 update, then the OPEL 2 one.
    expect(await entries.first().innerText()).toMatch(/OPEL 4/);
    expect(await entries.nth(1).innerText()).toMatch(/OPEL 2/);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  it('searches, filters and sorts the list view', async () => {
    const total = reference.sites.length;
    const rows = page.locator('[data-testid="site-table"] tbody tr[data-site]');
    const codes = () => rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-site')!));
    const count = page.getByTestId('list-count');

    await page.getByTestId('list-search').fill(NOTE_SITE.name);
    await expect.poll(() => codes(), POLL).toEqual([NOTE_SITE.code]);
    expect(await count.innerText()).toBe(`1 of ${total} sites shown`);
    await page.getByTestId('list-search').fill(PAST_SITE.code.toLowerCase());
    await expect.poll(() => codes(), POLL).toEqual([PAST_SITE.code]);
    await page.getByTestId('list-search').fill('');
    await expect.poll(() => rows.count(), POLL).toBe(total);

    const expectedLevel4 = (await api(board.url, directorKey, 'GET', '/board')).body.sites.filter((s: { severity: number }) => s.severity === 4).map((s: { site: string }) => s.site).sort();
    expect(expectedLevel4).toContain(NOTE_SITE.code);
    await page.getByTestId('list-severity').selectOption('4');
    await expect.poll(async () => (await codes()).sort(), POLL).toEqual(expectedLevel4);
    await page.getByTestId('list-severity').selectOption('all');

    await page.getByTestId('list-region').selectOption('Y56');
    const london = reference.sites.filter((site) => site.region === 'Y56').map((site) => site.code).sort();
    await expect.poll(async () => (await codes()).sort(), POLL).toEqual(london);
    await page.getByTestId('list-region').selectOption('');
    await expect.poll(() => rows.count(), POLL).toBe(total);

    await page.getByTestId('sort-name').click();
    const names = await page.locator('[data-testid="site-table"] tbody tr[data-site] button.site-link').allInnerTexts();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en-GB')));
    expect(names).toHaveLength(total);
    await page.getByTestId('sort-name').click();
    const reversed = await page.locator('[data-testid="site-table"] tbody tr[data-site] button.site-link').allInnerTexts();
    expect(reversed).toEqual([...names].reverse());

    await page.getByTestId('sort-severity').click();
    const severities = await rows.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-site')!));
    const bySite = new Map((await api(board.url, directorKey, 'GET', '/board')).body.sites.map((s: { site: string; severity: number }) => [s.site, s.severity]));
    const levels = severities.map((code) => bySite.get(code) as number);
    expect(levels).toEqual([...levels].sort((a, b) => b - a));
    expect(levels[0]).toBe(4);
  });

  it('shows the board as it was at a past time, marked not live, and returns to live', async () => {
    const marker = page.locator(`g.marker[data-site="${PAST_SITE.code}"]`);
    await post({ site: PAST_SITE.code, opel: 1 });
    const between = new Date(Date.now() + 1_200);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const { seq } = await post({ site: PAST_SITE.code, opel: 4, incident: { level: 'major', reason: 'building fire' } });
    await seen(seq);
    expect(await marker.getAttribute('data-severity')).toBe('4');

    // The time machine is tucked into the toolbar: one click opens it.
    await page.getByTestId('time-machine-toggle').click();
    await page.getByTestId('time-machine-input').fill(ukLocalInput(between));
    await page.getByTestId('time-machine-show').click();
    await page.getByTestId('time-machine-banner').waitFor();
    expect(await page.getByTestId('time-machine-banner').innerText()).toMatch(/Not live/);
    expect(await page.getByTestId('board').getAttribute('data-mode')).toBe('past');
    await expect.poll(() => marker.getAttribute('data-severity'), POLL).toBe('1');
    expect(await marker.getAttribute('aria-label')).toBe(`${PAST_SITE.name}: OPEL 1`);

    await page.getByTestId('time-machine-live').click();
    await page.getByTestId('time-machine-banner').waitFor({ state: 'detached' });
    expect(await page.getByTestId('board').getAttribute('data-mode')).toBe('live');
    await expect.poll(() => marker.getAttribute('data-severity'), POLL).toBe('4');
    expect(await marker.getAttribute('aria-label')).toBe(`${PAST_SITE.name}: OPEL 4, major incident`);
  });

  it('has no serious or critical axe-core violations on the board and the wallboard', async () => {
    const found: string[] = [];
    for (const path of ['/', '/wall']) {
      if (path === '/') {
        await page.goto(`${board.url}/`);
        await waitForBoard(page, reference.sites.length);
      } else {
        await page.goto(`${board.url}/wall`);
        await page.getByTestId('data-as-of').waitFor();
        await waitForBoard(page, reference.sites.length);
      }
      found.push(...(await seriousAxeViolations(page, path)));
    }
    expect(found).toEqual([]);
    // axe-core takes several seconds over 178 markers and rows on a shared machine.
  }, 120_000);
});
