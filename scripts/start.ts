/**
 * `npm start`: the whole product in one go — a private Redis (unless REDIS_URL is
 * set), the board's web build, one server and the workers — on http://localhost:3000.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, createLogger, freePort, loadConfig, loadReferenceData, stopOnSignals } from '@pb/shared/node';
import { startServer } from '../server/src/start-server.js';
import { startWorkers } from '../workers/src/start-workers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function findOnPath(command: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Starts a Redis owned by this process: append-only file on, data under ./data/redis. */
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
  const dir = `${ROOT}data/redis`;
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction', '--loglevel', 'warning'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
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

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('pressure-board', config.logLevel);
  buildClientIfNeeded();
  let redis: { url: string; child: ChildProcess } | undefined;
  if (!process.env.REDIS_URL) {
    redis = await startPrivateRedis();
    config.redisUrl = redis.url;
  }
  const reference = loadReferenceData(config.sitesFile);
  const workers = await startWorkers(config, reference, logger);
  const server = await startServer(config, reference, logger);

  console.log(`\nPressure Board is running: http://localhost:${server.port}`);
  console.log(`  ${reference.sites.length} sites loaded; Redis ${redis ? `(private, data in ./data/redis) ${redis.url}` : config.redisUrl}`);
  if (server.createdAdminKey) console.log(`  Admin key (shown once — keep it safe): ${server.createdAdminKey}`);
  else if (config.adminKey) console.log('  Admin key: the one in PB_ADMIN_KEY');
  else console.log('  Admin key: printed at the first start of this board (set PB_ADMIN_KEY to choose one)');
  console.log('  Ctrl-C stops everything.\n');

  stopOnSignals(logger, async () => {
    await server.close();
    await workers.close();
    if (redis) {
      const child = redis.child;
      // SIGTERM makes redis-server flush its append-only file before it exits.
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
