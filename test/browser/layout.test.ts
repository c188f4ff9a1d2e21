/**
 * The board's layouts in Chromium, on a busy day (every site reporting, 40-odd alerts):
 * the directors' dashboard shows map, tiles, alerts and change feed together on the
 * first screen at 1366×768 and 1920×1080; phones get one column, alerts then the list;
 * `/wall` fills exactly one screen at every size from 1280×720 to 3840×2160 (landscape
 * and portrait), London inset included, with text no smaller than 16′ of arc at 5 m.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fontPxForArc, DEFAULT_DIAGONAL_IN, DEFAULT_DISTANCE_M, MIN_ARC_MINUTES } from '../../client/src/wall/reading-distance.js';
import { BoardBrowser, signIn, waitForBoard } from '../support/browser.js';
import { api, createKey, reference, startTestBoard, type TestBoard } from '../support/test-board.js';
import { seedBusyBoard } from './scenario.js';

const LONDON = reference.sites.filter((site) => site.region === 'Y56');

interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
  width: number;
  height: number;
}

/** The boxes of the first element matching each selector, and the window's size. */
async function boxesOf(page: Page, selectors: Record<string, string>): Promise<{ boxes: Record<string, Box | null>; width: number; height: number }> {
  return page.evaluate((wanted) => {
    const boxes: Record<string, { top: number; left: number; bottom: number; right: number; width: number; height: number } | null> = {};
    for (const [name, selector] of Object.entries(wanted)) {
      const element = document.querySelector(selector);
      const rect = element?.getBoundingClientRect();
      boxes[name] = rect ? { top: rect.top, left: rect.left, bottom: rect.bottom, right: rect.right, width: rect.width, height: rect.height } : null;
    }
    return { boxes, width: window.innerWidth, height: window.innerHeight };
  }, selectors);
}

/** Names of the boxes that are missing, empty, or not wholly inside a `width`×`height` window. */
function outside(result: { boxes: Record<string, Box | null>; width: number; height: number }): string[] {
  const problems: string[] = [];
  for (const [name, box] of Object.entries(result.boxes)) {
    if (!box) problems.push(`${name}: missing`);
    else if (box.width < 10 || box.height < 10) problems.push(`${name}: ${box.width}×${box.height}`);
    else if (box.top < -0.5 || box.left < -0.5 || box.bottom > result.height + 0.5 || box.right > result.width + 0.5) {
      problems.push(`${name}: ${Math.round(box.left)},${Math.round(box.top)} → ${Math.round(box.right)},${Math.round(box.bottom)} in ${result.width}×${result.height}`);
    }
  }
  return problems;
}

