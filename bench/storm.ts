/**
 * `npm run bench -- storm`: the reconnect storm after a deploy. `BENCH_STORM_SCREENS`
 * screens (default 10,000, in two client processes) are subscribed to one server; the
 * server is killed with SIGKILL and started again on the same port; updates are posted
 * as soon as it is ready. Measured: the time from ready until every screen is
 * resubscribed (with `since`, as the client does) and holds the seq `GET /board` gives,
 * and how many snapshots the server built for them (`pb_live_snapshot_builds_total`;
 * the target is one per seq, not one per socket).
 *
 * `npm run bench -- storm2`: the same with 2 server processes behind one port (the
 * benchmark's proxy, bench/proxy.ts, balancing websockets to the server with the fewest),
 * `BENCH_STORM_SCREENS` screens (default 20,000) connected through it. One server is
 * SIGKILLed and started again on its port; its screens reconnect through the proxy and
 * may land on either server. Updates are posted through the proxy as soon as the kill is
 * done and again when the restarted server is ready. Measured: the time from that server
 * being ready (and from the kill) until every screen is resubscribed with `since` and
 * holds the seq `GET /board` gives, snapshots built by each server, and where the
 * screens ended up.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisKeys, UPDATES_QUEUE } from '@pb/shared';
import { deleteBoardKeys, loadReferenceData } from '@pb/shared/node';
import { createDisplayKey, createPoster, freePort, REDIS_URL, startBoardProcesses, type BoardProcesses } from './board-processes.js';
import { childrenRunning, processTree, startScreens } from './screens.js';

const SCREENS = Number(process.env.BENCH_STORM_SCREENS ?? process.env.BENCH_SCREENS ?? 10_000);
const SCREENS_BEHIND_PROXY = Number(process.env.BENCH_STORM_SCREENS ?? 20_000);
/** Screens per proxy process: each holds two sockets per screen, within the open-file limit. */
const SCREENS_PER_PROXY_PROCESS = 6_000;
const TARGET_MS = 5_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function boardSeq(url: string, key: string): Promise<number> {
  return ((await (await fetch(`${url}/api/v1/board`, { headers: { authorization: `Bearer ${key}` } })).json()) as { seq: number }).seq;
}

async function snapshotBuilds(url: string): Promise<number> {
  return metric(url, 'pb_live_snapshot_builds_total');
}

