/**
 * One update end to end, profiled: server CPU per POST and worker CPU per update,
 * each split by part of the path (from V8 CPU profiles of the real processes), Redis
 * commands and CPU per update, and bytes per `status` event on the wire. Runs a steady
 * rate with 100 listening boards, as the latency benchmark does.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadReferenceData } from '@pb/shared/node';
import { atRate, createPoster, startBenchRedis, startBoardProcesses, createDisplayKey } from './board-processes.js';
import { cpuByCategory, monotonicMicros, readProfiles, SERVER_CATEGORIES, WORKER_CATEGORIES } from './profile-breakdown.js';

const RATE = Number(process.env.BENCH_BREAKDOWN_RATE ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);

type Row = Record<string, string | number>;

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

async function redisCpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const value = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (value('used_cpu_user') + value('used_cpu_sys')) * 1e6;
}

export async function runLiveBreakdown(): Promise<{ cpu: Row[]; redis: Row[]; summary: Row[] }> {
  const reference = loadReferenceData();
  const profileDir = mkdtempSync(join(tmpdir(), 'pb-prof-'));
  const benchRedis = await startBenchRedis();
  const board = await startBoardProcesses({}, 1, { profileDir, redisUrl: benchRedis.url });
  const redis = new Redis(benchRedis.url);
  try {
    const displayKey = await createDisplayKey(board);
    const listeners = fork(fileURLToPath(new URL('./listeners.ts', import.meta.url)), [board.url, displayKey, String(CLIENTS)], { execArgv: ['--import', 'tsx'] });
    await new Promise<void>((resolve) => listeners.once('message', () => resolve()));
    const poster = createPoster(board.url, board.adminKey);
    const post = (i: number) => {
      const site = reference.sites[i % reference.sites.length]!;
      return poster.post('/api/v1/updates', JSON.stringify({ site: site.code, opel: (i % 4) + 1, metrics: { longestWaitHours: i % 12 }, note: `breakdown ${i}` }));
    };
    // Warm up: JIT, connections, scripts loaded.
    await atRate(RATE, 2, async (i) => void (await post(1_000_000 + i)));

    const countsBefore = await new Promise<{ received: number; statusBytes: number }>((resolve) => {
      listeners.once('message', (m) => resolve(m as { received: number; statusBytes: number }));
      listeners.send('count');
    });
    const statsBefore = await commandStats(redis);
    const redisBefore = await redisCpuMicros(redis);
    const cpuBefore = board.cpuSeconds();
    const from = monotonicMicros();
    let accepted = 0;
    await atRate(RATE, SECONDS, async (i) => {
      if ((await post(i)).status === 202) accepted++;
    });
    // Let the last events reach the boards.
    const expected = countsBefore.received + accepted * CLIENTS;
    let counts = countsBefore;
    const deadline = Date.now() + 20_000;
    while (counts.received < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      counts = await new Promise((resolve) => {
        listeners.once('message', (m) => resolve(m as { received: number; statusBytes: number }));
        listeners.send('count');
      });
    }
    const to = monotonicMicros();
    const cpuAfter = board.cpuSeconds();
    const statsAfter = await commandStats(redis);
    const redisCpu = (await redisCpuMicros(redis)) - redisBefore;
    listeners.kill();
    poster.close();
    await board.stop();

    const serverProfiles = readProfiles(join(profileDir, 'server'));
    const workerProfiles = readProfiles(join(profileDir, 'workers'));
    if (!serverProfiles.length || !workerProfiles.length) throw new Error(`no CPU profiles were written under ${profileDir}`);
    const server = cpuByCategory(serverProfiles[0]!, SERVER_CATEGORIES, from, to);
    const workers = new Map<string, number>();
    for (const profile of workerProfiles) for (const [name, ms] of cpuByCategory(profile, WORKER_CATEGORIES, from, to)) workers.set(name, (workers.get(name) ?? 0) + ms);

    // The profiler samples on a wall clock, so on a busy machine it also counts time the
    // process waited for a core: the totals come from the kernel's CPU accounting, and
    // the profile only says how they split.
    const serverSampled = [...server.values()].reduce((a, b) => a + b, 0);
    const workerSampled = [...workers.values()].reduce((a, b) => a + b, 0);
    const serverTotal = (cpuAfter.server - cpuBefore.server) * 1000;
    const workerTotal = (cpuAfter.workers - cpuBefore.workers) * 1000;
    const perUpdate = (ms: number) => +((ms / Math.max(1, accepted)) * 1000).toFixed(1);
    const share = (ms: number, sampled: number, total: number) => (sampled > 0 ? (ms / sampled) * total : 0);
    const names = [...new Set([...server.keys(), ...workers.keys()])];
    const cpu: Row[] = names
      .map((name) => ({
        part: name,
        'server µs per POST': perUpdate(share(server.get(name) ?? 0, serverSampled, serverTotal)),
        'worker µs per update': perUpdate(share(workers.get(name) ?? 0, workerSampled, workerTotal)),
      }))
      .sort((a, b) => b['server µs per POST'] + b['worker µs per update'] - (a['server µs per POST'] + a['worker µs per update']));
    cpu.push({ part: 'TOTAL', 'server µs per POST': perUpdate(serverTotal), 'worker µs per update': perUpdate(workerTotal) });

    const commands = [...statsAfter].map(([name, calls]) => ({ name, calls: calls - (statsBefore.get(name) ?? 0) })).filter((c) => c.calls > 0).sort((a, b) => b.calls - a.calls);
    const totalCommands = commands.reduce((sum, c) => sum + c.calls, 0);
    const redisRows: Row[] = commands.slice(0, 12).map((c) => ({ command: c.name, 'per update': +(c.calls / Math.max(1, accepted)).toFixed(2) }));
    redisRows.push({ command: 'TOTAL (server, workers, the stream tail)', 'per update': +(totalCommands / Math.max(1, accepted)).toFixed(2) });

    const events = counts.received - countsBefore.received;
    const summary: Row[] = [
      { measure: 'updates posted (202)', value: accepted, note: `${RATE}/s for ${SECONDS} s, ${CLIENTS} boards listening` },
      { measure: 'server CPU per POST (µs)', value: perUpdate(serverTotal), note: 'kernel CPU time of the server process in the window; includes sending each event to the boards' },
      { measure: 'worker CPU per update (µs)', value: perUpdate(workerTotal), note: 'kernel CPU time of the workers process: normalise + apply + publish, and its BullMQ bookkeeping' },
      { measure: 'Redis CPU per update (µs)', value: +(redisCpu / Math.max(1, accepted)).toFixed(1), note: 'INFO cpu of the benchmark’s own Redis' },
      { measure: 'Redis commands per update', value: +(totalCommands / Math.max(1, accepted)).toFixed(2), note: 'INFO commandstats of the benchmark’s own Redis; a script counts once, plus the commands it calls' },
      { measure: 'bytes per status event (socket.io frame)', value: events ? Math.round((counts.statusBytes - countsBefore.statusBytes) / events) : NaN, note: `${events} events at the boards` },
    ];
    return { cpu, redis: redisRows, summary };
  } finally {
    await redis.quit();
    await benchRedis.stop();
    rmSync(profileDir, { recursive: true, force: true });
  }
}
