/**
 * `npm run bench -- screens`: one event's fan-out to many board screens (default
 * 10,000, `BENCH_SCREENS`) held in two client processes (`BENCH_SCREEN_PROCESSES`),
 * beside the floor measured in the same run: a bare socket.io server in a process of
 * its own broadcasting the same status event (~480 bytes) to as many clients. Also the
 * server's RSS per connected board.
 *
 * Fan-out latency of one receipt = its time − the first receipt of that event by any
 * screen (the same measure for board and floor: how long the last screens wait after
 * the first). The board's row also gives POST → last screen.
 *
 * Then the sustained rate, board and floor alike, with the same screens: events at
 * rising rates (`BENCH_RATES`, default 50,100,200,400,800 a second, each for
 * `BENCH_RATE_SECONDS`, default 10), sent in batches every 50 ms (the board: one POST
 * of an array of updates to distinct sites; the floor: the same number of broadcasts of
 * an event the size of the board's). A rate is kept up when, for that step:
 *  1. every board received every event: no board skipped a seq, and no socket dropped;
 *  2. within 2 s of the step's last event being sent, every board holds the last seq
 *     (the board's: `GET /board` once the queue has drained; the floor's: its last broadcast);
 *  3. the lag did not grow through the step: send → receipt p99 over the events sent in
 *     the step's last third ≤ 2 × the first third's p99 + 100 ms (a backlog grows
 *     with time; a machine's noise does not double the p99 and add 100 ms);
 *  4. (the board) every POST was accepted (202).
 * The ramp stops at the first rate not kept up, for each side on its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisKeys, UPDATES_QUEUE } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { createDisplayKey, createPoster, percentile, REDIS_URL, startBoardProcesses } from './board-processes.js';

const SCREENS = Number(process.env.BENCH_SCREENS ?? 10_000);
const SCREEN_PROCESSES = Number(process.env.BENCH_SCREEN_PROCESSES ?? 2);
const EVENTS = Number(process.env.BENCH_SCREENS_EVENTS ?? 10);
const TARGET_RATIO = 1.0;
const RATES = (process.env.BENCH_RATES ?? '50,100,200,400,800').split(',').map(Number).filter((rate) => rate > 0);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
/** Events of a step go out in a batch every tick. */
const RATE_TICK_MS = 50;
/** Every board must hold the step's last seq this soon after the last event was sent. */
const CAUGHT_UP_WITHIN_MS = 2_000;
/** The last third's p99 may be at most this × the first third's, plus this many ms. */
const LAG_GROWTH = { factor: 2, plusMs: 100 };
/** How long to wait, after a step, for every board to catch up before the next (or before giving up). */
const DRAIN_TIMEOUT_MS = 60_000;

const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ScreenState {
  lastSeq: number;
  subscribed: boolean;
  replays: number;
  snapshots: number;
  subscribedAt: number;
  /** Events this screen never got (seqs skipped over), and its sockets closed, since the last rate step started. */
  missed: number;
  drops: number;
}

/** A sustained-rate step as the screens saw it: send → receipt lags (1 ms buckets → receipts), missed events, drops. */
export interface RateReport {
  all: Map<number, number>;
  first: Map<number, number>;
  last: Map<number, number>;
  max: number;
  missed: number;
  screensMissing: number;
  drops: number;
}

/** Screens spread over client processes, each a raw socket.io websocket on `/board`. */
export interface ScreenFleet {
  pids: number[];
  /** Screens in the fleet. */
  size: number;
  /** How many screens have received the status event of `seq`. */
  received(seq: number): Promise<number>;
  /** Every receipt time by seq, and every screen's state. */
  report(): Promise<{ receipts: Map<number, number[]>; screens: ScreenState[] }>;
  /** How many screens are subscribed (since `subscribedAfter`, epoch ms, if given) and hold `seq` or a later one. */
  holding(seq: number, subscribedAfter?: number): Promise<number>;
  /** Starts a sustained-rate step: its events carry `rate:<step>:<sent µs>` as their note. */
  rateStart(step: number, startedAt: number, seconds: number): Promise<void>;
  rateReport(): Promise<RateReport>;
  stop(): void;
}

