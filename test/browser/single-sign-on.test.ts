/**
 * Single sign-on in Chromium against a real OpenID Connect provider (oidc-provider) in
 * this process: "Sign in with your organisation", sign in at the provider, land on the
 * board with the role the groups map to; a person whose groups map to nothing is
 * refused; signing out ends the board session (the old cookie is refused, the live
 * socket drops within 5 s) and the provider's session too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { io } from 'socket.io-client';
import { BOARD_NAMESPACE, OIDC_CALLBACK_PATH, oidcRoleMapSchema, SIGNED_OUT_PATH } from '@pb/shared';
import { freePort } from '@pb/shared/node';
import { BoardBrowser, waitForBoard } from '../support/browser.js';
import { seriousAxeViolations } from './axe.js';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import { api, reference, startTestBoard, type BoardClient, type TestBoard } from '../support/test-board.js';

const POLL = { timeout: 10_000, interval: 50 };
const SITE = reference.byCode.get('RHU03')!;
const SOUTH_EAST = reference.sites.filter((site) => site.region === 'Y59');

const ACCOUNTS = {
  'jane.director': { name: 'Jane Director', email: 'jane.director@example.nhs.uk', groups: ['All staff', 'SE incident directors'] },
  'fin.clerk': { name: 'Finn Clerk', email: 'finn.clerk@example.nhs.uk', groups: ['Finance', 'Payroll'] },
};

/** The board's single sign-on mapping: group names as this provider releases them. */
const ROLE_MAP = oidcRoleMapSchema.parse({
  'SE incident directors': { role: 'director', regions: ['Y59'] },
  'All staff': { role: 'display' },
});

