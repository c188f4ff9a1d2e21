/**
 * `npm run bench -- soak`: a day in an hour. 50 updates/s (`BENCH_SOAK_RATE`) over
 * every site, with 1,000 screens (`BENCH_SOAK_SCREENS`) subscribed, for
 * `BENCH_SOAK_MINUTES` (default 60; 2 in CI), on a Redis of the benchmark's own.
 * Sampled every `BENCH_SOAK_SAMPLE_SECONDS`: RSS of the server, the workers and Redis,
 * and the size of every Redis key family of the board (keys, and elements in them).
 * At the end every screen's last seq must equal the board's. Memory is "flat" when the
 * last sample is within 10 % of the first one taken after the warm-up.
 */
import { Redis } from 'ioredis';
import { loadReferenceData } from '@pb/shared/node';
import { atRate, createPoster, printTable, startBenchRedis, startBoardProcesses } from './board-processes.js';
import { childrenRunning, rssMbOfTree, startScreens } from './screens.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 60);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 50);
const SCREENS = Number(process.env.BENCH_SOAK_SCREENS ?? 1_000);
const SAMPLE_SECONDS = Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? Math.max(10, Math.round((MINUTES * 60) / 12)));
const FLAT_PCT = 10;

/** BullMQ's own per-queue keys; any other third part is a job id. */
const BULL_QUEUE_KEYS = new Set(['wait', 'active', 'completed', 'failed', 'delayed', 'paused', 'prioritized', 'waiting-children', 'events', 'id', 'meta', 'marker', 'stalled', 'stalled-check', 'limiter', 'repeat', 'de', 'pc']);

/**
 * A key's family: the part after the board's hash tag, ids folded (`history:<site>` →
 * `history`; BullMQ's `bull:updates:<job id>[:lock|:logs]` → `bull:updates:<job>[:lock|:logs]`).
 */
function familyOf(key: string, tag: string): string {
  const parts = key.slice(tag.length + 1).split(':');
  if (parts[0] !== 'bull') return parts[0]!;
  const kind = parts[2] ?? '';
  if (BULL_QUEUE_KEYS.has(kind)) return `bull:${parts[1]}:${kind}`;
  return `bull:${parts[1]}:<job>${parts[3] ? `:${parts[3]}` : ''}`;
}

