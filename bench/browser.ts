/// <reference lib="dom" />
/**
 * The board in a real Chromium (SPEC §9 "a board of all England sites rendering and
 * staying smooth under a burst of updates; no memory growth on a wallboard left
 * running"), each beside a floor measured in the same browser and run:
 *
 * - time to the first full board (every marker in the DOM and painted), median of 5
 *   (`BENCH_RUNS`), at 178 sites (target < 1 s) and at 10,000 synthetic sites more
 *   (target < 3 s) — floor: a bare page that fetches the same `/api/v1/sites` and draws
 *   one plain SVG circle per site;
 * - long tasks and rAF frame times on a 1920×1080 dashboard while updates arrive for
 *   `BENCH_SECONDS`: 100 updates/s on 178 sites (target: no long task, i.e. none over
 *   50 ms) and 10 updates/s on 10,178 sites (target: none over 100 ms) — floor: the same
 *   page with no updates arriving;
 * - JS heap of `/wall` after `gc()`, before and after `BENCH_WALL_MINUTES` of updates;
 * - gzipped JS + CSS of `client/dist/assets` without the lazily loaded geometry chunk.
 *
 * `BENCH_BROWSER_PARTS` (comma-separated, default all) runs only some of them: `first`
 * and `burst` at 178 sites, `wall` (the heap run) and `large` (both at 10,178 sites).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadReferenceData } from '@pb/shared/node';
import type { Site } from '@pb/shared';
import { launchChromium, signIn } from '../test/support/browser.js';
import { atRate, percentile, startBenchRedis, startBoardProcesses, type BoardProcesses } from './board-processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WALL_MINUTES = Number(process.env.BENCH_WALL_MINUTES ?? 30);
const WALL_RATE = Number(process.env.BENCH_WALL_RATE ?? 50);
const BURST_RATE = 100;
/** The rate a whole-system board of 10,000 sites must stay usable at. */
const LARGE_RATE = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SYNTHETIC_SITES = 10_000;
const PARTS = new Set((process.env.BENCH_BROWSER_PARTS ?? 'first,burst,wall,large').split(',').map((part) => part.trim()));
/** A board that takes longer than this to draw is reported as failed, not waited for. */
const FIRST_BOARD_LIMIT_MS = 240_000;
const ASSETS = fileURLToPath(new URL('../client/dist/assets/', import.meta.url));

const TARGET_FIRST_BOARD_MS = 1_000;
const TARGET_LARGE_FIRST_BOARD_MS = 3_000;
const TARGET_LONG_TASK_MS = 50;
const TARGET_LARGE_LONG_TASK_MS = 100;
const TARGET_HEAP_GROWTH_PCT = 10;
const TARGET_BUNDLE_KB = 150;

interface Row {
  [key: string]: string | number;
}

type Timing = { domMs: number; paintMs: number };

/** One long animation frame (Chromium's `long-animation-frame` entry), split into where its time went. */
interface LongFrame {
  duration: number;
  /** Script run in the frame, by what invoked it (`socket.io message`, `FrameRequestCallback`, …). */
  scripts: { invoker: string; duration: number; forcedLayout: number }[];
  /** From the start of rendering (rAF callbacks, style, layout, paint) to the frame's end. */
  render: number;
  styleAndLayout: number;
}

declare global {
  interface Window {
    pbFirstBoard?: Promise<Timing>;
    pbPerf?: { longTasks: number[]; frames: number[]; longFrames: LongFrame[]; running: boolean };
    gc?: () => void;
  }
  interface Performance {
    memory?: { usedJSHeapSize: number };
  }
}

const row = (measure: string, sites: number | string, result: string, target: string, floor: string, meets: boolean | null): Row => ({
  measure,
  sites,
  result,
  target,
  floor,
  meets: meets === null ? '—' : meets ? 'yes' : 'NO',
});

const median = (values: number[]): number => percentile([...values].sort((a, b) => a - b), 50);
const ms = (value: number): string => `${value.toFixed(0)} ms`;

/** Gzipped size of each JS and CSS file the board loads up front (the geometry chunk comes later). */
export function bundleSizes(): { upFrontKb: number; geometryKb: number; files: string[] } {
  let files: string[];
  try {
    files = readdirSync(ASSETS).filter((name) => /\.(js|css)$/.test(name));
  } catch {
    throw new Error(`no ${ASSETS}: run \`npm run build -w client\` first`);
  }
  let upFront = 0;
  let geometry = 0;
  for (const name of files) {
    const size = gzipSync(readFileSync(join(ASSETS, name)), { level: 9 }).length;
    if (name.startsWith('geometry-')) geometry += size;
    else upFront += size;
  }
  return { upFrontKb: upFront / 1024, geometryKb: geometry / 1024, files };
}

