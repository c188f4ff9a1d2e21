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
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadReferenceData } from '@pb/shared/node';
import { createPoster, percentile, startBoardProcesses } from './board-processes.js';

const SCREENS = Number(process.env.BENCH_SCREENS ?? 10_000);
const SCREEN_PROCESSES = Number(process.env.BENCH_SCREEN_PROCESSES ?? 2);
const EVENTS = Number(process.env.BENCH_SCREENS_EVENTS ?? 10);
const TARGET_RATIO = 1.0;

export interface ScreenState {
  lastSeq: number;
  subscribed: boolean;
  replays: number;
  snapshots: number;
  subscribedAt: number;
}

/** Screens spread over client processes, each a raw socket.io websocket on `/board`. */
export interface ScreenFleet {
  pids: number[];
  /** How many screens have received the status event of `seq`. */
  received(seq: number): Promise<number>;
  /** Every receipt time by seq, and every screen's state. */
  report(): Promise<{ receipts: Map<number, number[]>; screens: ScreenState[] }>;
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
    stop: () => children.forEach((child) => child.kill()),
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

export async function runScreensBenchmark(): Promise<Record<string, string | number>[]> {
  const rows: Record<string, string | number>[] = [];
  const board = await startBoardProcesses();
  const poster = createPoster(board.url, board.adminKey);
  try {
    const display = await (await fetch(`${board.url}/api/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${board.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'display', label: 'screens bench' }) })).json() as { key: string };
    const siteCodes = loadReferenceData().sites.map((site) => site.code);
    const [serverPid] = childrenRunning('server/src/main.ts');
    const rssBefore = rssMbOfTree(serverPid!);
    const started = Date.now();
    const screens = await startScreens(board.urls, display.key, SCREENS);
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
    await board.stop();
  }
  return rows;
}
