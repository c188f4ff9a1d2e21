/**
 * `npm run bench -- storm`: the reconnect storm after a deploy. `BENCH_STORM_SCREENS`
 * screens (default 10,000, in two client processes) are subscribed to one server; the
 * server is killed with SIGKILL and started again on the same port; updates are posted
 * as soon as it is ready. Measured: the time from ready until every screen is
 * resubscribed (with `since`, as the client does) and holds the seq `GET /board` gives,
 * and how many snapshots the server built for them (`pb_live_snapshot_builds_total`;
 * the target is one per seq, not one per socket).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { deleteBoardKeys, loadReferenceData } from '@pb/shared/node';
import { createPoster, REDIS_URL, startBoardProcesses } from './board-processes.js';
import { childrenRunning, processTree, startScreens } from './screens.js';

const SCREENS = Number(process.env.BENCH_STORM_SCREENS ?? process.env.BENCH_SCREENS ?? 10_000);
const TARGET_MS = 5_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function boardSeq(url: string, key: string): Promise<number> {
  return ((await (await fetch(`${url}/api/v1/board`, { headers: { authorization: `Bearer ${key}` } })).json()) as { seq: number }).seq;
}

async function snapshotBuilds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^pb_live_snapshot_builds_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

export async function runStormBenchmark(): Promise<Record<string, string | number>[]> {
  const board = await startBoardProcesses();
  const poster = createPoster(board.url, board.adminKey);
  const sites = loadReferenceData().sites.map((site) => site.code);
  let restarted: ReturnType<typeof spawn> | undefined;
  const post = async (i: number) => {
    const response = await poster.post('/api/v1/updates', JSON.stringify({ site: sites[i % sites.length], opel: (i % 4) + 1, note: `storm ${i}` }));
    if (response.status !== 202) throw new Error(`post answered ${response.status}: ${response.body}`);
  };
  try {
    const display = (await (await fetch(`${board.url}/api/v1/keys`, { method: 'POST', headers: { authorization: `Bearer ${board.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'display', label: 'storm bench' }) })).json()) as { key: string };
    for (let i = 0; i < 10; i++) await post(i);
    const screens = await startScreens(board.urls, display.key, SCREENS);
    console.error(`storm: ${SCREENS} screens subscribed; killing the server`);

    // SIGKILL the server (the tsx launcher and its node), as a crash or a hard deploy would.
    const [serverPid] = childrenRunning('server/src/main.ts');
    for (const pid of processTree(serverPid!).reverse()) process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const port = new URL(board.url).port;
    restarted = spawn(`${ROOT}node_modules/.bin/tsx`, ['server/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL, PB_KEY_PREFIX: board.prefix, PB_ADMIN_KEY: board.adminKey, LOG_LEVEL: 'warn', PB_RATE_LIMIT: '1000000', PB_UPDATE_RATE: '1000000', PB_UPDATE_BURST: '1000000', PORT: port },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (;;) {
      try {
        if ((await fetch(`${board.url}/readyz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - killedAt > 60_000) throw new Error('the restarted server was not ready within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const readyAt = Date.now();
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