/**
 * Resolves `window.pbFirstBoard` once `expected` markers are in the DOM (`domMs`) and the
 * frame after it has been produced (`paintMs`), both from navigation start.
 */
function watchFirstBoard(expected: number): void {
  const markers = document.getElementsByClassName('marker');
  window.pbFirstBoard = new Promise<Timing>((resolve) => {
    const observer = new MutationObserver(() => {
      if (markers.length < expected) return;
      observer.disconnect();
      const domMs = performance.now();
      requestAnimationFrame(() => setTimeout(() => resolve({ domMs, paintMs: performance.now() }), 0));
    });
    observer.observe(document, { childList: true, subtree: true });
  });
}

/** A page that draws one plain circle per site from `/api/v1/sites`: the floor of a first render. */
const FLOOR_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head><body>
<svg id="map" viewBox="0 0 600 720" width="600" height="720"></svg>
<script>
fetch('/api/v1/sites', { credentials: 'same-origin' }).then((r) => r.json()).then((body) => {
  const svg = document.getElementById('map');
  const ns = 'http://www.w3.org/2000/svg';
  const fragment = document.createDocumentFragment();
  for (const site of body.sites) {
    const c = document.createElementNS(ns, 'circle');
    c.setAttribute('class', 'marker');
    c.setAttribute('data-site', site.code);
    c.setAttribute('cx', String((site.lon + 6) * 75));
    c.setAttribute('cy', String((56 - site.lat) * 110));
    c.setAttribute('r', '5');
    fragment.appendChild(c);
  }
  svg.appendChild(fragment);
});
</script></body></html>`;

async function timeFirstBoard(context: BrowserContext, url: string, expected: number, floor: boolean): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await context.newPage();
    await page.addInitScript(watchFirstBoard, expected);
    if (floor) await page.route(`${url}/__floor`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: FLOOR_PAGE }));
    await page.goto(floor ? `${url}/__floor` : `${url}/`, { waitUntil: 'commit' });
    const timing = page.evaluate(() => window.pbFirstBoard!, undefined);
    const limit = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${expected} markers not drawn within ${FIRST_BOARD_LIMIT_MS} ms`)), FIRST_BOARD_LIMIT_MS).unref());
    timings.push(await Promise.race([timing, limit]));
    await page.close();
  }
  return timings;
}

async function firstBoardRows(context: BrowserContext, url: string, sites: number): Promise<Row[]> {
  const board = await timeFirstBoard(context, url, sites, false);
  const floor = await timeFirstBoard(context, url, sites, true);
  const paint = median(board.map((t) => t.paintMs));
  const floorPaint = median(floor.map((t) => t.paintMs));
  const target = sites <= 178 ? TARGET_FIRST_BOARD_MS : TARGET_LARGE_FIRST_BOARD_MS;
  return [
    row(
      `first full board, navigation → all markers painted (median of ${RUNS}; DOM ${ms(median(board.map((t) => t.domMs)))})`,
      sites,
      `${ms(paint)} (runs ${board.map((t) => t.paintMs.toFixed(0)).join(', ')})`,
      `< ${target} ms`,
      `${ms(floorPaint)} bare page, ${sites} plain circles from /api/v1/sites (×${(paint / floorPaint).toFixed(1)})`,
      paint < target,
    ),
  ];
}

/**
 * Posts one random update for one of `sites`, as the admin, and returns its HTTP status,
 * or 0 when the connection failed (counted as not accepted rather than ending the run).
 */
