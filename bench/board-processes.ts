import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { deleteBoardKeys, freePort } from '@pb/shared/node';

export { freePort };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BoardProcesses {
  /** The first server's URL. */
  url: string;
  /** Every server's URL (several when asked for). */
  urls: string[];
  prefix: string;
  adminKey: string;
  /** CPU seconds used so far by the workers and the servers (each with its tsx child). */
  cpuSeconds(): { workers: number; server: number };
  stop(): Promise<void>;
}

/**
 * Starts one workers process and `servers` server processes, as in production, under
 * a fresh prefix.
 */
export async function startBoardProcesses(extraEnv: Record<string, string> = {}, servers = 1, options: { profileDir?: string; redisUrl?: string } = {}): Promise<BoardProcesses> {
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`;
  const env = { ...process.env, REDIS_URL: redisUrl, PB_KEY_PREFIX: prefix, PB_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn', PB_RATE_LIMIT: '1000000', PB_UPDATE_RATE: '1000000', PB_UPDATE_BURST: '1000000', ...extraEnv };
  const tsx = `${ROOT}node_modules/.bin/tsx`;
  // CPU profiles, written when each process exits: asked for by a benchmark, or by BENCH_PROF.
  const profileRoot = options.profileDir ?? (process.env.BENCH_PROF ? '/tmp/prof' : undefined);
  const profile = (role: string) => (profileRoot ? ['--cpu-prof', `--cpu-prof-dir=${profileRoot}/${role}`] : []);
  const children: ChildProcess[] = [spawn(tsx, [...profile('workers'), 'workers/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] })];
  const urls: string[] = [];
  for (let i = 0; i < servers; i++) {
    const port = await freePort();
    urls.push(`http://127.0.0.1:${port}`);
    children.push(spawn(tsx, [...profile('server'), 'server/src/main.ts'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  // However the benchmark ends, its board goes with it.
  const killChildren = () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
  process.once('exit', killChildren);
  const deadline = Date.now() + 30_000;
  for (const url of urls) for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killChildren();
      throw new Error('the board did not start within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The workers are ready once their BullMQ worker has registered its connection.
  const probe = new Redis(redisUrl);
  try {
    while (!((await probe.client('LIST')) as string).includes(`pb-workers-${prefix} `)) {
      if (Date.now() > deadline) {
        killChildren();
        throw new Error('the workers did not start within 30 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await probe.quit();
  }
  return {
    url: urls[0]!,
    urls,
    prefix,
    adminKey,
    cpuSeconds: () => ({ workers: cpuSecondsOfTree(children[0]!.pid!), server: children.slice(1).reduce((sum, child) => sum + cpuSecondsOfTree(child.pid!), 0) }),
    async stop() {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })));
      const redis = new Redis(redisUrl);
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

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process and all its descendants, from /proc. */
export function cpuSecondsOfTree(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    let total = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) total += cpuSecondsOfTree(Number(child));
    }
    return total;
  } catch {
    return 0;
  }
}

/** CPU seconds Redis has used, from INFO. */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return value('used_cpu_user') + value('used_cpu_sys');
}

/**
 * Posts like an integration would: a keep-alive pool of at most `sockets` connections,
 * rather than a new connection per request once the server falls behind.
 */
export function createPoster(baseUrl: string, key: string, sockets = 64) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(baseUrl);
  return {
    post(path: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const request = http.request(
          { agent, hostname, port, path, method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType, 'content-length': Buffer.byteLength(body) } },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            response.on('error', reject);
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * A Redis of the benchmark's own on a free port, so its INFO counts only this board
 * (and nothing else on the machine competes inside it). No persistence: a benchmark.
 */
export async function startBenchRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error('the benchmark Redis did not start within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** A display key on the board, as a wallboard would have: what the benchmarks' boards sign in with. */
export async function createDisplayKey(board: Pick<BoardProcesses, 'url' | 'adminKey'>): Promise<string> {
  const response = await fetch(`${board.url}/api/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${board.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'display', label: 'bench display' }),
  });
  if (response.status !== 201) throw new Error(`could not create a display key: ${response.status}`);
  return ((await response.json()) as { key: string }).key;
}
