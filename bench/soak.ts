/**
 * `npm run bench -- soak`: a day in an hour. 50 updates/s (`BENCH_SOAK_RATE`) over
 * every site, with 1,000 screens (`BENCH_SOAK_SCREENS`) subscribed, for
 * `BENCH_SOAK_MINUTES` (default 60; 2 in CI), on a Redis of the benchmark's own.
 * Sampled every `BENCH_SOAK_SAMPLE_SECONDS`: RSS of the server, the workers and Redis,
 * and the size of every Redis key family of the board (keys, and elements in them).
 * At the end every screen's last seq must equal the board's. Memory is "flat" when the
 * last sample is within 10 % of the first one taken after the warm-up.
 *
 * One of the screens is a real wallboard: `/wall` in headless Chromium, signed in with the
 * same display key (`BENCH_SOAK_WALL=0` leaves it out). Its JS heap after forced garbage
 * collection and its DOM element count are taken after the warm-up and at the end, and
 * it must show the board's last seq too.
 */
import { Redis } from 'ioredis';
import { loadReferenceData } from '@pb/shared/node';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from '../test/support/browser.js';
import { atRate, createDisplayKey, createPoster, printTable, startBenchRedis, startBoardProcesses } from './board-processes.js';
import { openBoard, usedHeap } from './browser.js';
import { childrenRunning, rssMbOfTree, startScreens } from './screens.js';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 60);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 50);
const SCREENS = Number(process.env.BENCH_SOAK_SCREENS ?? 1_000);
const SAMPLE_SECONDS = Number(process.env.BENCH_SOAK_SAMPLE_SECONDS ?? Math.max(10, Math.round((MINUTES * 60) / 12)));
const FLAT_PCT = 10;
const WALL = process.env.BENCH_SOAK_WALL !== '0';
/** Updates posted before the wallboard's baseline is taken (JIT, first alerts, caches). */
const WALL_WARM_UP_SECONDS = Math.min(60, Math.max(10, MINUTES * 2));

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

/** What a key family may hold: keys and elements, as documented in the README's table. */
interface Bound {
  keys?: number;
  elements?: number;
  /** The README's words for it. */
  documented: string;
}

/**
 * The README's bound for each key family, for a board of `sites` sites that has taken
 * `rate` updates and published `eventRate` events (status, alert and acknowledgement
 * events together) a second for `seconds`. Age-bounded families may hold what arrived
 * within their age (plus one housekeeping interval); count-bounded ones their count.
 */