function ask<T>(child: ChildProcess, message: object, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (reply: { type: string }) => {
      if (reply.type !== type) return;
      child.off('message', onMessage);
      resolve(reply as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** Starts `total` screens in `processes` client processes and waits until all are subscribed. */
export async function startScreens(urls: string[], token: string, total: number, processes = SCREEN_PROCESSES, readyTimeoutMs = 600_000): Promise<ScreenFleet> {
  const script = fileURLToPath(new URL('./screen-clients.ts', import.meta.url));
  const children = Array.from({ length: processes }, (_, i) => {
    const share = Math.floor(total / processes) + (i < total % processes ? 1 : 0);
    return fork(script, [urls.join(','), token, String(share)], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'] });
  });
  process.once('exit', () => children.forEach((child) => child.kill()));
  await Promise.race([
    Promise.all(children.map((child) => new Promise<void>((resolve) => child.on('message', (m: { type: string }) => m.type === 'ready' && resolve())))),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${total} screens not all subscribed within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs)),
  ]);
  return {
    pids: children.map((child) => child.pid!),
    size: total,
    async received(seq) {
      const counts = await Promise.all(children.map((child) => ask<{ received: number }>(child, { type: 'count', seq }, 'count')));
      return counts.reduce((sum, c) => sum + c.received, 0);
    },
    async report() {
      const reports = await Promise.all(children.map((child) => ask<{ receipts: [number, number[]][]; screens: ScreenState[] }>(child, { type: 'report' }, 'report')));
      const receipts = new Map<number, number[]>();
      for (const report of reports) for (const [seq, times] of report.receipts) receipts.set(seq, [...(receipts.get(seq) ?? []), ...times]);
      return { receipts, screens: reports.flatMap((report) => report.screens) };
    },
    async holding(seq, subscribedAfter = 0) {
      const counts = await Promise.all(children.map((child) => ask<{ holding: number }>(child, { type: 'holding', seq, subscribedAfter }, 'holding')));
      return counts.reduce((sum, c) => sum + c.holding, 0);
    },
    async rateStart(step, startedAt, seconds) {
      await Promise.all(children.map((child) => ask(child, { type: 'rate-start', step, startedAt, seconds }, 'rate-start')));
    },
    async rateReport() {
      type Sparse = [number, number][];
      const reports = await Promise.all(children.map((child) => ask<{ all: Sparse; first: Sparse; last: Sparse; max: number; missed: number; screensMissing: number; drops: number }>(child, { type: 'rate-report' }, 'rate-report')));
      const merge = (pick: (r: (typeof reports)[number]) => Sparse) => {
        const merged = new Map<number, number>();
        for (const report of reports) for (const [bucket, n] of pick(report)) merged.set(bucket, (merged.get(bucket) ?? 0) + n);
        return merged;
      };
      return {
        all: merge((r) => r.all),
        first: merge((r) => r.first),
        last: merge((r) => r.last),
        max: Math.max(0, ...reports.map((r) => r.max)),
        missed: reports.reduce((sum, r) => sum + r.missed, 0),
        screensMissing: reports.reduce((sum, r) => sum + r.screensMissing, 0),
        drops: reports.reduce((sum, r) => sum + r.drops, 0),
      };
    },
    stop: () => children.forEach((child) => child.kill()),
  };
}

/** The `p`th percentile (ms, to the bucket) of a 1 ms lag histogram; NaN when it is empty. */
function histogramPercentile(histogram: Map<number, number>, p: number): number {
  const total = [...histogram.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return bucket;
  }
  return NaN;
}

/** One side of the sustained-rate comparison: how it sends a step's events, and the seq every screen must then hold. */
interface RateSide {
  name: string;
  fleet: ScreenFleet;
  /** Sends one event per note, as one batch; resolves once sent (the board: once the POST is answered). */
  send(notes: string[]): Promise<{ refused: number }>;
  /** The seq of the last event sent so far, once it is known (the board: after its queue has drained), else null. */
  settledSeq(): Promise<number | null>;
}

interface RateStepResult {
  rate: number;
  events: number;
  keptUp: boolean;
  row: Record<string, string | number>;
}

/** Runs `rate` events a second for RATE_SECONDS on one side and says whether every board kept up. */
async function runRateStep(side: RateSide, step: number, rate: number): Promise<RateStepResult> {
  const fromSeq = await side.settledSeq();
  const startedAt = nowMs();
  await side.fleet.rateStart(step, startedAt, RATE_SECONDS);
  const total = Math.round(rate * RATE_SECONDS);
  const sends: Promise<{ refused: number }>[] = [];
  let sent = 0;
  let lastSentAt = startedAt;
  for (let tick = 0; sent < total; tick++) {
    const wait = startedAt + tick * RATE_TICK_MS - nowMs();
    if (wait > 0) await sleep(wait);
    const upTo = Math.min(total, Math.round((rate * (tick + 1) * RATE_TICK_MS) / 1000));
    if (upTo <= sent) continue;
    lastSentAt = nowMs();
    const note = `rate:${step}:${Math.round(lastSentAt * 1000)}`;
    sends.push(side.send(Array.from({ length: upTo - sent }, () => note)));
    sent = upTo;
  }
  const refused = (await Promise.all(sends)).reduce((sum, s) => sum + s.refused, 0);

  // Every board must hold the last seq within CAUGHT_UP_WITHIN_MS of the last send; then wait on (for the report) until it does.
  let caughtUpAt = 0;
  let seq: number | null = null;
  let holding = 0;
  while (nowMs() - lastSentAt < DRAIN_TIMEOUT_MS) {
    seq = await side.settledSeq();
    if (seq !== null && (holding = await side.fleet.holding(seq)) >= side.fleet.size) {
      caughtUpAt = nowMs();
      break;
    }
    await sleep(25);
  }
  const report = await side.fleet.rateReport();
  const p99 = histogramPercentile(report.all, 99);
  const firstP99 = histogramPercentile(report.first, 99);
  const lastP99 = histogramPercentile(report.last, 99);
  const caughtUpMs = caughtUpAt ? caughtUpAt - lastSentAt : NaN;
  const checks = {
    everyEvent: report.missed === 0 && report.drops === 0,
    caughtUp: caughtUpAt > 0 && caughtUpMs <= CAUGHT_UP_WITHIN_MS,
    noGrowth: lastP99 <= firstP99 * LAG_GROWTH.factor + LAG_GROWTH.plusMs,
    accepted: refused === 0,
  };
  const keptUp = Object.values(checks).every(Boolean);
  const events = seq !== null && fromSeq !== null ? seq - fromSeq : sent;
  return {
    rate,
    events,
    keptUp,
    row: {
      'events/s': rate,
      side: side.name,
      events,
      'send → receipt p50 / p99 / max': `${histogramPercentile(report.all, 50)} / ${p99} / ${report.max.toFixed(0)} ms`,
      'p99 first → last third': `${firstP99} → ${lastP99} ms${checks.noGrowth ? '' : ' (grew)'}`,
      'every board at last seq': caughtUpAt ? `+${caughtUpMs.toFixed(0)} ms after the last send` : `not within ${DRAIN_TIMEOUT_MS / 1000} s (${holding} of ${side.fleet.size} at seq ${seq})`,
      'missed / drops / refused': `${report.missed} on ${report.screensMissing} boards / ${report.drops} / ${refused}`,
      'kept up': keptUp ? 'yes' : `no (${Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name).join(', ')})`,
    },
  };
}

/** Steps through RATES until the first one not kept up; returns every step run. */
async function runRateSteps(side: RateSide, firstStep: number): Promise<RateStepResult[]> {
  const results: RateStepResult[] = [];
  for (const [i, rate] of RATES.entries()) {
    const result = await runRateStep(side, firstStep + i, rate);
    console.error(`screens: ${side.name} at ${rate} events/s: ${result.keptUp ? 'kept up' : 'fell behind'}`);
    results.push(result);
    if (!result.keptUp) break;
    await sleep(1_000);
  }
  return results;
}

/** Rows of both sides' steps, rate by rate, and the highest rate each kept up with. */
function rateTables(board: RateStepResult[], floor: RateStepResult[], floorEventBytes: number): { rates: Record<string, string | number>[]; rateSummary: Record<string, string | number>[] } {
  const rates: Record<string, string | number>[] = [];
  for (const rate of RATES) {
    for (const side of [board, floor]) {
      const result = side.find((r) => r.rate === rate);
      if (result) rates.push(result.row);
    }
  }
  const highest = (results: RateStepResult[]) => Math.max(0, ...results.filter((r) => r.keptUp).map((r) => r.rate));
  const boardHighest = highest(board);
  const floorHighest = highest(floor);
  const bound = (results: RateStepResult[], top: number) => (results.length > 0 && results.at(-1)!.keptUp ? `${top}/s (every rate tried: at least this)` : top > 0 ? `${top}/s` : `none of ${RATES[0]}/s and up`);
  return {
    rates,
    rateSummary: [{
      screens: SCREENS,
      'board: highest rate kept up': bound(board, boardHighest),
      'floor: highest rate kept up': bound(floor, floorHighest),
      'board ÷ floor': floorHighest > 0 ? `×${(boardHighest / floorHighest).toFixed(2)}` : '—',
      'floor event': `${floorEventBytes} bytes (the board's status event: status and previous status)`,
      'kept up means': `every event on every board, all at the last seq ≤ ${CAUGHT_UP_WITHIN_MS / 1000} s after the last send, last-third p99 ≤ ${LAG_GROWTH.factor} × first-third p99 + ${LAG_GROWTH.plusMs} ms, every POST accepted; ${RATE_SECONDS} s a rate`,
    }],
  };
}

/** Pids of a process and all its descendants. */
export function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) pids.push(...processTree(Number(child)));
    }
  } catch {
    // gone
  }
  return pids;
}