/** Keys and elements per key family of the board. */
async function keyFamilies(redis: Redis, prefix: string): Promise<Map<string, { keys: number; elements: number }>> {
  const tag = `{${prefix}}`;
  const families = new Map<string, { keys: number; elements: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${tag}*`, 'COUNT', 1000);
    cursor = next;
    const types = (await redis.pipeline(keys.map((key) => ['type', key])).exec()) ?? [];
    const lengthCommand: Record<string, string> = { hash: 'hlen', zset: 'zcard', list: 'llen', set: 'scard', stream: 'xlen' };
    const lengths = (await redis.pipeline(keys.map((key, i) => {
      const command = lengthCommand[String(types[i]?.[1])];
      return command ? [command, key] : ['exists', key];
    })).exec()) ?? [];
    keys.forEach((key, i) => {
      const family = familyOf(key, tag);
      const entry = families.get(family) ?? { keys: 0, elements: 0 };
      entry.keys++;
      entry.elements += Number(lengths[i]?.[1] ?? 0);
      families.set(family, entry);
    });
  } while (cursor !== '0');
  return families;
}

async function redisRssMb(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory_rss:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024;
}

interface Sample {
  minute: number;
  server: number;
  workers: number;
  redis: number;
  families: Map<string, { keys: number; elements: number }>;
}

export async function runSoakBenchmark(): Promise<Record<string, string | number>[]> {
  const benchRedis = await startBenchRedis();
  const board = await startBoardProcesses({}, 1, { redisUrl: benchRedis.url });
  const redis = new Redis(benchRedis.url);
  const poster = createPoster(board.url, board.adminKey);
  const sites = loadReferenceData().sites.map((site) => site.code);
  const samples: Sample[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const display = (await (await fetch(`${board.url}/api/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${board.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'display', label: 'soak bench' }) })).json()) as { key: string };
    const screens = await startScreens(board.urls, display.key, SCREENS);
    const [serverPid] = childrenRunning('server/src/main.ts');
    const [workersPid] = childrenRunning('workers/src/main.ts');
    const started = Date.now();
    const sample = async () => {
      samples.push({ minute: (Date.now() - started) / 60_000, server: rssMbOfTree(serverPid!), workers: rssMbOfTree(workersPid!), redis: await redisRssMb(redis), families: await keyFamilies(redis, board.prefix) });
    };
    await sample();
    timer = setInterval(() => void sample(), SAMPLE_SECONDS * 1000);
    const refused: number[] = [];
    await atRate(RATE, MINUTES * 60, async (i) => {
      const site = sites[i % sites.length]!;
      const response = await poster.post('/api/v1/updates', JSON.stringify({ site, opel: (i % 4) + 1, note: `soak ${i}`, metrics: { handoverMeanMin: i % 120 } }));
      if (response.status !== 202) refused.push(response.status);
    });
    clearInterval(timer);
    // Let the queue drain, then every screen must hold the board's last seq.
    let seq = -1;
    let behind = SCREENS;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const now = ((await (await fetch(`${board.url}/api/v1/board`, { headers: { authorization: `Bearer ${board.adminKey}` } })).json()) as { seq: number }).seq;
      const { screens: states } = await screens.report();
      behind = states.filter((s) => s.lastSeq !== now).length;
      if (now === seq && behind === 0) break;
      seq = now;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await sample();
    screens.stop();

    const timeline = samples.map((s) => ({ minute: s.minute.toFixed(1), 'server MB': s.server.toFixed(0), 'workers MB': s.workers.toFixed(0), 'redis MB': s.redis.toFixed(1), keys: [...s.families.values()].reduce((sum, f) => sum + f.keys, 0) }));
    printTable(`Soak timeline (${RATE} updates/s, ${SCREENS} screens, ${MINUTES} min)`, timeline);
    const families = [...new Set(samples.flatMap((s) => [...s.families.keys()]))].sort();
    const mid = samples[Math.floor(samples.length / 2)]!;
    printTable('Redis key families of the board (keys / elements): start, middle, end', families.map((family) => {
      const at = (s: Sample) => s.families.get(family) ?? { keys: 0, elements: 0 };
      return { family, start: `${at(samples[0]!).keys} / ${at(samples[0]!).elements}`, middle: `${at(mid).keys} / ${at(mid).elements}`, end: `${at(samples.at(-1)!).keys} / ${at(samples.at(-1)!).elements}` };
    }));

    // The first sample after the warm-up is the baseline: the first minute fills caches and pools.
    const baseline = samples[Math.min(1, samples.length - 1)]!;
    const last = samples.at(-1)!;
    const growth = (from: number, to: number) => ((to - from) / from) * 100;
    const row = (name: string, from: number, to: number) => ({
      measure: `${name} RSS, after warm-up → end`,
      value: `${from.toFixed(0)} → ${to.toFixed(0)} MB (${growth(from, to) >= 0 ? '+' : ''}${growth(from, to).toFixed(1)} %)`,
      target: `within ${FLAT_PCT} %`,
      met: Math.abs(growth(from, to)) <= FLAT_PCT ? 'yes' : 'no',
    });
    return [
      row('server', baseline.server, last.server),
      row('workers', baseline.workers, last.workers),
      row('Redis', baseline.redis, last.redis),
      { measure: `updates posted (${RATE}/s for ${MINUTES} min); refused`, value: `${RATE * MINUTES * 60}; ${refused.length} refused${refused.length ? ` (${[...new Set(refused)].join(', ')})` : ''}`, target: 'none refused', met: refused.length === 0 ? 'yes' : 'no' },
      { measure: "screens whose last seq equals the board's at the end", value: `${SCREENS - behind} of ${SCREENS} (board seq ${seq})`, target: 'all', met: behind === 0 ? 'yes' : 'no' },
    ];
  } finally {
    if (timer) clearInterval(timer);
    poster.close();
    await board.stop();
    await redis.quit();
    await benchRedis.stop();
  }
}
