import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort } from '@pb/shared/node';
import { api, deletePrefix, eventually, REDIS_URL, uniquePrefix, waitForUpdate } from '../support/test-board.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPILED = ['--conditions=pressure-board-dist'];

function run(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...COMPILED, entry], { cwd: ROOT, env: { ...process.env, ...env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the production build (SPEC §15)', () => {
  const prefix = uniquePrefix('build');
  const redis = new Redis(REDIS_URL);
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('compiles shared, server and workers to JavaScript that runs without TypeScript, large posts included', async () => {
    const build = spawnSync('npm', ['run', 'build:node'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stderr + build.stdout).toBe(0);

    const port = await freePort();
    const adminKey = `admin-${randomBytes(16).toString('hex')}`;
    const env = { REDIS_URL, PB_KEY_PREFIX: prefix, PB_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' };
    const workers = run('workers/dist/main.js', env);
    const server = run('server/dist/main.js', { ...env, PORT: String(port) });
    children.push(workers, server);
    const url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${url}/readyz`).catch(() => null))?.ok, 30_000, 'the compiled server to be ready');

    const board = { url, adminKey };
    const one = await api(url, adminKey, 'POST', '/updates', { site: 'RHU03', opel: 4 });
    expect(one.status).toBe(202);
    expect((await waitForUpdate(board, one.body.updates[0].id)).state).toBe('applied');
    // Over 32 KB: read in the ingest thread, which must find its compiled `ingest-thread.js`.
    const rows = Array.from({ length: 3000 }, (_, i) => `RHU03,${(i % 4) + 1},note ${i}`).join('\n');
    const csv = await fetch(`${url}/api/v1/updates`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'text/csv' }, body: `site,opel,note\n${rows}\n` });
    expect(csv.status).toBe(202);
    const { updates } = await csv.json();
    expect(updates).toHaveLength(3000);
    expect(['applied', 'superseded']).toContain((await waitForUpdate(board, updates[2999].id, 30_000)).state);
    expect((await fetch(`${url}/api/v1/openapi.json`)).status).toBe(200);

    server.kill('SIGTERM');
    workers.kill('SIGTERM');
    expect(await exitCode(server)).toBe(0);
    expect(await exitCode(workers)).toBe(0);
  }, 300_000);

  const docker = spawnSync('docker', ['version'], { encoding: 'utf8' }).status === 0;
  if (!docker) console.warn('build.test.ts: Docker is not available here, so the image build and `docker compose up` check is skipped (install Docker to run it).');
  it.skipIf(!docker)('builds the image and starts compose.yaml: ready through the proxy', async () => {
    const project = `pb-${randomBytes(3).toString('hex')}`;
    const env = { ...process.env, PB_ADMIN_KEY: `admin-${randomBytes(16).toString('hex')}`, PB_HTTP_PORT: String(await freePort()), PB_HTTPS_PORT: String(await freePort()) };
    const compose = (...args: string[]) => spawnSync('docker', ['compose', '-p', project, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    try {
      const up = compose('up', '-d', '--build', '--wait');
      expect(up.status, up.stderr).toBe(0);
      const response = await eventually(async () => (await fetch(`http://127.0.0.1:${env.PB_HTTP_PORT}/readyz`).catch(() => null))?.ok, 60_000, 'readyz through the proxy');
      expect(response).toBe(true);
    } finally {
      compose('down', '-v');
    }
  }, 900_000);
});
