#!/usr/bin/env node
/**
 * The `pressure-board` command. Runs the compiled command line (`npm run build`) when it
 * is there and newer than the TypeScript it came from, otherwise the TypeScript itself
 * through tsx (a dev dependency), so it works straight after `npm install`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';

const ROOT = new URL('../../', import.meta.url);
const COMPILED = ['cli/dist/main.js', 'shared/dist/index.js'].map((file) => new URL(file, ROOT));
const SOURCES = ['cli/src/', 'shared/src/'].map((dir) => new URL(dir, ROOT));

/** When a TypeScript file the command is built from last changed (0 where the source is not shipped, as in the image). */
function newestSourceChange() {
  let newest = 0;
  for (const dir of SOURCES) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.ts') && !file.endsWith('.test.ts')) newest = Math.max(newest, statSync(new URL(file, dir)).mtimeMs);
    }
  }
  return newest;
}

const compiledIsCurrent = COMPILED.every((file) => existsSync(file)) && Math.min(...COMPILED.map((file) => statSync(file).mtimeMs)) >= newestSourceChange();

if (compiledIsCurrent) {
  // The compiled packages find each other through the "pressure-board-dist" export condition, as `npm start` runs them.
  register('./dist-condition.js', import.meta.url);
  await import(new URL('cli/dist/main.js', ROOT).href);
} else {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    process.stderr.write('error: pressure-board is not built and tsx is not installed: run npm install (or npm run build).\n');
    process.exit(2);
  }
  tsx.register();
  await import(new URL('cli/src/main.ts', ROOT).href);
}