/** One unlabelled value from a server's /metrics (NaN if the server does not answer). */
async function metric(url: string, name: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** Starts a server process of `board` on `port` again, as the first was started. */
function spawnServer(board: BoardProcesses, port: string): ChildProcess {
  return spawn(`${ROOT}node_modules/.bin/tsx`, ['server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL, PB_KEY_PREFIX: board.prefix, PB_ADMIN_KEY: board.adminKey, LOG_LEVEL: 'warn', PB_RATE_LIMIT: '1000000', PB_UPDATE_RATE: '1000000', PB_UPDATE_BURST: '1000000', PORT: port },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Waits until `url`/readyz answers 200; the time it did. */
async function untilReady(url: string, since: number, timeoutMs = 60_000): Promise<number> {
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return Date.now();
    } catch {
      // not listening yet
    }
    if (Date.now() - since > timeoutMs) throw new Error(`${url} was not ready within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** SIGKILLs a process and its descendants (a tsx launcher and its node), as a crash or a hard deploy would. */
function killTree(pid: number): void {
  for (const each of processTree(pid).reverse()) process.kill(each, 'SIGKILL');
}

/** The server process (this process's child) listening on `port`, from its environment. */
function serverOnPort(port: string): number {
  const pid = childrenRunning('server/src/main.ts').find((each) => readFileSync(`/proc/${each}/environ`, 'utf8').split('\0').includes(`PORT=${port}`));
  if (!pid) throw new Error(`no server process on port ${port}`);
  return pid;
}

/** The benchmark's proxy (bench/proxy.ts) on a free port in front of `servers`. */
async function startProxy(servers: string[], screens: number): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const processes = Math.max(1, Math.ceil(screens / SCREENS_PER_PROXY_PROCESS));
  const child = fork(fileURLToPath(new URL('./proxy.ts', import.meta.url)), [String(port), servers.join(','), String(processes)], { execArgv: ['--import', 'tsx'] });
  process.once('exit', () => child.kill());
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type: string }) => m.type === 'listening' && resolve());
    child.once('exit', (code) => reject(new Error(`the proxy exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

export async function runStormBenchmark(): Promise<Record<string, string | number>[]> {
  const board = await startBoardProcesses();
  const poster = createPoster(board.url, board.adminKey);
  const sites = loadReferenceData().sites.map((site) => site.code);
  let restarted: ChildProcess | undefined;
  const post = async (i: number) => {
    const response = await poster.post('/api/v1/updates', JSON.stringify({ site: sites[i % sites.length], opel: (i % 4) + 1, note: `storm ${i}` }));
    if (response.status !== 202) throw new Error(`post answered ${response.status}: ${response.body}`);
  };
  try {
    const displayKey = await createDisplayKey(board);
    for (let i = 0; i < 10; i++) await post(i);
    const screens = await startScreens(board.urls, displayKey, SCREENS);
    console.error(`storm: ${SCREENS} screens subscribed; killing the server`);

    const [serverPid] = childrenRunning('server/src/main.ts');
    killTree(serverPid!);
    const killedAt = Date.now();
    restarted = spawnServer(board, new URL(board.url).port);
    const readyAt = await untilReady(board.url, killedAt);
    console.error(`storm: server ready again ${((readyAt - killedAt) / 1000).toFixed(1)} s after the kill`);
    const seqAtReady = await boardSeq(board.url, board.adminKey);
    // Updates made while the screens are still coming back: they must catch up with `since`.
    for (let i = 10; i < 15; i++) await post(i);

    let allBackAt = 0;
    let allSubscribedAt = 0;
    let seq = 0;
    let lastCount = { subscribed: 0, current: 0 };
    for (;;) {
      seq = await boardSeq(board.url, board.adminKey);
      const { screens: states } = await screens.report();
      lastCount = { subscribed: states.filter((s) => s.subscribed).length, current: states.filter((s) => s.subscribed && s.lastSeq === seq).length };
      if (!allSubscribedAt && lastCount.subscribed === SCREENS) allSubscribedAt = Date.now();
      if (lastCount.current === SCREENS && seq >= 15) {
        allBackAt = Date.now();
        break;
      }
      if (Date.now() - readyAt > 120_000) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const { screens: states } = await screens.report();
    const builds = await snapshotBuilds(board.url);
    screens.stop();
    const backMs = allBackAt ? allBackAt - readyAt : NaN;
    const replays = states.reduce((sum, s) => sum + s.replays, 0);
    return [
      {
        measure: 'server SIGKILL → ready again',
        screens: SCREENS,
        value: `${((readyAt - killedAt) / 1000).toFixed(1)} s`,
        target: '—',
        met: '—',
      },
      {
        measure: 'ready → every screen resubscribed with since (polled every 250 ms)',
        screens: SCREENS,
        value: allSubscribedAt ? `${((allSubscribedAt - readyAt) / 1000).toFixed(1)} s` : 'not all within 120 s',
        target: '—',
        met: '—',
      },
      {
        measure: 'ready → every screen resubscribed with since and equal to GET /board (5 updates posted at ready)',
        screens: SCREENS,
        value: allBackAt ? `${(backMs / 1000).toFixed(1)} s (seq ${seq})` : `not all back within 120 s: ${lastCount.subscribed} subscribed, ${lastCount.current} at seq ${seq}`,
        target: `< ${TARGET_MS / 1000} s`,
        met: allBackAt && backMs < TARGET_MS ? 'yes' : 'no',
      },
      {
        measure: 'snapshots built by the restarted server (pb_live_snapshot_builds_total); subscriptions answered by replay',
        screens: SCREENS,
        value: `${builds} builds; ${replays} replays`,
        target: `≤ one per seq since ready (${seq - seqAtReady + 1}), not one per socket`,
        met: builds <= seq - seqAtReady + 1 ? 'yes' : 'no',
      },
    ];
  } finally {
    poster.close();
    if (restarted && restarted.exitCode === null) {
      for (const pid of processTree(restarted.pid!).reverse()) process.kill(pid, 'SIGTERM');
    }
    // stop() waits for each child's exit, and the SIGKILLed one has already gone: bound the wait, then clear the keys here.
    await Promise.race([board.stop(), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    const redis = new Redis(REDIS_URL);
    await deleteBoardKeys(redis, board.prefix);
    await redis.quit();
  }
}

/** `storm2`: two servers behind one port, one SIGKILLed and restarted under every screen. */
export async function runStormBehindProxyBenchmark(): Promise<Record<string, string | number>[]> {
  const screensWanted = SCREENS_BEHIND_PROXY;
  const board = await startBoardProcesses({}, 2);
  const [survivorUrl, killedUrl] = board.urls as [string, string];
  const killedPort = new URL(killedUrl).port;
  const proxy = await startProxy(board.urls, screensWanted);
  const poster = createPoster(proxy.url, board.adminKey);
  const queueConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(UPDATES_QUEUE, { connection: queueConnection, prefix: redisKeys(board.prefix).bullPrefix });
  const sites = loadReferenceData().sites.map((site) => site.code);
  let restarted: ChildProcess | undefined;
  let posted = 0;
  // As an integration would: a post the proxy could not deliver (the killed server, before the proxy knows) is sent again.
  const post = async () => {
    const i = posted++;
    const body = JSON.stringify({ site: sites[i % sites.length], opel: (i % 4) + 1, note: `storm ${i}` });
    for (let attempt = 0; ; attempt++) {
      const response = await poster.post('/api/v1/updates', body).catch((error: Error) => ({ status: 0, body: error.message }));
      if (response.status === 202) return;
      if (![0, 502, 503].includes(response.status) || attempt >= 50) throw new Error(`post answered ${response.status}: ${response.body}`);
      await sleep(200);
    }
  };
  const postSome = async (n: number) => {
    for (let i = 0; i < n; i++) await post();
  };
  try {
    const displayKey = await createDisplayKey({ url: proxy.url, adminKey: board.adminKey });
    await postSome(10);
    const screens = await startScreens([proxy.url], displayKey, screensWanted);
    const socketsBefore = await Promise.all(board.urls.map((url) => metric(url, 'pb_board_sockets')));
    const survivorBuildsBefore = await snapshotBuilds(survivorUrl);
    const seqBefore = await boardSeq(proxy.url, board.adminKey);
    console.error(`storm2: ${screensWanted} screens subscribed through the proxy (${socketsBefore.join(' + ')}); killing the server on port ${killedPort}`);

    const killedScreens = socketsBefore[1]!;
    killTree(serverOnPort(killedPort));
    const killedAt = Date.now();
    restarted = spawnServer(board, killedPort);
    // Updates while the killed server's screens are away (through the proxy, so on the survivor), and more once it is back.
    let readyAt = 0;
    let postsDone = false;
    const restart = (async () => {
      await postSome(5);
      readyAt = await untilReady(killedUrl, killedAt);
      console.error(`storm2: server ready again ${((readyAt - killedAt) / 1000).toFixed(1)} s after the kill`);
      await postSome(5);
      postsDone = true;
    })();
    let restartFailed: unknown;
    restart.catch((error: unknown) => (restartFailed = error));

    // From the kill on: every screen subscribed, every update out of the queue, and every screen at GET /board's seq.
    let allSubscribedAt = 0;
    let allBackAt = 0;
    let seq = 0;
    let last = { subscribed: 0, current: 0 };
    for (;;) {
      if (restartFailed) throw restartFailed;
      // Back: subscribed, with the killed server's screens subscribed again since the kill.
      const subscribed = await screens.holding(-1);
      const back = subscribed === screensWanted && (await screens.holding(-1, killedAt)) >= killedScreens;
      if (!allSubscribedAt && back) allSubscribedAt = Date.now();
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const drained = postsDone && Object.values(counts).every((n) => n === 0);
      seq = await boardSeq(proxy.url, board.adminKey).catch(() => seq);
      last = { subscribed, current: drained ? await screens.holding(seq) : 0 };
      if (back && drained && last.current === screensWanted) {
        allBackAt = Date.now();
        break;
      }
      if (Date.now() - killedAt > 180_000) break;
      await sleep(100);
    }
    await restart;
    const { screens: states } = await screens.report();
    const survivorBuilds = (await snapshotBuilds(survivorUrl)) - survivorBuildsBefore;
    const restartedBuilds = await snapshotBuilds(killedUrl);
    const socketsAfter = await Promise.all(board.urls.map((url) => metric(url, 'pb_board_sockets')));
    screens.stop();

    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const backMs = allBackAt - readyAt;
    const seqsSinceKill = seq - seqBefore;
    const replays = states.reduce((sum, s) => sum + s.replays, 0);
    // Every screen's first subscription (no since) is a snapshot; those after the kill are the rest.
    const snapshotsAfterKill = states.reduce((sum, s) => sum + s.snapshots, 0) - screensWanted;
    const missed = states.reduce((sum, s) => sum + s.missed, 0);
    const moved = states.filter((s) => s.drops > 0).length;
    return [
      { measure: 'screens on each server before the kill (survivor / killed), through one port', screens: screensWanted, value: `${socketsBefore[0]} / ${socketsBefore[1]}`, target: '—', met: '—' },
      { measure: 'server SIGKILL → ready again on its port', screens: screensWanted, value: seconds(readyAt - killedAt), target: '—', met: '—' },
      {
        measure: 'every screen resubscribed with since (polled every 100 ms): after the restarted server was ready / after the kill',
        screens: screensWanted,
        value: allSubscribedAt ? `${allSubscribedAt <= readyAt ? 'before it was ready' : seconds(allSubscribedAt - readyAt)} / ${seconds(allSubscribedAt - killedAt)}` : 'not all within 180 s of the kill',
        target: '—',
        met: '—',
      },
      {
        measure: 'every screen resubscribed with since and equal to GET /board: after the restarted server was ready / after the kill (5 updates posted after the kill, 5 at ready)',
        screens: screensWanted,
        value: allBackAt ? `${seconds(backMs)} / ${seconds(allBackAt - killedAt)} (seq ${seq})` : `not all back within 180 s of the kill: ${last.subscribed} subscribed, ${last.current} at seq ${seq}`,
        target: `< ${TARGET_MS / 1000} s after ready`,
        met: allBackAt && backMs < TARGET_MS ? 'yes' : 'no',
      },
      { measure: 'screens that reconnected; where all ended up (survivor / restarted)', screens: screensWanted, value: `${moved}; ${socketsAfter[0]} / ${socketsAfter[1]}`, target: '—', met: '—' },
      {
        measure: 'snapshots built after the kill (pb_live_snapshot_builds_total): survivor / restarted server; subscriptions answered by replay / by snapshot',
        screens: screensWanted,
        value: `${survivorBuilds} / ${restartedBuilds}; ${replays} / ${snapshotsAfterKill}`,
        target: `≤ one per seq since the kill (${seqsSinceKill + 1}) on each server, not one per socket`,
        met: survivorBuilds <= seqsSinceKill + 1 && restartedBuilds <= seqsSinceKill + 1 ? 'yes' : 'no',
      },
      { measure: 'events missed by any screen (a seq skipped)', screens: screensWanted, value: missed, target: '0', met: missed === 0 ? 'yes' : 'no' },
    ];
  } finally {
    poster.close();
    proxy.stop();
    await queue.close();
    queueConnection.disconnect();
    if (restarted && restarted.exitCode === null) {
      for (const pid of processTree(restarted.pid!).reverse()) process.kill(pid, 'SIGTERM');
    }
    // stop() waits for each child's exit, and the SIGKILLed one has already gone: bound the wait, then clear the keys here.
    await Promise.race([board.stop(), sleep(15_000)]);
    const redis = new Redis(REDIS_URL);
    await deleteBoardKeys(redis, board.prefix);
    await redis.quit();
  }
}
