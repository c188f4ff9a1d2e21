/**
 * `npx tsx test/browser/screenshots.ts [dir]`: the README's screenshots, taken from a real
 * board (Redis, server, workers) seeded with a busy day, in Debian's Chromium. Needs a
 * built client (`npm run build -w client`). Writes into `docs/` unless given a directory.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoardBrowser, signIn, waitForBoard } from '../support/browser.js';
import { createKey, reference, startTestBoard } from '../support/test-board.js';
import { postLiveChanges, seedBusyBoard } from './scenario.js';

const dir = process.argv[2] ?? fileURLToPath(new URL('../../docs/', import.meta.url));
mkdirSync(dir, { recursive: true });

const board = await startTestBoard();
const chrome = await BoardBrowser.launch();
try {
  await seedBusyBoard(board);
  const directorKey = await createKey(board, { role: 'director', label: 'Regional director' });
  const displayKey = await createKey(board, { role: 'display', label: 'Control room wall' });
  const shots: { file: string; key: string; path: string; width: number; height: number; scheme: 'light' | 'dark'; wall?: boolean }[] = [
    { file: 'board.png', key: directorKey, path: '/', width: 1920, height: 1080, scheme: 'light' },
    { file: 'board-dark.png', key: directorKey, path: '/', width: 1920, height: 1080, scheme: 'dark' },
    { file: 'board-phone.png', key: directorKey, path: '/', width: 390, height: 844, scheme: 'light' },
    { file: 'wall.png', key: displayKey, path: '/wall', width: 1920, height: 1080, scheme: 'dark', wall: true },
    { file: 'wall-portrait.png', key: displayKey, path: '/wall', width: 1080, height: 1920, scheme: 'dark', wall: true },
  ];
  for (const shot of shots) {
    const page = await chrome.newPage({ viewport: { width: shot.width, height: shot.height }, colorScheme: shot.scheme });
    await signIn(page, board.url, shot.key, shot.path);
    await waitForBoard(page, reference.sites.length);
    if (shot.wall) await page.getByTestId('data-as-of').waitFor();
    else await postLiveChanges(board, 6);
    // Let the feed's relative times and the map's layer settle.
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(dir, shot.file) });
    console.log(`${join(dir, shot.file)} (${shot.width}×${shot.height}, ${shot.scheme})`);
    await page.context().close();
  }
  chrome.assertClean();
} finally {
  await chrome.close();
  await board.close();
}
process.exit(0);