describe('the board’s layouts in Chromium', () => {
  let board: TestBoard;
  let chrome: BoardBrowser;
  let directorKey: string;
  let displayKey: string;

  beforeAll(async () => {
    [board, chrome] = await Promise.all([startTestBoard(), BoardBrowser.launch()]);
    await seedBusyBoard(board);
    directorKey = await createKey(board, { role: 'director', label: 'Regional director' });
    displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
  });
  afterEach(() => chrome.assertClean());
  afterAll(async () => {
    await chrome?.close();
    await board?.close();
  });

  async function open(key: string, path: string, width: number, height: number): Promise<Page> {
    const page = await chrome.newPage({ viewport: { width, height } });
    await signIn(page, board.url, key, path);
    await waitForBoard(page, reference.sites.length);
    return page;
  }

  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    it(`shows map, region tiles, alerts, London and the change feed together at ${width}×${height}, without scrolling`, async () => {
      const page = await open(directorKey, '/', width, height);
      const result = await boxesOf(page, {
        toolbar: '[data-testid="board-toolbar"]',
        'time machine': '[data-testid="time-machine-toggle"]',
        tiles: '[data-testid="tiles-area"]',
        'England tile': '[data-testid="tile-ENG"]',
        'last region tile': '[data-testid="tile-Y63"]',
        map: '[data-testid="map-area"] svg[role="group"]',
        alerts: '[data-testid="alert-banner"]',
        'first alert': '[data-testid="alert-item"]',
        'London inset': '[data-testid="inset-area"] svg[role="group"]',
        feed: '[data-testid="feed-area"]',
        'list link': '[data-testid="list-link"]',
      });
      expect(outside(result)).toEqual([]);
      // The map is the largest thing on the screen.
      const map = result.boxes.map!;
      for (const name of ['tiles', 'alerts', 'feed', 'London inset']) expect(map.width * map.height).toBeGreaterThan(result.boxes[name]!.width * result.boxes[name]!.height);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      // Every London marker is in the inset, on screen, and nothing covers it.
      const markers = await page.locator('.inset g.marker[data-site]').evaluateAll((nodes) =>
        nodes.map((node) => {
          const r = node.getBoundingClientRect();
          // The marker's own centre (its translate), not its box's, which its badges widen.
          const centre = new DOMPoint(0, 0).matrixTransform((node as SVGGraphicsElement).getScreenCTM()!);
          const hit = document.elementFromPoint(centre.x, centre.y)?.closest('g.marker');
          return { code: node.getAttribute('data-site'), inside: r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth, onTop: hit === node };
        }),
      );
      expect(markers).toHaveLength(LONDON.length);
      expect(markers.filter((marker) => !marker.inside || !marker.onTop)).toEqual([]);

      // Many alerts collapse to counts by kind, the loudest listed first.
      const alerts = (await api(board.url, directorKey, 'GET', '/alerts')).body.alerts.filter((alert: { endedAt?: string }) => !alert.endedAt);
      expect(alerts.length).toBeGreaterThan(10);
      expect(await page.getByTestId('alert-item').count()).toBeLessThan(alerts.length);
      expect(await page.getByTestId('alert-kinds').locator('li').first().getAttribute('data-kind')).toBe('major_incident');
      expect(await page.getByTestId('alert-item').first().getAttribute('data-kind')).toBe('major_incident');
      await page.getByTestId('alerts-show-all').click();
      await expect.poll(() => page.getByTestId('alert-item').count()).toBe(alerts.length);
      // Still one screen: the list scrolls inside the alert area.
      expect(outside(await boxesOf(page, { alerts: '[data-testid="alert-banner"]', feed: '[data-testid="feed-area"]' }))).toEqual([]);

      // The list of sites is one click away.
      await page.getByTestId('list-link').click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('list-title');
      const table = await boxesOf(page, { list: '#list-title' });
      expect(outside(table)).toEqual([]);
      await page.context().close();
    });
  }

  it('uses the space on a 2560×1440 screen: the list sits beside the dashboard', async () => {
    const page = await open(directorKey, '/', 2560, 1440);
    const result = await boxesOf(page, {
      tiles: '[data-testid="tiles-area"]',
      map: '[data-testid="map-area"] svg[role="group"]',
      alerts: '[data-testid="alert-banner"]',
      feed: '[data-testid="feed-area"]',
      list: '[data-testid="list-area"]',
      'first row': '[data-testid="site-table"] tbody tr',
    });
    expect(outside(result)).toEqual([]);
    expect(result.boxes.list!.left).toBeGreaterThan(result.boxes.feed!.right - 1);
    // Text grows with the screen.
    expect(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeGreaterThan(16);
    await page.context().close();
  });

  it('gives phones one column: alerts first, then the list', async () => {
    const page = await open(directorKey, '/', 390, 844);
    const result = await boxesOf(page, {
      alerts: '[data-testid="alert-banner"]',
      list: '#site-list',
      tiles: '[data-testid="tiles-area"]',
      map: '[data-testid="map-area"]',
      feed: '[data-testid="feed-area"]',
    });
    const { alerts, list, tiles, map, feed } = result.boxes;
    expect(alerts!.top).toBeLessThan(result.height);
    expect(list!.top).toBeGreaterThanOrEqual(alerts!.bottom);
    for (const later of [tiles!, map!, feed!]) expect(later.top).toBeGreaterThanOrEqual(list!.bottom);
    for (const box of [alerts!, list!, tiles!, map!, feed!]) expect(box.right).toBeLessThanOrEqual(390.5);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.context().close();
  });

  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
    [1920, 1200],
    [2560, 1600],
    [3840, 2160],
    [1080, 1920],
  ] as const) {
    it(`fills exactly one ${width}×${height} screen with the wallboard, London inset and lists included`, async () => {
      const page = await open(displayKey, '/wall', width, height);
      await page.getByTestId('data-as-of').waitFor();
      // Let the lists count their rows for the measured space.
      await page.waitForFunction(() => document.querySelectorAll('[data-wall-site]').length > 0);
      const fit = await page.evaluate(() => {
        const wall = document.querySelector<HTMLElement>('[data-testid="wall"]')!;
        window.scrollTo(0, 10_000);
        const clipped = [...wall.querySelectorAll<HTMLElement>('main > section, main .rows')]
          .filter((section) => section.scrollHeight > section.clientHeight + 1 || section.scrollWidth > section.clientWidth + 1)
          .map((section) => `${section.getAttribute('aria-label') ?? section.className}: ${section.scrollWidth}×${section.scrollHeight} in ${section.clientWidth}×${section.clientHeight}`);
        const rect = wall.getBoundingClientRect();
        return {
          scrolled: window.scrollY,
          pageFits: document.documentElement.scrollHeight <= window.innerHeight && document.documentElement.scrollWidth <= window.innerWidth,
          wall: [rect.width, rect.height],
          clipped,
          portrait: wall.classList.contains('portrait'),
        };
      });
      expect(fit).toEqual({ scrolled: 0, pageFits: true, wall: [width, height], clipped: [], portrait: height > width });

      const result = await boxesOf(page, {
        title: '[data-testid="wall"] h1',
        'data as of': '[data-testid="data-as-of"]',
        map: '[data-testid="wall"] .map svg[role="group"]',
        'London inset': '[data-testid="wall-inset"] svg[role="group"]',
        counts: '[data-testid="wall-counts"]',
        alerts: '[data-testid="alert-banner"]',
        'first site needing attention': '[data-wall-site]',
      });
      expect(outside(result)).toEqual([]);
      const london = await page.locator('[data-testid="wall-inset"] g.marker[data-site]').evaluateAll((nodes) =>
        nodes.map((node) => {
          const r = node.getBoundingClientRect();
          return { code: node.getAttribute('data-site'), inside: r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth };
        }),
      );
      expect(london.map((marker) => marker.code).sort()).toEqual(LONDON.map((site) => site.code).sort());
      expect(london.filter((marker) => !marker.inside)).toEqual([]);

      // No text smaller than 16′ of arc at 5 m on the default screen.
      const minimum = fontPxForArc(MIN_ARC_MINUTES, DEFAULT_DISTANCE_M, width, height, DEFAULT_DIAGONAL_IN);
      const smallest = await page.evaluate(() => {
        let least = Infinity;
        const walker = document.createTreeWalker(document.querySelector('[data-testid="wall"]')!, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const parent = node.parentElement;
          if (!node.textContent?.trim() || !parent || parent.closest('svg')) continue;
          least = Math.min(least, parseFloat(getComputedStyle(parent).fontSize));
        }
        return least;
      });
      expect(smallest).toBeGreaterThanOrEqual(minimum - 0.5);
      await page.context().close();
    });
  }
});