/** Resident memory (MB) of a process and its descendants (a tsx launcher and its node). */
export function rssMbOfTree(pid: number): number {
  let kb = 0;
  for (const each of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${each}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** This process's children whose command line includes `entry` (e.g. `server/src/main.ts`). */
export function childrenRunning(entry: string): number[] {
  return processTree(process.pid).slice(1).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(entry) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] === String(process.pid);
    } catch {
      return false;
    }
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Fan-out latencies (ms after the event's first receipt) of every receipt, and the first receipt of each event. */
function fanOut(receipts: Map<number, number[]>): { latencies: number[]; firsts: Map<number, number> } {
  const latencies: number[] = [];
  const firsts = new Map<number, number>();
  for (const [seq, times] of receipts) {
    const first = Math.min(...times);
    firsts.set(seq, first);
    for (const time of times) latencies.push(time - first);
  }
  return { latencies: latencies.sort((a, b) => a - b), firsts };
}

type Rows = Record<string, string | number>[];

/** The one-event fan-out table, and the sustained-rate steps with the highest rate each side kept up with. */
export async function runScreensBenchmark(): Promise<{ fanOut: Rows; rates: Rows; rateSummary: Rows }> {
  const rows: Rows = [];
  const board = await startBoardProcesses();
  const poster = createPoster(board.url, board.adminKey);
  const queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(UPDATES_QUEUE, { connection: queueConnection, prefix: redisKeys(board.prefix).bullPrefix });
  const adminGet = async <T>(path: string) => (await (await fetch(`${board.url}${path}`, { headers: { authorization: `Bearer ${board.adminKey}` } })).json()) as T;
  let boardRates: RateStepResult[] = [];
  let floorRates: RateStepResult[] = [];
  let floorEventBytes = 0;
  try {
    const displayKey = await createDisplayKey(board);
    const siteCodes = loadReferenceData().sites.map((site) => site.code);
    const [serverPid] = childrenRunning('server/src/main.ts');
    const rssBefore = rssMbOfTree(serverPid!);
    const started = Date.now();
    const screens = await startScreens(board.urls, displayKey, SCREENS);
    const connectSeconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rssAfter = rssMbOfTree(serverPid!);

    const postTimes = new Map<number, number>();
    let sampleEvent = '';
    for (let i = 0; i < EVENTS; i++) {
      const site = siteCodes[i % siteCodes.length]!;
      const postedAt = performance.timeOrigin + performance.now();
      const response = await poster.post('/api/v1/updates', JSON.stringify({ site, opel: (i % 4) + 1, note: `Screens benchmark event ${i}: ambulance handover delays across the site, escalation in progress` }));
      if (response.status !== 202) throw new Error(`post answered ${response.status}: ${response.body}`);
      const id = (JSON.parse(response.body) as { updates: { id: string }[] }).updates[0]!.id;
      let seq = 0;
      await waitFor(async () => {
        const update = (await (await fetch(`${board.url}/api/v1/updates/${id}`, { headers: { authorization: `Bearer ${board.adminKey}` } })).json()) as { state: string; seq?: number };
        seq = update.seq ?? 0;
        return update.state !== 'queued';
      }, 60_000, `update ${id} to apply`);
      postTimes.set(seq, postedAt);
      await waitFor(async () => (await screens.received(seq)) >= SCREENS, 120_000, `all ${SCREENS} screens to receive seq ${seq}`);
      if (!sampleEvent) sampleEvent = JSON.stringify({ seq, site, status: (await (await fetch(`${board.url}/api/v1/sites/${site}`, { headers: { authorization: `Bearer ${board.adminKey}` } })).json()) });
    }
    const boardReport = await screens.report();
    const boardFan = fanOut(boardReport.receipts);
    const postToLast = [...boardReport.receipts].map(([seq, times]) => Math.max(...times) - postTimes.get(seq)!).sort((a, b) => a - b);

    // Sustained rate: arrays of updates to distinct sites, one POST a tick.
    let nextSite = 0;
    boardRates = await runRateSteps({
      name: 'board',
      fleet: screens,
      async send(notes) {
        const body = JSON.stringify(notes.map((note) => ({ site: siteCodes[nextSite++ % siteCodes.length], opel: 2, note })));
        const response = await poster.post('/api/v1/updates', body).catch(() => ({ status: 0 }));
        return { refused: response.status === 202 ? 0 : notes.length };
      },
      async settledSeq() {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).some((n) => n > 0)) return null;
        return (await adminGet<{ seq: number }>('/api/v1/board')).seq;
      },
    }, 1);
    screens.stop();

    // The floor, in the same run: a bare socket.io server broadcasting an event of the same size.
    const floor = fork(fileURLToPath(new URL('./socketio-floor.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
    const port = await new Promise<number>((resolve) => floor.on('message', (m: { type: string; port?: number }) => m.type === 'listening' && resolve(m.port!)));
    const floorRssBefore = rssMbOfTree(floor.pid!);
    const floorScreens = await startScreens([`http://127.0.0.1:${port}`], 'floor', SCREENS);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const floorRssAfter = rssMbOfTree(floor.pid!);
    const payload = JSON.parse(sampleEvent) as { seq: number };
    for (let i = 0; i < EVENTS; i++) {
      const seq = 1_000_000 + i;
      floor.send({ type: 'broadcast', payload: { ...payload, seq } });
      await waitFor(async () => (await floorScreens.received(seq)) >= SCREENS, 120_000, `all floor clients to receive ${seq}`);
    }
    const floorFan = fanOut((await floorScreens.report()).receipts);

    // The floor's sustained rate: the board's event as it sends it (status, then the previous status), the note marking the step.
    const sample = JSON.parse(sampleEvent) as { site: string; status: Record<string, unknown> };
    let nextFloorSeq = 1_000_000 + EVENTS;
    floorEventBytes = Buffer.byteLength(JSON.stringify({ seq: nextFloorSeq, site: sample.site, status: { ...sample.status, note: `rate:1:${Math.round(nowMs() * 1000)}` }, previous: sample.status }));
    floorRates = await runRateSteps({
      name: 'floor (bare socket.io)',
      fleet: floorScreens,
      async send(notes) {
        floor.send({ type: 'broadcast-many', payloads: notes.map((note) => ({ seq: nextFloorSeq++, site: sample.site, status: { ...sample.status, note }, previous: sample.status })) });
        return { refused: 0 };
      },
      settledSeq: async () => nextFloorSeq - 1,
    }, 1);
    floorScreens.stop();
    floor.kill();

    const p99 = percentile(boardFan.latencies, 99);
    const floorP99 = percentile(floorFan.latencies, 99);
    rows.push({
      measure: `fan-out of one status event (${Buffer.byteLength(sampleEvent)} bytes) to every screen, p50 / p99 / max after its first receipt (${EVENTS} events)`,
      screens: SCREENS,
      board: `${percentile(boardFan.latencies, 50).toFixed(0)} / ${p99.toFixed(0)} / ${boardFan.latencies.at(-1)!.toFixed(0)} ms`,
      floor: `${percentile(floorFan.latencies, 50).toFixed(0)} / ${floorP99.toFixed(0)} / ${floorFan.latencies.at(-1)!.toFixed(0)} ms (bare socket.io)`,
      'board ÷ floor (p99)': `×${(p99 / floorP99).toFixed(2)}`,
      target: `p99 ≤ ×${TARGET_RATIO.toFixed(1)}`,
      met: p99 <= floorP99 * TARGET_RATIO ? 'yes' : 'no',
    });
    rows.push({
      measure: 'POST → last screen, p50 / max',
      screens: SCREENS,
      board: `${percentile(postToLast, 50).toFixed(0)} / ${postToLast.at(-1)!.toFixed(0)} ms`,
      floor: '—',
      'board ÷ floor (p99)': '—',
      target: '—',
      met: '—',
    });
    rows.push({
      measure: `server RSS per connected screen (all ${SCREENS} connected in ${connectSeconds.toFixed(1)} s)`,
      screens: SCREENS,
      board: `${(((rssAfter - rssBefore) * 1024) / SCREENS).toFixed(1)} KB (${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB)`,
      floor: `${(((floorRssAfter - floorRssBefore) * 1024) / SCREENS).toFixed(1)} KB (${floorRssBefore.toFixed(0)} → ${floorRssAfter.toFixed(0)} MB)`,
      'board ÷ floor (p99)': '—',
      target: '—',
      met: '—',
    });
  } finally {
    poster.close();
    await queue.close();
    queueConnection.disconnect();
    await board.stop();
  }
  return { fanOut: rows, ...rateTables(boardRates, floorRates, floorEventBytes) };
}