function documentedBound(family: string, sites: number, rate: number, eventRate: number, seconds: number): Bound | undefined {
  const DAY = 86_400;
  const arrived = (age: number, slack = 600) => Math.ceil(rate * (Math.min(seconds, age) + slack));
  const published = (age: number, slack = 600) => Math.ceil(eventRate * (Math.min(seconds, age) + slack));
  switch (family) {
    case 'status':
    case 'versions':
      return { keys: 1, elements: sites, documented: 'S fields' };
    case 'seq':
    case 'queued-updates':
      return { keys: 1, documented: '1 key' };
    case 'events':
      return { keys: 1, elements: Math.max(10_000, published(DAY)), documented: '≥ 10,000 events or 24 h, trimmed every 10 min' };
    case 'seq-times':
      return { keys: 1, elements: Math.min(2_000 * sites, published(30 * DAY)), documented: '30 days, ≤ 2,000 × S' };
    case 'history':
      return { keys: sites, elements: 2_000 * sites, documented: '2,000 per site' };
    case 'alerts':
      return { keys: 1, elements: 7 * sites + published(DAY), documented: 'open (≤ 7 × S) + ended in 24 h' };
    case 'alerts-open':
      return { keys: 1, elements: 7 * sites, documented: '≤ 7 × S' };
    case 'stale-sites':
      return { keys: 1, elements: sites, documented: '≤ S' };
    case 'update':
      return { keys: arrived(DAY, 60), documented: '24 h each' };
    case 'rejections':
      return { keys: 1, elements: 1_000, documented: '1,000' };
    case 'idem':
      return { keys: arrived(DAY, 60), documented: '24 h each' };
    case 'queued-jobs':
      return { keys: 1, elements: 200_000, documented: '≤ PB_MAX_QUEUED' };
    case 'keys':
    case 'key-hashes':
    case 'key-hashes-revoked':
    case 'bootstrap-admin':
      return { keys: 1, elements: 10, documented: 'one per key issued (2 here)' };
    case 'session':
      return { keys: 10, documented: 'idle or absolute deadline (1 wallboard here)' };
    case 'rl':
    case 'rl-updates':
      return { keys: 10, documented: 'per key or address, 1–60 s' };
    case 'audit':
      return { keys: 1, elements: 101_000, documented: '~100,000' };
    case 'bull:updates:completed':
      return { keys: 1, elements: 200, documented: '200 and 1 h' };
    case 'bull:updates:failed':
      return { keys: 1, elements: 1_000, documented: '1,000 and 7 days' };
    case 'bull:updates:<job>':
    case 'bull:updates:<job>:lock':
      return { keys: 200 + 1_000 + 400, documented: 'completed 200 + failed 1,000 + waiting' };
    case 'bull:updates:events':
    case 'bull:notifications:events':
    case 'bull:maintenance:events':
      return { keys: 1, elements: 11_000, documented: "BullMQ's event stream, ~10,000" };
    case 'bull:maintenance:repeat':
      return { keys: 20, elements: 200, documented: 'one schedule per housekeeping job' };
    default:
      if (family.startsWith('bull:maintenance:')) return { keys: 100, elements: 100, documented: '10 completed, 50 failed' };
      if (family.startsWith('bull:')) return { keys: 1, elements: 10_000, documented: "BullMQ's bookkeeping" };
      return undefined;
  }
}

