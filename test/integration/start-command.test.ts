import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort } from '@pb/shared/node';
import { killTree, startProcess, startServerProcess, stopProcess, type BoardProcess } from '../support/board-processes.js';
import { api, eventually, waitForUpdate } from '../support/test-board.js';

/** A process's children, from ps. */
async function childrenOf(pid: number): Promise<{ pid: number; command: string }[]> {
  const ps = spawn('ps', ['-o', 'pid=,args=', '--ppid', String(pid)]);
  let out = '';
  ps.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => ps.once('exit', resolve));
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ pid: Number(line.split(/\s+/)[0]), command: line.slice(line.indexOf(' ') + 1) }));
}

async function descendantsOf(pid: number): Promise<{ pid: number; command: string }[]> {
  const children = await childrenOf(pid);
  const below = await Promise.all(children.map((child) => descendantsOf(child.pid)));
  return [...children, ...below.flat()];
}

/**
 * `npm start` as a user runs it: one command, the machine's cores, a private Redis
 * that puts every write on disk before the 202 (SPEC §11), one Ctrl-C to stop.
 */
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pb-start-'));
  let start: BoardProcess | undefined;

  afterAll(async () => {
    if (start && start.child.exitCode === null) killTree(start);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs server and workers as separate processes on a private Redis with appendfsync always, and stops on one Ctrl-C', async () => {
    const port = await freePort();
    const adminKey = `admin-${randomBytes(16).toString('hex')}`;
    start = startProcess('npm start', 'scripts/start.ts', { PORT: String(port), PB_DATA_DIR: dataDir, PB_ADMIN_KEY: adminKey, PB_WORKER_PROCESSES: '1', LOG_LEVEL: 'warn', REDIS_URL: '' }, { ownProcessGroup: true });
    const banner = await eventually(() => {
      if (start!.child.exitCode !== null) throw new Error(`npm start exited: ${start!.output.join('')}`);
      return /Pressure Board is running[\s\S]*?(redis:\/\/127\.0\.0\.1:\d+)/.exec(start!.output.join(''));
    }, 90_000, 'the start banner');
    const redisUrl = banner[1]!;

    const redis = new Redis(redisUrl);
    expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
    expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    await redis.quit();

    // tsx runs the script in a child of its own, so look at the whole tree.
    const children = await descendantsOf(start.child.pid!);
    expect(children.some((c) => c.command.includes('redis-server'))).toBe(true);
    // The compiled build when it is newer than the source (npm test builds it), else the TypeScript.
    expect(children.filter((c) => /server\/(src\/main\.ts|dist\/main\.js)/.test(c.command))).toHaveLength(1);
    expect(children.filter((c) => /workers\/(src\/main\.ts|dist\/main\.js)/.test(c.command))).toHaveLength(1);

    // The workers in their own process apply what the server queues.
    const url = `http://127.0.0.1:${port}`;
    const posted = await api(url, adminKey, 'POST', '/updates', { site: 'RHU03', opel: 3 });
    expect(posted.status).toBe(202);
    expect((await waitForUpdate({ url, adminKey }, posted.body.updates[0].id, 60_000)).state).toBe('applied');

    // Ctrl-C in a terminal reaches the whole foreground process group: tsx and the script.
    process.kill(-start.child.pid!, 'SIGINT');
    expect(await start.exited, start.output.join('').slice(-2000)).toBe(0);
    const running = () =>
      children.filter((child) => {
        try {
          process.kill(child.pid, 0);
          return !/\) Z /.test(readFileSync(`/proc/${child.pid}/stat`, 'utf8'));
        } catch {
          return false;
        }
      });
    // Helpers such as tsx's esbuild service leave as soon as their parent's pipe closes.
    await eventually(() => running().length === 0, 10_000, `nothing left running: ${JSON.stringify(running())}`).catch(() => undefined);
    expect(running(), 'processes still running after Ctrl-C').toEqual([]);
  }, 180_000);
});

describe('an external Redis without its append-only file', () => {
  let server: (BoardProcess & { url: string }) | undefined;
  let redis: BoardProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'pb-noaof-'));

  afterAll(async () => {
    if (server) await stopProcess(server);
    if (redis) await stopProcess(redis);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes the server warn that accepted updates can be lost, naming the setting', async () => {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'no', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    redis = { name: 'redis', child, output: [], exited: new Promise((resolve) => child.once('exit', resolve)) };
    const redisUrl = `redis://127.0.0.1:${port}`;
    await eventually(async () => {
      const probe = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    }, 10_000, 'redis');
    server = await startServerProcess('server', { REDIS_URL: redisUrl, PB_KEY_PREFIX: 'noaof', PB_ADMIN_KEY: `admin-${randomBytes(16).toString('hex')}`, LOG_LEVEL: 'warn' });
    const output = await eventually(() => (server!.output.join('').includes('appendonly') ? server!.output.join('') : null), 10_000, 'the warning');
    expect(output).toMatch(/appendonly no: updates accepted with 202 can be lost/);
  });
});
