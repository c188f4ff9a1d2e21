import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/** Debian's Chromium; playwright-core drives it without downloading a browser of its own. */
export const CHROMIUM_PATH = process.env.PB_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet and deterministic on a CI box. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * One Chromium for a test file, watching every page it opens: a `console.error` or an
 * uncaught exception on any page is recorded, and `assertClean()` (call it in
 * `afterEach`) fails the test that caused it. Errors the test provokes on purpose
 * (a 401 from a wrong key, refused connections while the server is down) are let
 * through only inside `expectingErrors`, and only when they match.
 *
 * @example
 * const chrome = await BoardBrowser.launch();
 * afterEach(() => chrome.assertClean());
 * const page = await chrome.signedInPage(board.url, directorKey);
 */
export class BoardBrowser {
  readonly #browser: Browser;
  readonly #contexts: BrowserContext[] = [];
  #problems: string[] = [];
  #allowed: RegExp[] = [];

  private constructor(browser: Browser) {
    this.#browser = browser;
  }

  static async launch(extraArgs: string[] = []): Promise<BoardBrowser> {
    return new BoardBrowser(await launchChromium(extraArgs));
  }

  get browser(): Browser {
    return this.#browser;
  }

  /** A fresh context (its own cookies, so its own session) with one watched page. */
  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.#browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', ...options });
    this.#contexts.push(context);
    const page = await context.newPage();
    this.watch(page);
    return page;
  }

  /** Records console errors and uncaught exceptions of `page`. */
  watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (this.#allowed.some((pattern) => pattern.test(text))) return;
      this.#problems.push(`console.error on ${page.url()}: ${text}`);
    });
    page.on('pageerror', (error) => {
      this.#problems.push(`uncaught ${error.name} on ${page.url()}: ${error.message}\n${error.stack ?? ''}`);
    });
  }

  /** Runs `action` while console errors matching `patterns` are expected, not failures. */
  async expectingErrors<T>(patterns: RegExp[], action: () => Promise<T>): Promise<T> {
    this.#allowed = [...this.#allowed, ...patterns];
    try {
      return await action();
    } finally {
      this.#allowed = this.#allowed.filter((pattern) => !patterns.includes(pattern));
    }
  }

  /** Throws (failing the current test) when any watched page logged an error since the last check. */
  assertClean(): void {
    const problems = this.#problems;
    this.#problems = [];
    if (problems.length > 0) throw new Error(`the browser reported ${problems.length} error(s):\n${problems.join('\n')}`);
  }

  /**
   * A new context signed in with `key`, on `path` when given (otherwise wherever
   * sign-in sent it).
   */
  async signedInPage(baseUrl: string, key: string, path?: string, options: BrowserContextOptions = {}): Promise<Page> {
    const page = await this.newPage(options);
    await signIn(page, baseUrl, key, path);
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.#contexts) await context.close().catch(() => undefined);
    await this.#browser.close();
  }
}

/**
 * Signs in through the real form and waits until the app has left `/signin`; then goes
 * to `path` when given. Returns the path sign-in landed on.
 */
export async function signIn(page: Page, baseUrl: string, key: string, path?: string): Promise<string> {
  await page.goto(`${baseUrl}/signin`);
  await page.locator('#key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  try {
    await page.waitForURL((url) => url.pathname !== '/signin', { timeout: 10_000 });
  } catch (error) {
    const problem = await page.getByTestId('signin-error').innerText({ timeout: 100 }).catch(() => 'no sign-in error shown');
    throw new Error(`sign-in did not leave /signin (${problem})`, { cause: error });
  }
  const landed = new URL(page.url()).pathname;
  if (path !== undefined && path !== landed) await page.goto(`${baseUrl}${path}`);
  return landed;
}

/** Waits until the board page has its 178 (or `count`) markers drawn and its socket is live. */
export async function waitForBoard(page: Page, count: number): Promise<void> {
  await page.locator('g.marker[data-site]').nth(count - 1).waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="connection-state"][data-state="live"]').first().waitFor({ timeout: 15_000 });
}

/** The UK wall-clock time of `instant` as a `datetime-local` value with seconds. */
export function ukLocalInput(instant: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}
