/**
 * The first step of `npm test`: the system tools the tests use, and the Redis they
 * talk to, checked up front with a message that says what to install — rather than
 * dozens of tests failing one by one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';

const problems: string[] = [];
const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

for (const command of ['redis-server', 'redis-cli']) {
  if (!onPath(command)) problems.push(`${command} is not on the PATH (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis).`);
}
const chromium = process.env.PB_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) problems.push(`Chromium is not at ${chromium} (Debian/Ubuntu: sudo apt-get install chromium; or set PB_CHROMIUM to a Chromium binary).`);

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
redis.on('error', () => undefined);
try {
  await redis.connect();
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[];
  if (policy !== 'noeviction') problems.push(`The Redis at ${url} has maxmemory-policy ${policy}; the tests need noeviction (redis-cli config set maxmemory-policy noeviction).`);
} catch {
  problems.push(`No Redis answers at ${url} (start one: redis-server --port 6379 --save "" --maxmemory-policy noeviction; or set TEST_REDIS_URL).`);
} finally {
  redis.disconnect();
}

if (problems.length) {
  console.error(`npm test needs a few things this machine does not have:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
