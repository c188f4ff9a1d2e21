import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { deleteBoardKeys, freePort } from '@pb/shared/node';

export { freePort };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BoardProcesses {
  url: string;
  prefix: string;
  adminKey: string;
  stop(): Promise<void>;
}

/** Starts one server process and one workers process, as in production, under a fresh prefix. */
export async function startBoardProcesses(extraEnv: Record<string, string> = {}): Promise<BoardProcesses> {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`;
  const port = await freePort();
  const env = { ...process.env, REDIS_URL, PB_KEY_PREFIX: prefix, PB_ADMIN_KEY: adminKey, PORT: String(port), LOG_LEVEL: 'warn', PB_RATE_LIMIT: '1000000', ...extraEnv };
  const tsx = `${ROOT}node_modules/.bin/tsx`;
  const children: ChildProcess[] = [
    spawn(tsx, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof-workers'] : []), 'workers/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] }),
    spawn(tsx, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), 'server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] }),
  ];
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the board did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The workers are ready once their BullMQ worker has registered its connection.
  const probe = new Redis(REDIS_URL);
  try {
    while (!((await probe.client('LIST')) as string).includes(`pb-workers-${prefix} `)) {
      if (Date.now() > deadline) throw new Error('the workers did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await probe.quit();
  }
  return {
    url,
    prefix,
    adminKey,
    async stop() {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })));
      const redis = new Redis(REDIS_URL);
      await deleteBoardKeys(redis, prefix);
      await redis.quit();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

/** Calls `fn` at `perSecond` for `seconds`, spreading calls evenly; returns their promises. */
export async function atRate(perSecond: number, seconds: number, fn: (i: number) => Promise<void>): Promise<void> {
  const total = perSecond * seconds;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(fn(i));
  }
  await Promise.all(pending);
}