describe('single sign-on in Chromium', () => {
  let idp: TestOidcProvider;
  let board: TestBoard;
  let plain: TestBoard;
  let chrome: BoardBrowser;
  /** The board as people open it: `localhost`, a different site from the provider's 127.0.0.1. */
  let boardUrl: string;
  let director: Page;

  /** Clicks "Sign in with your organisation" and signs in at the provider as `username`. */
  async function signInAtProvider(page: Page, username: string): Promise<void> {
    await page.goto(`${boardUrl}/signin`);
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${idp.issuer}/interaction/`));
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('any password will do');
    await page.getByRole('button', { name: 'Sign in at the provider' }).click();
  }

  beforeAll(async () => {
    const port = await freePort();
    boardUrl = `http://localhost:${port}`;
    idp = await startOidcProvider({ redirectUri: `${boardUrl}${OIDC_CALLBACK_PATH}`, postLogoutRedirectUri: `${boardUrl}${SIGNED_OUT_PATH}`, accounts: ACCOUNTS });
    const oidc = { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, scopes: ['openid', 'profile', 'email'], roleClaims: ['roles', 'groups'], roleMap: ROLE_MAP };
    [board, plain, chrome] = await Promise.all([
      startTestBoard({ port, publicUrl: boardUrl, oidc }),
      startTestBoard({}, { workers: false }),
      BoardBrowser.launch(),
    ]);
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await Promise.all([board?.close(), plain?.close()]);
    await idp?.close();
  });

  it('offers “Sign in with your organisation” above the key form, only where it is configured', async () => {
    expect((await api(boardUrl, undefined, 'GET', '/session/methods')).body).toEqual({ key: true, oidc: true });
    expect((await api(plain.url, undefined, 'GET', '/session/methods')).body).toEqual({ key: true, oidc: false });

    const page = await chrome.newPage();
    await page.goto(`${boardUrl}/signin`);
    const button = page.getByRole('link', { name: 'Sign in with your organisation' });
    await button.waitFor();
    // Above the key form, which stays for wallboards and systems.
    const buttonBox = (await button.boundingBox())!;
    const keyBox = (await page.locator('#key').boundingBox())!;
    expect(buttonBox.y).toBeLessThan(keyBox.y);
    expect(await seriousAxeViolations(page, 'sign-in with single sign-on')).toEqual([]);

    const keysOnly = await chrome.newPage();
    await keysOnly.goto(`${plain.url}/signin`);
    await keysOnly.locator('#key').waitFor();
    await keysOnly.waitForLoadState('networkidle');
    expect(await keysOnly.getByRole('link', { name: 'Sign in with your organisation' }).count()).toBe(0);
    const unconfigured = await api(plain.url, undefined, 'GET', '/session/oidc', undefined, { accept: 'application/json' });
    expect(unconfigured.status).toBe(404);
    expect(unconfigured.body.error.code).toBe('not_configured');
  });

  it('signs a director in at the provider and lands them on the board with the mapped role and regions', async () => {
    director = await chrome.newPage();
    await signInAtProvider(director, 'jane.director');
    await director.waitForURL((url) => url.href === `${boardUrl}/`, { timeout: 15_000 });
    await waitForBoard(director, SOUTH_EAST.length);
    expect(await director.getByTestId('signed-in-as').innerText()).toBe('Signed in as Jane Director (Incident director)');

    const me = await director.evaluate(async () => (await fetch('/api/v1/me')).json());
    expect(me).toEqual({ id: expect.stringMatching(/^sso_[A-Za-z0-9_-]{22}$/), role: 'director', label: 'Jane Director', regions: ['Y59'] });
    // Region-scoped as a key would be: the South East only.
    expect(await director.locator('tr[data-site]').count()).toBe(SOUTH_EAST.length);

    // The session cookie is the board's usual one.
    const cookie = (await director.context().cookies(boardUrl)).find((c) => c.name === 'pb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect((await director.context().cookies(`${boardUrl}${OIDC_CALLBACK_PATH}`)).some((c) => c.name === 'pb_oidc_flow')).toBe(false);

    const audit = await api(board.url, board.adminKey, 'GET', '/audit');
    expect(audit.body.entries).toContainEqual(expect.objectContaining({
      action: 'session.started',
      actor: 'Jane Director',
      actorKeyId: me.id,
      detail: expect.stringMatching(/single sign-on as director \(jane\.director@example\.nhs\.uk, subject jane\.director, .*granted by SE incident directors\)/),
    }));
  });

  it('lets the signed-in director acknowledge an alert in their region, as themselves', async () => {
    expect(SITE.region).toBe('Y59');
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', { site: SITE.code, incident: { level: 'critical', reason: 'IT outage' } });
    expect(posted.status).toBe(202);
    const item = director.locator(`[data-testid="alert-item"][data-alert-site="${SITE.code}"][data-kind="critical_incident"]`);
    await item.waitFor({ timeout: POLL.timeout });
    await item.getByTestId('ack-button').click();
    await expect.poll(() => item.getAttribute('data-acknowledged'), POLL).toBe('true');
    const alerts = await api(board.url, board.adminKey, 'GET', '/alerts');
    expect(alerts.body.alerts.find((alert: { site: string; kind: string }) => alert.site === SITE.code && alert.kind === 'critical_incident')).toMatchObject({ acknowledgedBy: 'Jane Director' });
  });

  it('refuses a person whose groups map to no board role, with a page that says why, and audits it', async () => {
    const page = await chrome.newPage();
    const callback = page.waitForResponse((response) => response.url().startsWith(`${boardUrl}${OIDC_CALLBACK_PATH}`));
    await chrome.expectingErrors([/status of 403/], async () => {
      await signInAtProvider(page, 'fin.clerk');
      expect((await callback).status()).toBe(403);
      await page.getByTestId('sign-in-refused').waitFor();
    });
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('You do not have access to Pressure Board');
    expect(await page.getByTestId('sign-in-refused').innerText()).toMatch(/You signed in as Finn Clerk, but none of your organisation’s groups or roles gives access/);
    expect((await page.context().cookies(boardUrl)).some((c) => c.name === 'pb_session')).toBe(false);

    // The way back is the sign-in page, where a key still works.
    await page.getByRole('link', { name: 'Back to sign in' }).click();
    await page.waitForURL(`${boardUrl}${SIGNED_OUT_PATH}`);

    const audit = await api(board.url, board.adminKey, 'GET', '/audit');
    expect(audit.body.entries).toContainEqual(expect.objectContaining({
      action: 'session.refused',
      actor: 'Finn Clerk',
      detail: expect.stringMatching(/single sign-on: no mapped group or role \(finn\.clerk@example\.nhs\.uk, .*roles, groups: Finance, Payroll\)/),
    }));
  });

  it('refuses a callback that this browser did not start, or that was already used', async () => {
    const forged = await api(boardUrl, undefined, 'GET', `/session/oidc/callback?code=stolen&state=guess`, undefined, { accept: 'application/json' });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('sign_in_expired');
    expect(forged.headers.get('set-cookie') ?? '').not.toMatch(/pb_session=[^;]/);
  });

  it('signs out at the board and at the provider: the old cookie is refused and live sockets drop within 5 s', { timeout: 60_000 }, async () => {
    const sessionCookie = `pb_session=${(await director.context().cookies(boardUrl)).find((c) => c.name === 'pb_session')!.value}`;
    // A second tab of the same browser, and a socket.io client holding the same cookie.
    const otherTab = await director.context().newPage();
    chrome.watch(otherTab);
    await otherTab.goto(`${boardUrl}/`);
    await waitForBoard(otherTab, SOUTH_EAST.length);
    const socket: BoardClient = io(`${boardUrl}${BOARD_NAMESPACE}`, { transports: ['websocket'], extraHeaders: { cookie: sessionCookie, origin: boardUrl }, reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const dropped = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));

    await chrome.expectingErrors([/status of 401/], async () => {
      const signedOutAt = Date.now();
      await director.getByRole('button', { name: 'Sign out' }).click();
      // The provider asks whether to sign out there too, then sends the browser back to /signin.
      await director.waitForURL((url) => url.href.startsWith(`${idp.issuer}/session/end`));
      await director.getByRole('button', { name: 'Yes, sign me out' }).click();
      await director.waitForURL(`${boardUrl}${SIGNED_OUT_PATH}`);

      expect((await dropped) - signedOutAt).toBeLessThan(5_000);
      await expect.poll(() => otherTab.getByTestId('connection-state').getAttribute('data-state'), POLL).not.toBe('live');
      await otherTab.waitForURL(`${boardUrl}${SIGNED_OUT_PATH}`, { timeout: 10_000 });
    });
    socket.close();

    const withOldCookie = await api(boardUrl, undefined, 'GET', '/me', undefined, { cookie: sessionCookie });
    expect(withOldCookie.status).toBe(401);

    // The provider's session ended too: signing in again asks for the username.
    await director.getByRole('link', { name: 'Sign in with your organisation' }).click();
    await director.waitForURL((url) => url.href.startsWith(`${idp.issuer}/interaction/`));
    await director.getByLabel('Username').waitFor();
  });
});
