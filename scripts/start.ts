/**
 * `npm start`: the whole product in one go, using the machine's cores — a private
 * Redis (unless REDIS_URL is set), the board's web build, one server process and
 * worker processes, each restarted if it dies — on http://localhost:3000.
 * One Ctrl-C stops everything, in order: servers and workers finish what is in
 * flight, then Redis writes its append-only file and exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError, freePort, loadConfig } from '@pb/shared/node';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A child that dies within this long of starting is not restarted again (it would only die again). */
const CRASH_LOOP_MS = 5_000;

function findOnPath(command: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * Starts a Redis owned by this process, data under ./data/redis. Every write is on
 * disk before it is acknowledged (`appendfsync always`, SPEC §11): a 202 means the
 * update survives a crash of the host, not just of the process.
 */
async function startPrivateRedis(): Promise<{ url: string; child: ChildProcess }> {
  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new ConfigError(
      [
        'Pressure Board needs Redis, and no redis-server was found on the PATH.',
        '  Debian/Ubuntu:  sudo apt-get install redis-server',
        '  macOS:          brew install redis',
        'Or point it at a Redis you run: REDIS_URL=redis://host:6379 npm start',
      ].join('\n'),
    );
  }
  // PB_DATA_DIR moves the data (e.g. onto a backed-up volume); ./data by default.
  const dir = `${process.env.PB_DATA_DIR ?? `${ROOT}data`}/redis`;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', '--loglevel', 'warning'],
    // Its own process group: Ctrl-C reaches it only through this script, after the others have stopped.
    { stdio: ['ignore', 'inherit', 'inherit'], detached: true },
  );
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const check = () => {
      const ping = spawnSync(findOnPath('redis-cli') ?? 'redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
      if (ping.stdout?.trim() === 'PONG') return resolve();
      if (child.exitCode !== null) return reject(new Error(`redis-server exited with code ${child.exitCode}`));
      if (Date.now() > deadline) return reject(new Error('redis-server did not start within 10 s'));
      setTimeout(check, 100);
    };
    check();
  });
  return { url: `redis://127.0.0.1:${port}`, child };
}

function buildClientIfNeeded(): void {
  if (existsSync(`${ROOT}client/dist/index.html`)) return;
  console.log('Building the board (first start)…');
  const build = spawnSync('npm', ['run', 'build', '-w', 'client'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('Building the board failed; see the output above.');
}

/** Worker processes by default: every core but the one the server and Redis share. */
function workerProcessCount(env: NodeJS.ProcessEnv): number {
  const configured = env.PB_WORKER_PROCESSES;
  if (configured === undefined || configured === '') return Math.max(1, availableParallelism() - 1);
  const count = Number(configured);
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new ConfigError(`Invalid configuration:\n  PB_WORKER_PROCESSES: must be a whole number, 1–64 (got "${configured}")`);
  return count;
}

/** When a TypeScript or Lua file of shared, server or workers last changed. */
function newestSourceChange(): number {
  let newest = 0;
  for (const pkg of ['shared', 'server', 'workers']) {
    for (const file of readdirSync(`${ROOT}${pkg}/src`, { recursive: true, encoding: 'utf8' })) {
      if (/\.(ts|lua)$/.test(file) && !file.endsWith('.test.ts')) newest = Math.max(newest, statSync(`${ROOT}${pkg}/src/${file}`).mtimeMs);
    }
  }
  return newest;
}

/**
 * The compiled code (`npm run build`) when it is there, else the TypeScript source. The
 * compiled packages find each other through the "pressure-board-dist" export condition.
 */
function processEntries(env: NodeJS.ProcessEnv): { server: string; workers: string; env: NodeJS.ProcessEnv } {
  const built = ['server/dist/main.js', 'workers/dist/main.js', 'shared/dist/index.js'].map((file) => `${ROOT}${file}`);
  // A build older than the source it came from would run yesterday's code: use the source then.
  if (!built.every(existsSync) || Math.min(...built.map((file) => statSync(file).mtimeMs)) < newestSourceChange()) {
    return { server: 'server/src/main.ts', workers: 'workers/src/main.ts', env };
  }
  const nodeOptions = [env.NODE_OPTIONS, '--conditions=pressure-board-dist'].filter(Boolean).join(' ');
  return { server: 'server/dist/main.js', workers: 'workers/dist/main.js', env: { ...env, NODE_OPTIONS: nodeOptions } };
}

/** One server or workers process of the product, restarted if it dies while the product runs. */
class Supervised {
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): void {
    this.startedAt = Date.now();
    // The same Node and TypeScript loader as this script, so `npm start` needs nothing more.
    const child = spawn(process.execPath, [...process.execArgv, this.entry], { cwd: ROOT, env: this.env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (this.stopping) return;
        const quick = Date.now() - this.startedAt < CRASH_LOOP_MS;
        console.error(`${this.name} exited (${signal ?? `code ${code}`})${quick ? '; it died at start, so it is not restarted — see the output above.' : '; restarting it.'}`);
        if (quick) void stopAll(1);
        else this.start();
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

let processes: Supervised[] = [];
let redis: { url: string; child: ChildProcess } | undefined;
let stopped: Promise<void> | undefined;

function stopAll(code: number): Promise<void> {
  stopped ??= (async () => {
    await Promise.all(processes.map((p) => p.stop()));
    if (redis && redis.child.exitCode === null) {
      const child = redis.child;
      // SIGTERM makes redis-server flush its append-only file before it exits.
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    process.exit(code);
  })();
  return stopped;
}

async function waitForReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the server did not become ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  // Fail fast on a bad configuration, before anything starts.
  const config = loadConfig(process.env);
  const workers = workerProcessCount(process.env);
  buildClientIfNeeded();
  if (!process.env.REDIS_URL) redis = await startPrivateRedis();
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: redis?.url ?? config.redisUrl, PORT: String(config.port) };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stopAll(0));
  const entries = processEntries(env);
  processes = [
    new Supervised('server', entries.server, entries.env),
    ...Array.from({ length: workers }, (_, i) => new Supervised(`workers ${i + 1}`, entries.workers, entries.env)),
  ];
  for (const p of processes) p.start();

  const url = `http://localhost:${config.port}`;
  await waitForReady(`http://127.0.0.1:${config.port}`);
  console.log(`\nPressure Board is running: ${url}`);
  console.log(`  1 server process and ${workers} worker process${workers === 1 ? '' : 'es'}; Redis ${redis ? `${redis.url}, private (data in ${process.env.PB_DATA_DIR ?? './data'}/redis; every write on disk before it is acknowledged)` : config.redisUrl}`);
  console.log(config.adminKey ? '  Admin key: the one in PB_ADMIN_KEY' : '  Admin key: printed above at the first start of this board (set PB_ADMIN_KEY to choose one)');
  console.log('  Ctrl-C stops everything.\n');
}

main().catch(async (error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  await stopAll(1);
});
