/**
 * POST → socket event latency through the whole pipeline (server and workers in
 * their own processes) with 100 connected board clients, beside the floor of the
 * same libraries in the same run: a bare BullMQ no-op job, add → completed.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue, Worker, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { loadReferenceData } from '@pb/shared/node';
import { atRate, cpuSecondsOfTree, createPoster, percentile, REDIS_URL, redisCpuSeconds, startBoardProcesses, createDisplayKey } from './board-processes.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const PROBES = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATES = (process.env.BENCH_RATES ?? '100,500').split(',').map(Number);

interface Row {
  [key: string]: string | number;
}

async function bullFloor(rate: number): Promise<number[]> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `{bench-floor-${process.pid}-${rate}}:bull`;
  const queue = new Queue('floor', { connection, prefix });
  const started = new Map<string, number>();
  const latencies: number[] = [];
  const worker = new Worker('floor', async () => undefined, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix, concurrency: 16, removeOnComplete: { count: 100 } });
  worker.on('completed', (job) => {
    const t0 = started.get(job.id!);
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  });
  await worker.waitUntilReady();
  await atRate(rate, SECONDS, async (i) => {
    const id = `j${i}`;
    started.set(id, performance.now());
    await queue.add('noop', {}, { jobId: id, removeOnComplete: 100 });
  });
  const deadline = Date.now() + 10_000;
  while (latencies.length < rate * SECONDS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  return latencies.sort((a, b) => a - b);
}

export async function runLiveLatency(servers = 1): Promise<Row[]> {
  const reference = loadReferenceData();
  const board = await startBoardProcesses({}, servers);
  const rows: Row[] = [];
  try {
    const displayKey = await createDisplayKey(board);

    // The other 95 clients live in a child process, so this one only measures.
    const listeners = fork(fileURLToPath(new URL('./listeners.ts', import.meta.url)), [board.urls.join(','), displayKey, String(CLIENTS - PROBES)], { execArgv: ['--import', 'tsx'] });
    await new Promise<void>((resolve) => listeners.once('message', () => resolve()));

    const probes: Socket[] = [];
    const sent = new Map<string, number>();
    let latencies: number[] = [];
    let accepted: number[] = [];
    for (let i = 0; i < PROBES; i++) {
      const socket = io(`${board.urls[i % board.urls.length]}/board`, { auth: { token: displayKey }, transports: ['websocket'] });
      socket.on('status', (event: { status: { note: string | null } }) => {
        const t0 = sent.get(event.status.note ?? '');
        if (t0 !== undefined) latencies.push(performance.now() - t0);
      });
      await socket.emitWithAck('subscribe', {});
      probes.push(socket);
    }

    const redisInfo = new Redis(REDIS_URL);
    const posters = board.urls.map((url) => createPoster(url, board.adminKey));
    for (const rate of RATES) {
      latencies = [];
      accepted = [];
      sent.clear();
      let posted = 0;
      let failed = 0;
      const cpuBefore = { ...board.cpuSeconds(), redis: await redisCpuSeconds(redisInfo), listeners: cpuSecondsOfTree(listeners.pid!), bench: process.cpuUsage() };
      const phaseStart = performance.now();
      await atRate(rate, SECONDS, async (i) => {
        const site = reference.sites[i % reference.sites.length]!;
        const token = `bench-${rate}-${i}`;
        sent.set(token, performance.now());
        try {
          const response = await posters[i % posters.length]!.post('/api/v1/updates', JSON.stringify({ site: site.code, opel: (i % 4) + 1, metrics: { longestWaitHours: i % 12 }, note: token }));
          accepted.push(performance.now() - sent.get(token)!);
          if (response.status !== 202) {
            failed++;
            return;
          }
        } catch {
          failed++;
          return;
        }
        posted++;
      });
      const expected = posted * PROBES;
      const deadline = Date.now() + 15_000;
      while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const phaseSeconds = (performance.now() - phaseStart) / 1000;
      const cpuAfter = board.cpuSeconds();
      const busy = (seconds: number) => `${Math.round((seconds / phaseSeconds) * 100)}%`;
      const cpu = {
        server: busy(cpuAfter.server - cpuBefore.server),
        workers: busy(cpuAfter.workers - cpuBefore.workers),
        redis: busy((await redisCpuSeconds(redisInfo)) - cpuBefore.redis),
        'clients (95 + 5 probes + poster)': busy(cpuSecondsOfTree(listeners.pid!) - cpuBefore.listeners + (() => { const u = process.cpuUsage(cpuBefore.bench); return (u.user + u.system) / 1e6; })()),
      };
      const sorted = [...latencies].sort((a, b) => a - b);
      const floor = await bullFloor(rate);
      rows.push({
        'server processes': servers,
        'rate (updates/s)': rate,
        clients: CLIENTS,
        posted,
        'failed posts': failed,
        'events at probes': `${latencies.length}/${expected}`,
        'p50 ms': sorted.length ? +percentile(sorted, 50).toFixed(1) : NaN,
        'p99 ms': sorted.length ? +percentile(sorted, 99).toFixed(1) : NaN,
        '202 p50 ms': +percentile([...accepted].sort((a, b) => a - b), 50).toFixed(1),
        '202 p99 ms': +percentile([...accepted].sort((a, b) => a - b), 99).toFixed(1),
        'floor p50 ms (bare BullMQ no-op)': +percentile(floor, 50).toFixed(1),
        'floor p99 ms': +percentile(floor, 99).toFixed(1),
        'p99 / floor p99': +(percentile(sorted, 99) / percentile(floor, 99)).toFixed(1),
        ...Object.fromEntries(Object.entries(cpu).map(([name, value]) => [`cpu ${name}`, value])),
      });
    }
    listeners.send('count');
    const counts = await new Promise<{ received: number }>((resolve) => listeners.once('message', (m) => resolve(m as { received: number })));
    for (const row of rows) row['other clients received (all rates)'] = counts.received;
    listeners.kill();
    await redisInfo.quit();
    for (const poster of posters) poster.close();
    for (const socket of probes) socket.disconnect();
  } finally {
    await board.stop();
  }
  return rows;
}
