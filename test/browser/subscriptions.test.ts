/**
 * The notifications page in Chromium (SPEC §14): a director lists, adds, tests and
 * deletes subscriptions in the posting page's form conventions, and sees each
 * delivery's state and last error.
 */
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { BoardBrowser, signIn } from '../support/browser.js';
import { api, createKey, startTestBoard, type TestBoard } from '../support/test-board.js';
import { HttpReceiver } from '../support/notification-receivers.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

describe('the notifications page in Chromium', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;
  let receiver: HttpReceiver;
  let page: Page;
  let directorKey: string;

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    [board, chrome] = await Promise.all([startTestBoard({ webhookAllowPrivate: true, webhookAllowHttp: true }), BoardBrowser.launch()]);
    directorKey = await createKey(board, { role: 'director', label: 'SE director', regions: ['Y59'] });
    page = await chrome.newPage();
    await signIn(page, board.url, directorKey);
    // Reached from the header, as a director would.
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByTestId('no-subscriptions').waitFor();
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
    await receiver?.close();
  });

  it('summarises what is missing, with each message beside its field, and adds nothing', async () => {
    await page.getByTestId('subscription-submit').click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    expect(await summary.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(['#s-label', '#s-target']);
    expect(await page.locator('#s-target-error').innerText()).toMatch(/Send to/);
    expect(await page.locator('#s-target').getAttribute('aria-invalid')).toBe('true');
    await summary.locator('a[href="#s-target"]').click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('s-target');
    expect((await api(board.url, directorKey, 'GET', '/subscriptions')).body.subscriptions).toEqual([]);
  });

  it('adds a webhook subscription, shows its secret once, sends a test and shows it delivered', async () => {
    // The director's key covers one region, so that is the only one offered.
    expect(await page.locator('#s-regions input').count()).toBe(1);
    await page.locator('#s-label').fill('SE on-call');
    await page.locator('#s-target').fill(receiver.url('/page'));
    await page.locator('#s-kinds input[value="stale"]').uncheck();
    await page.getByTestId('subscription-submit').click();
    const result = page.getByTestId('subscription-result');
    await result.waitFor();
    const secret = await page.getByTestId('subscription-secret').innerText();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const item = page.getByTestId('subscription');
    await item.waitFor();
    expect(await item.innerText()).toContain('South East');
    const [stored] = (await api(board.url, directorKey, 'GET', '/subscriptions')).body.subscriptions;
    expect(stored).toMatchObject({ label: 'SE on-call', regions: ['Y59'] });
    expect(stored.kinds).not.toContain('stale');

    await item.getByTestId('subscription-test').click();
    await page.locator('[data-testid="delivery"][data-state="delivered"]').waitFor({ timeout: 15_000 });
    const [request] = receiver.at('/page');
    expect(request!.json.type).toBe('test');
    // The secret shown on the page is the one the signature is made with.
    expect(request!.headers['x-pb-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${request!.headers['x-pb-timestamp']}.${request!.rawBody}`).digest('hex')}`);
  });

  it('shows a failed delivery with its last error, and the subscription stopped after 410 Gone', async () => {
    receiver.respond('/page', () => ({ status: 410 }));
    const item = page.getByTestId('subscription');
    await item.getByTestId('subscription-test').click();
    const failed = page.locator('[data-testid="delivery"][data-state="failed"]');
    await failed.waitFor({ timeout: 15_000 });
    expect(await failed.innerText()).toMatch(/HTTP 410/);
    await page.getByTestId('subscription-status').filter({ hasText: 'Stopped' }).waitFor({ timeout: 10_000 });
  });

  it('has no serious or critical axe-core violations', async () => {
    // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays on.
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
      const run = await axe.run(document, { resultTypes: ['violations'] });
      return run.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id);
    });
    expect(violations).toEqual([]);
  });

  it('deletes a subscription after asking once more', async () => {
    const item = page.getByTestId('subscription');
    await item.getByTestId('subscription-delete').click();
    await item.getByTestId('subscription-delete-confirm').click();
    await page.getByTestId('no-subscriptions').waitFor();
    expect((await api(board.url, directorKey, 'GET', '/subscriptions')).body.subscriptions).toEqual([]);
  });
});