interface Sample {
  minute: number;
  /** The wallboard's JS heap after GC (MB) and DOM elements, when one is running. */
  wall?: { heap: number; nodes: number };
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
  let browser: Browser | undefined;
  try {
    const displayKey = await createDisplayKey(board);
    const screens = await startScreens(board.urls, displayKey, SCREENS - (WALL ? 1 : 0));
    let wall: Page | undefined;
    if (WALL) {
      browser = await launchChromium(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-GB' });
      await signIn(await context.newPage(), board.url, displayKey);
      wall = await openBoard(context, board.url, '/wall', sites.length);
    }
    const [serverPid] = childrenRunning('server/src/main.ts');
    const [workersPid] = childrenRunning('workers/src/main.ts');
    const started = Date.now();
    const sample = async () => {
      samples.push({ minute: (Date.now() - started) / 60_000, server: rssMbOfTree(serverPid!), workers: rssMbOfTree(workersPid!), redis: await redisRssMb(redis), families: await keyFamilies(redis, board.prefix) });
    };
    const wallSample = async () => {
      if (!wall) return undefined;
      const { heap, nodes } = await usedHeap(wall);
      return { heap: heap / 1_048_576, nodes };
    };
    /** The wallboard's sample after the warm-up, taken once by the first post past it. */
    let wallBaselineTaken: Promise<Sample['wall']> | undefined;
    await sample();
    timer = setInterval(() => void sample(), SAMPLE_SECONDS * 1000);
    const refused: number[] = [];
    const warmUpAt = Date.now() + WALL_WARM_UP_SECONDS * 1000;
    await atRate(RATE, MINUTES * 60, async (i) => {
      const site = sites[i % sites.length]!;
      // A connection the server drops is a post refused (status 0), not the end of the run.
      const response = await poster.post('/api/v1/updates', JSON.stringify({ site, opel: (i % 4) + 1, note: `soak ${i}`, metrics: { handoverMeanMin: i % 120 } })).catch((error: Error) => {
        if (refused.length < 5) console.error(`soak: post ${i} failed: ${error.message}`);
        return { status: 0 };
      });
      if (response.status !== 202) refused.push(response.status);
      if (wall && !wallBaselineTaken && Date.now() >= warmUpAt) wallBaselineTaken = wallSample();
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
    const wallBaseline = await wallBaselineTaken;
    const wallEnd = await wallSample();
    const wallSeq = wall ? Number(await wall.getByTestId('wall').getAttribute('data-seq').catch(() => null)) : null;
    screens.stop();

    const timeline = samples.map((s) => ({ minute: s.minute.toFixed(1), 'server MB': s.server.toFixed(0), 'workers MB': s.workers.toFixed(0), 'redis MB': s.redis.toFixed(1), keys: [...s.families.values()].reduce((sum, f) => sum + f.keys, 0) }));
    printTable(`Soak timeline (${RATE} updates/s, ${SCREENS} screens, ${MINUTES} min)`, timeline);
    const families = [...new Set(samples.flatMap((s) => [...s.families.keys()]))].sort();
    const mid = samples[Math.floor(samples.length / 2)]!;
    const seconds = (samples.at(-1)!.minute - samples[0]!.minute) * 60;
    let outside = 0;
    printTable('Redis key families of the board (keys / elements): start, middle, end, beside the README\'s bound', families.map((family) => {
      const at = (s: Sample) => s.families.get(family) ?? { keys: 0, elements: 0 };
      const end = at(samples.at(-1)!);
      const bound = documentedBound(family, sites.length, RATE, seq / seconds, seconds);
      const inside = bound !== undefined && end.keys <= (bound.keys ?? Infinity) && end.elements <= (bound.elements ?? Infinity);
      if (!inside) outside++;
      return {
        family,
        start: `${at(samples[0]!).keys} / ${at(samples[0]!).elements}`,
        middle: `${at(mid).keys} / ${at(mid).elements}`,
        end: `${end.keys} / ${end.elements}`,
        'bound now (keys / elements)': bound ? `${bound.keys ?? '—'} / ${bound.elements ?? '—'} (${bound.documented})` : 'not documented',
        inside: inside ? 'yes' : 'NO',
      };
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
    const wallRows: Record<string, string | number>[] = [];
    if (wallBaseline && wallEnd) {
      const heapGrowth = growth(wallBaseline.heap, wallEnd.heap);
      wallRows.push(
        { measure: `wallboard (Chromium, /wall) JS heap after GC, after a ${WALL_WARM_UP_SECONDS} s warm-up → end`, value: `${wallBaseline.heap.toFixed(2)} → ${wallEnd.heap.toFixed(2)} MB (${heapGrowth >= 0 ? '+' : ''}${heapGrowth.toFixed(1)} %)`, target: `within ${FLAT_PCT} %`, met: Math.abs(heapGrowth) <= FLAT_PCT ? 'yes' : 'no' },
        { measure: 'wallboard DOM elements, after warm-up → end', value: `${wallBaseline.nodes} → ${wallEnd.nodes}`, target: 'flat (within 10 %)', met: Math.abs(growth(wallBaseline.nodes, wallEnd.nodes)) <= FLAT_PCT ? 'yes' : 'no' },
        { measure: "wallboard's seq at the end", value: `${wallSeq} (board ${seq})`, target: "the board's", met: wallSeq === seq ? 'yes' : 'no' },
      );
    }
    return [
      { measure: 'Redis key families inside their documented bound at the end', value: `${families.length - outside} of ${families.length}`, target: 'all', met: outside === 0 ? 'yes' : 'no' },
      ...wallRows,
      row('server', baseline.server, last.server),
      row('workers', baseline.workers, last.workers),
      row('Redis', baseline.redis, last.redis),
      { measure: `updates posted (${RATE}/s for ${MINUTES} min); refused`, value: `${RATE * MINUTES * 60}; ${refused.length} refused${refused.length ? ` (${[...new Set(refused)].join(', ')})` : ''}`, target: 'none refused', met: refused.length === 0 ? 'yes' : 'no' },
      { measure: "screens whose last seq equals the board's at the end", value: `${SCREENS - behind} of ${SCREENS} (board seq ${seq})`, target: 'all', met: behind === 0 ? 'yes' : 'no' },
    ];
  } finally {
    if (timer) clearInterval(timer);
    await browser?.close();
    poster.close();
    await board.stop();
    await redis.quit();
    await benchRedis.stop();
  }
}
