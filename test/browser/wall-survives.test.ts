/**
 * A wallboard is left running for weeks (issue: screens that run for weeks). It must
 * ride out a server restart, a Redis restart, and both at once (a deploy during Redis
 * maintenance) without a reload or a sign-in, and show the newest data afterwards,
 * including an update made while it was still reconnecting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { createLogger, freePort, type Config } from '@pb/shared/node';
import { startServer, type RunningServer } from '../../server/src/start-server.js';
import { startWorkers, type RunningWorkers } from '../../workers/src/start-workers.js';
import { BoardBrowser, signIn } from '../support/browser.js';
import { api, createKey, deletePrefix, eventually, reference, testConfig, uniquePrefix, waitForUpdate } from '../support/test-board.js';

const POLL = { timeout: 30_000, interval: 100 };
/** Client back-off is at most 4 s; allow a few attempts and the catch-up on a loaded machine. */
const RECOVERY_MS = 30_000;
/** What Chromium logs while the server is away: refused polls and failed WebSocket opens. */
const OUTAGE_ERRORS = [/ERR_CONNECTION_REFUSED/, /WebSocket connection to .* failed/, /ERR_CONNECTION_RESET/, /ERR_EMPTY_RESPONSE/, /503/];
const LONDON = reference.sites.filter((site) => site.region === 'Y56');

/** A Redis of this test's own, append-only file on, that the test stops and starts. */
class PrivateRedis {
  #child: ChildProcess | undefined;
  constructor(readonly port: number, readonly dir: string) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.#child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    await eventually(async () => {
      const probe = spawn('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'ignore' });
      return new Promise<boolean>((resolve) => probe.on('exit', (code) => resolve(code === 0)));
    }, 15_000, 'redis to start');
  }
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

describe('a wallboard that runs for weeks', () => {
  const logger = createLogger('test', 'silent');
  const prefix = uniquePrefix('wall-survives');
  let dir: string;
  let redis: PrivateRedis;
  let config: Config;
  let workers: RunningWorkers;
  let server: RunningServer;
  let url: string;
  let chrome: BoardBrowser;
  let adminKey: string;
  let wall: Page;
  let round = 0;

  /** Posts a new OPEL level and note for a London site (202), without waiting for it to apply. */
  async function postFor(site: string): Promise<{ id: string; note: string }> {
    round++;
    const note = `round ${round}`;
    const response = await api(url, adminKey, 'POST', '/updates', { site, opel: (round % 4) + 1, note });
    expect(response.status).toBe(202);
    return { id: response.body.updates[0].id as string, note };
  }

  /** The wall shows `site` at the OPEL level its latest update gave. */
  async function expectWallShows(site: string, id: string): Promise<void> {
    const applied = await waitForUpdate({ url, adminKey }, id, 30_000);
    expect(applied.state).toBe('applied');
    const board = (await api(url, adminKey, 'GET', `/sites/${site}`)).body;
    await expect.poll(() => wall.locator(`g.marker[data-site="${site}"]`).getAttribute('data-severity'), POLL).toBe(String(board.opel));
  }

  /** Not reloaded (the mark set on the first load is still there) and still signed in on /wall. */
  async function expectSamePageStillSignedIn(): Promise<void> {
    expect(await wall.evaluate(() => (window as unknown as { pbLoadedOnce?: boolean }).pbLoadedOnce)).toBe(true);
    expect(new URL(wall.url()).pathname).toBe('/wall');
    await wall.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: RECOVERY_MS });
    await wall.getByTestId('connection-lost').waitFor({ state: 'detached', timeout: 10_000 });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pb-wall-redis-'));
    redis = new PrivateRedis(await freePort(), dir);
    await redis.start();
    config = testConfig(prefix, { redisUrl: redis.url });
    adminKey = config.adminKey!;
    workers = await startWorkers(config, reference, logger);
    server = await startServer(config, reference, logger);
    // Pin the port, so a restarted server comes back at the same address.
    config = { ...config, port: server.port };
    url = `http://127.0.0.1:${server.port}`;
    chrome = await BoardBrowser.launch();
    const displayKey = await createKey({ url, adminKey }, { role: 'display', label: 'Control room wall' });
    const first = await postFor(LONDON[0]!.code);
    await waitForUpdate({ url, adminKey }, first.id);
    wall = await chrome.newPage();
    await signIn(wall, url, displayKey, '/wall?region=Y56');
    await wall.locator('[data-testid="connection-state"][data-state="live"]').waitFor({ timeout: 15_000 });
    await wall.evaluate(() => {
      (window as unknown as { pbLoadedOnce?: boolean }).pbLoadedOnce = true;
    });
  }, 120_000);
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await server?.close().catch(() => undefined);
    await workers?.close().catch(() => undefined);
    const cleanup = new Redis(redis.url);
    await deletePrefix(cleanup, prefix).catch(() => undefined);
    await cleanup.quit();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('rides out a server restart and shows an update made while it was reconnecting', async () => {
    const site = LONDON[1]!.code;
    const posted = await chrome.expectingErrors(OUTAGE_ERRORS, async () => {
      await server.close();
      await wall.getByTestId('connection-lost').waitFor({ timeout: 15_000 });
      server = await startServer(config, reference, logger);
      expect(server.port).toBe(config.port);
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
      const refused = await api(url, adminKey, 'POST', '/updates', { site, opel: 4 });
      expect(refused.status).toBe(503);
      await redis.start();
      await eventually(async () => (await api(url, adminKey, 'GET', '/board')).status === 200, 30_000, 'the server to read the board again');
    });
    const posted = await postFor(site);
    await expectSamePageStillSignedIn();
    await expectWallShows(site, posted.id);
  }, 120_000);

  it('rides out a deploy during Redis maintenance (server down, Redis restarted, server up)', async () => {
    const site = LONDON[3]!.code;
    const posted = await chrome.expectingErrors(OUTAGE_ERRORS, async () => {
      await server.close();
      await wall.getByTestId('connection-lost').waitFor({ timeout: 15_000 });
      await redis.stop();
      await redis.start();
      server = await startServer(config, reference, logger);
      const update = await postFor(site);
      await expectSamePageStillSignedIn();
      return update;
    });
    await expectWallShows(site, posted.id);
    // The wall kept every London site through all three outages.
    expect(await wall.locator('g.marker[data-site]').count()).toBe(LONDON.length);
  }, 120_000);
});
