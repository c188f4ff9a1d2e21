/**
 * Part of `npm run build`: copies the files the compiled code reads beside itself — the
 * Lua scripts, loaded with `new URL('./x.lua', import.meta.url)` — from each package's
 * `src/` to the same place under `dist/`. (`shared/data`, `workers/data` and
 * `client/dist` are read from their package roots, which `dist/` sits beside as `src/` does.)
 */
import { cpSync, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

for (const pkg of ['shared', 'server', 'workers']) {
  const dist = `${ROOT}${pkg}/dist`;
  if (!existsSync(dist)) throw new Error(`${pkg}/dist is missing: compile ${pkg} first (tsc -p ${pkg}/tsconfig.build.json).`);
  cpSync(`${ROOT}${pkg}/src`, dist, { recursive: true, filter: (source) => source.endsWith('.lua') || statSync(source).isDirectory() });
}
console.log('Copied the Lua scripts into shared/dist, server/dist and workers/dist.');
