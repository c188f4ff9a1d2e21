/**
 * The posting page for trust staff: only their own sites, a validation message next to
 * the field that is wrong (with a summary), and a confirmation once the board applied it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardBrowser, signIn } from '../support/browser.js';
import { api, createKey, reference, startTestBoard, type TestBoard } from '../support/test-board.js';

const TRUST = 'R1H'; // Barts Health: three sites
const OWN = reference.byTrust.get(TRUST)!;

describe('the posting page in Chromium', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;
  let page: Page;

  beforeAll(async () => {
    [board, chrome] = await Promise.all([startTestBoard(), BoardBrowser.launch()]);
    const trustKey = await createKey(board, { role: 'trust', label: 'Barts EPRR', trusts: [TRUST] });
    page = await chrome.newPage();
    await signIn(page, board.url, trustKey, '/post');
    await page.locator('#f-site option').first().waitFor({ state: 'attached' });
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });

  it('lists only the trust\'s own sites', async () => {
    expect(OWN.length).toBeGreaterThan(1);
    const offered = await page.locator('#f-site option').evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(offered.sort()).toEqual(OWN.map((site) => site.code).sort());
  });

  it('puts a message next to an out-of-range metric and summarises it, without posting', async () => {
    const site = OWN[0]!;
    await page.locator('#f-site').selectOption(site.code);
    await page.locator('#f-metrics-fourHourPct').fill('150');
    await page.getByTestId('post-submit').click();

    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    // The summary takes the focus, so it is read out first.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('error-summary');
    const link = summary.locator('a[href="#f-metrics-fourHourPct"]');
    expect(await link.count()).toBe(1);
    expect(await link.innerText()).toMatch(/4.hour/i);

    // The message sits in the same field as the input and is tied to it.
    const field = page.locator('.field', { has: page.locator('#f-metrics-fourHourPct') });
    const message = field.locator('#f-metrics-fourHourPct-error');
    expect(await message.isVisible()).toBe(true);
    expect(await message.innerText()).toMatch(/100/);
    expect(await page.locator('#f-metrics-fourHourPct').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-metrics-fourHourPct').getAttribute('aria-describedby')).toContain('f-metrics-fourHourPct-error');
    expect(await page.getByTestId('post-result').count()).toBe(0);

    const status = await api(board.url, board.adminKey, 'GET', `/sites/${site.code}`);
    expect(status.body.observedAt).toBeNull();

    // Following the summary's link puts the cursor in the field.
    await link.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-metrics-fourHourPct');
  });

  it('confirms a valid post once the board has applied it', async () => {
    const site = OWN[0]!;
    await page.locator('#f-metrics-fourHourPct').fill('61.2');
    await page.locator('input[name="opel"][value="3"]').check();
    await page.locator('#f-incident-level').selectOption('business_continuity');
    await page.locator('#f-note').fill('Two ambulance bays closed for works');
    await page.getByTestId('post-submit').click();

    const result = page.getByTestId('post-result');
    await page.locator('[data-testid="post-result"][data-state="applied"]').waitFor({ timeout: 15_000 });
    expect(await result.innerText()).toContain(site.name);
    expect(await page.getByTestId('error-summary').count()).toBe(0);

    const status = await api(board.url, board.adminKey, 'GET', `/sites/${site.code}`);
    expect(status.body).toMatchObject({
      opel: 3,
      incident: { level: 'business_continuity' },
      metrics: { fourHourPct: 61.2 },
      note: 'Two ambulance bays closed for works',
      actor: 'Barts EPRR',
    });
    expect(status.body.source).toBe('form');
  });

  it('summarises what a derogation request lacks, each problem a link to its field, and confirms the request once sent', async () => {
    await page.getByTestId('derogation-submit').click();
    const summary = page.getByTestId('derogation-error-summary');
    await summary.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('derogation-error-summary');
    expect(await summary.locator('h3').innerText()).toBe('There is a problem');
    expect(await summary.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(['#d-service', '#d-staffRequested']);
    await summary.locator('a[href="#d-service"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('d-service');

    await page.locator('#d-service').fill('ICU');
    await page.locator('#d-staffRequested').fill('4 registered nurses for the night shift');
    await page.getByTestId('derogation-submit').click();
    const result = page.getByTestId('derogation-result');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.innerText()).toContain('ICU');
    expect(await summary.count()).toBe(0);
  });
});