async function postRandomUpdate(board: BoardProcesses, sites: Site[], i: number): Promise<number> {
  const site = sites[Math.floor(Math.random() * sites.length)]!;
  const update: Record<string, unknown> = { site: site.code, opel: (i % 4) + 1, metrics: { longestWaitHours: i % 12, handoverMeanMin: (i * 7) % 180 } };
  if (i % 10 === 0) update.incident = { level: i % 20 === 0 ? 'critical' : 'none' };
  if (i % 7 === 0) update.note = `bench update ${i}`;
  try {
    const response = await fetch(`${board.url}/api/v1/updates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${board.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Records long tasks and rAF frame intervals into `window.pbPerf`. A string, because
 * tsx (esbuild) wraps named inner functions in a `__name` helper the page does not have.
 */
const START_PERF_RECORDING = `(() => {
  const perf = { longTasks: [], frames: [], longFrames: [], running: true };
  window.pbPerf = perf;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perf.longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
  new PerformanceObserver((list) => {
    if (!perf.running) return;
    for (const f of list.getEntries()) {
      if (f.duration <= 50) continue;
      const end = f.startTime + f.duration;
      perf.longFrames.push({
        duration: f.duration,
        scripts: f.scripts.map((s) => ({ invoker: s.invokerType + ' ' + (s.invoker || '').slice(0, 40), duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration })),
        render: f.renderStart ? end - f.renderStart : 0,
        styleAndLayout: f.styleAndLayoutStart ? end - f.styleAndLayoutStart : 0,
      });
    }
  }).observe({ type: 'long-animation-frame' });
  let last = performance.now();
  const frame = (now) => {
    perf.frames.push(now - last);
    last = now;
    if (perf.running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

function stopPerfRecording(): { longTasks: number[]; frames: number[]; longFrames: LongFrame[] } {
  const perf = window.pbPerf!;
  perf.running = false;
  return { longTasks: perf.longTasks, frames: perf.frames.slice(1), longFrames: perf.longFrames };
}

/** Where the long frames' time went: script by invoker, forced layout, rendering (style, layout, paint). */
function describeLongFrames(frames: LongFrame[]): string {
  if (frames.length === 0) return 'no frame over 50 ms';
  const total = frames.reduce((sum, f) => sum + f.duration, 0);
  const byInvoker = new Map<string, number>();
  let forced = 0;
  for (const frame of frames) {
    for (const script of frame.scripts) {
      byInvoker.set(script.invoker, (byInvoker.get(script.invoker) ?? 0) + script.duration);
      forced += script.forcedLayout;
    }
  }
  const render = frames.reduce((sum, f) => sum + f.render, 0);
  const styleAndLayout = frames.reduce((sum, f) => sum + f.styleAndLayout, 0);
  const scripts = [...byInvoker].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([invoker, d]) => `${invoker.trim()} ${ms(d)}`);
  return `${frames.length} frames, ${ms(total)}: script ${scripts.join(', ') || 'none'}; forced layout ${ms(forced)}; rendering ${ms(render)} (style+layout+paint ${ms(styleAndLayout)})`;
}

export async function openBoard(context: BrowserContext, url: string, path: string, expected: number): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error on ${path}: ${error.message}`));
  await page.goto(`${url}${path}`);
  await page.waitForFunction((n) => document.getElementsByClassName('marker').length >= n, expected, { timeout: 120_000, polling: 250 });
  await page.locator('[data-testid="connection-state"][data-state="live"]').first().waitFor({ timeout: 30_000 });
  return page;
}

function describeFrames(frames: number[]): string {
  const sorted = [...frames].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} / p95 ${percentile(sorted, 95).toFixed(1)} / max ${(sorted[sorted.length - 1] ?? NaN).toFixed(0)} ms`;
}

/** Long tasks and frame times while `rate` updates/s arrive; meets its target when no long task is over `longestMs`. */
async function burstRows(context: BrowserContext, board: BoardProcesses, sites: Site[], expected: number, rate: number, longestMs: number): Promise<Row[]> {
  const page = await openBoard(context, board.url, '/', expected);
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  // Floor: the same page, live, with nothing arriving.
  const idleSeconds = Math.min(10, SECONDS);
  await page.evaluate(START_PERF_RECORDING);
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  const idle = await page.evaluate(stopPerfRecording);

  await page.evaluate(START_PERF_RECORDING);
  const statuses: number[] = [];
  await atRate(rate, SECONDS, async (i) => {
    statuses.push(await postRandomUpdate(board, sites, i));
  });
  const busy = await page.evaluate(stopPerfRecording);
  const accepted = statuses.filter((status) => status === 202).length;
  const seq = Number(await page.getByTestId('board').getAttribute('data-seq'));
  await page.close();

  const longest = Math.max(0, ...busy.longTasks);
  const label = `${rate} updates/s for ${SECONDS} s on / at 1920×1080 (${accepted}/${statuses.length} accepted; board at seq ${seq})`;
  return [
    row(
      `long tasks (> 50 ms) during ${label}`,
      expected,
      `${busy.longTasks.length} (longest ${ms(longest)})`,
      `none > ${longestMs} ms`,
      `${idle.longTasks.length} in ${idleSeconds} s with no updates (longest ${ms(Math.max(0, ...idle.longTasks))})`,
      longest <= longestMs,
    ),
    row(`rAF frame time during the same burst`, expected, describeFrames(busy.frames), '—', `${describeFrames(idle.frames)} with no updates`, null),
    row(`where the long animation frames (> 50 ms) went`, expected, describeLongFrames(busy.longFrames), '—', describeLongFrames(idle.longFrames), null),
  ];
}

/** The page's JS heap after three forced collections, and its DOM element count. */
export async function usedHeap(page: Page): Promise<{ heap: number; nodes: number }> {
  return page.evaluate(async () => {
    for (let i = 0; i < 3; i++) {
      window.gc!();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { heap: performance.memory!.usedJSHeapSize, nodes: document.getElementsByTagName('*').length };
  });
}

async function wallHeapRows(context: BrowserContext, board: BoardProcesses, sites: Site[]): Promise<Row[]> {
  const page = await openBoard(context, board.url, '/wall', sites.length);
  const loaded = await usedHeap(page);
  // Warm up first (JIT, first alerts, caches), so growth measures what accumulates.
  const warmSeconds = Math.min(30, Math.max(5, WALL_MINUTES * 6));
  await atRate(WALL_RATE, warmSeconds, async (i) => void (await postRandomUpdate(board, sites, i)));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const before = await usedHeap(page);
  await atRate(WALL_RATE, WALL_MINUTES * 60, async (i) => void (await postRandomUpdate(board, sites, i + 1_000_000)));
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const after = await usedHeap(page);
  await page.close();
  const growth = ((after.heap - before.heap) / before.heap) * 100;
  const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;
  return [
    row(
      `/wall JS heap after gc(), before → after ${WALL_MINUTES} min of ${WALL_RATE} updates/s (DOM nodes ${before.nodes} → ${after.nodes})`,
      sites.length,
      `${mb(before.heap)} → ${mb(after.heap)} (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %)`,
      `< ${TARGET_HEAP_GROWTH_PCT} %`,
      `${mb(loaded.heap)} just after load, before a ${warmSeconds} s warm-up`,
      growth < TARGET_HEAP_GROWTH_PCT,
    ),
  ];
}

/** `count` sites scattered around the real ones (same region and ICB), inside England's bounding box. */
export function syntheticSites(real: Site[], count: number): Site[] {
  const sites: Site[] = [];
  for (let i = 0; i < count; i++) {
    const base = real[i % real.length]!;
    const lat = Math.min(55.8, Math.max(50.0, base.lat + (Math.random() - 0.5) * 0.5));
    const lon = Math.min(1.75, Math.max(-5.7, base.lon + (Math.random() - 0.5) * 0.7));
    const trust = `ZT${Math.floor(i / 5).toString().padStart(4, '0')}`;
    sites.push({
      code: `ZS${i.toString().padStart(5, '0')}`,
      name: `Synthetic site ${i}`,
      trust,
      trustName: `Synthetic trust ${trust}`,
      region: base.region,
      regionName: base.regionName,
      icb: base.icb,
      icbName: base.icbName,
      lat: +lat.toFixed(5),
      lon: +lon.toFixed(5),
      type1: true,
    });
  }
  return sites;
}

async function signedInContext(browser: Browser, board: BoardProcesses): Promise<BrowserContext> {
  const response = await fetch(`${board.url}/api/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${board.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'director', label: 'bench director' }),
  });
  const { key } = (await response.json()) as { key: string };
  // A director's desk screen: the dashboard layout.
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-GB' });
  const page = await context.newPage();
  await signIn(page, board.url, key);
  await page.close();
  return context;
}

export async function runBrowserBenchmarks(): Promise<Row[]> {
  const bundle = bundleSizes();
  const rows: Row[] = [
    row(
      'JS + CSS loaded up front, gzipped (client/dist/assets without the geometry chunk)',
      '—',
      `${bundle.upFrontKb.toFixed(1)} KB`,
      `< ${TARGET_BUNDLE_KB} KB`,
      `geometry chunk ${bundle.geometryKb.toFixed(1)} KB gz, loaded after`,
      bundle.upFrontKb < TARGET_BUNDLE_KB,
    ),
  ];
  const reference = loadReferenceData();
  const browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
  const redis = await startBenchRedis();
  try {
    const board = await startBoardProcesses({}, 1, { redisUrl: redis.url });
    try {
      const context = await signedInContext(browser, board);
      if (PARTS.has('first')) rows.push(...(await firstBoardRows(context, board.url, reference.sites.length)));
      if (PARTS.has('burst')) rows.push(...(await burstRows(context, board, reference.sites, reference.sites.length, BURST_RATE, TARGET_LONG_TASK_MS)));
      if (PARTS.has('wall')) rows.push(...(await wallHeapRows(context, board, reference.sites)));
      await context.close();
    } finally {
      await board.stop();
    }

    if (!PARTS.has('large')) return rows;
    const dir = mkdtempSync(join(tmpdir(), 'pb-bench-sites-'));
    const file = join(dir, 'sites.json');
    const synthetic = syntheticSites(reference.sites, SYNTHETIC_SITES);
    writeFileSync(file, JSON.stringify(synthetic));
    const big = await startBoardProcesses({ PB_SITES_FILE: file }, 1, { redisUrl: redis.url });
    try {
      const all = [...reference.sites, ...synthetic];
      const context = await signedInContext(browser, big);
      rows.push(...(await firstBoardRows(context, big.url, all.length)));
      rows.push(...(await burstRows(context, big, all, all.length, LARGE_RATE, TARGET_LARGE_LONG_TASK_MS)));
      await context.close();
    } finally {
      await big.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await browser.close();
    await redis.stop();
  }
  return rows;
}
