import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '@pb/shared';
import { createLogger } from '@pb/shared/node';
import { startServer } from '../../server/src/start-server.js';
import type { BurstReport } from './subscribe-burst-client.js';
import { connectBoard, eventually, reference, REDIS_URL, startTestBoard, subscribe, type BoardClient, type TestBoard } from '../support/test-board.js';

const LONDON = reference.sites.find((site) => site.region === 'Y56')!;
const SOUTH_EAST = reference.sites.find((site) => site.region === 'Y59')!;

/**
 * Appends `count` alert events to the board's stream in the stream's own format
 * (`<seq>-0`, `kind`, `data` without the seq), alternating London and South East,
 * so a test has a long history to replay without posting thousands of updates.
 */
async function appendAlertEvents(board: TestBoard, count: number): Promise<number> {
  const keys = redisKeys(board.prefix);
  const first = Number((await board.redis.get(keys.seq)) ?? 0) + 1;
  const raisedAt = new Date().toISOString();
  for (let start = first; start < first + count; start += 1_000) {
    const pipeline = board.redis.pipeline();
    for (let seq = start; seq < Math.min(first + count, start + 1_000); seq++) {
      const site = seq % 2 ? LONDON : SOUTH_EAST;
      const alert = { id: `${site.code}.divert.${seq}`, kind: 'divert', site: site.code, region: site.region, raisedAt };
      pipeline.xadd(keys.events, `${seq}-0`, 'kind', 'alert', 'data', JSON.stringify(alert));
    }
    await pipeline.exec();
  }
  const last = first + count - 1;
  await board.redis.set(keys.seq, last);
  return last;
}

/** Records the seq of every status and alert event a socket receives, and its snapshots. */
function record(socket: BoardClient) {
  const seen = { events: [] as { seq: number; region: string }[], snapshots: [] as number[] };
  socket.on('alert', (event) => seen.events.push({ seq: event.seq, region: event.region }));
  socket.on('status', (event) => seen.events.push({ seq: event.seq, region: event.status.region }));
  socket.on('snapshot', (snapshot) => seen.snapshots.push(snapshot.seq));
  return seen;
}

/**
 * Watches the commands Redis runs (MONITOR, on a connection of its own) and passes on
 * the arguments of those whose line contains `needle`.
 */
async function watchCommands(needle: string, onCommand: (args: string[]) => void): Promise<Socket> {
  const url = new URL(REDIS_URL);
  const socket = connect(Number(url.port || 6379), url.hostname);
  await once(socket, 'connect');
  let pending = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\r\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes(needle)) continue;
      onCommand([...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!));
    }
  });
  socket.write('MONITOR\r\n');
  return socket;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function snapshotBuilds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^pb_live_snapshot_builds_total (\d+)/m.exec(text);
  if (!match) throw new Error('pb_live_snapshot_builds_total is missing from /metrics');
  return Number(match[1]);
}

/** SPEC §11 "Sockets": subscribes are limited per socket, replays paged, snapshots shared. */
describe('subscribe limits', () => {
  let board: TestBoard;
  const sockets: BoardClient[] = [];
  async function client(url = board.url) {
    const socket = await connectBoard(url, board.adminKey);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    board = await startTestBoard({}, { workers: false });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await board?.close();
  });

  it('answers a burst of 200 subscribes from one socket with rate_limited beyond the first few, and the server stays responsive', { timeout: 90_000 }, async () => {
    const last = await appendAlertEvents(board, 500);
    // Resuming at the last seq is answered once this server has read it from the stream.
    expect(await subscribe(await client(), { since: last })).toEqual({ ok: true, data: { mode: 'replay', seq: last } });
    // The bursting client runs in a process of its own: this one hosts the server and the probe.
    const burster = fork(fileURLToPath(new URL('./subscribe-burst-client.ts', import.meta.url)), [board.url, board.adminKey, '200', String(last)], {
      execArgv: ['--import', 'tsx'],
    });
    try {
      await once(burster, 'message');
      // The first request of a process pays for connecting and loading fetch: not the server's doing.
      await (await fetch(`${board.url}/readyz`)).text();
      let bursting = true;
      const probe = (async () => {
        const latencies: number[] = [];
        while (bursting) {
          const started = performance.now();
          await (await fetch(`${board.url}/readyz`)).text();
          latencies.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return latencies;
      })();
      burster.send('go');
      const [report] = (await once(burster, 'message')) as [BurstReport];
      bursting = false;
      const latencies = await probe;

      const ok = report.acks.filter((ack) => ack.ok);
      const limited = report.acks.filter((ack) => !ack.ok && ack.error.code === 'rate_limited');
      expect(report.acks.slice(0, 5).every((ack) => ack.ok)).toBe(true);
      expect(ok.length + limited.length).toBe(200);
      expect(limited.length).toBeGreaterThan(150);
      expect(limited[0]).toMatchObject({ ok: false, error: { code: 'rate_limited', message: expect.stringMatching(/subscribes in 10 s/) } });
      // Each accepted subscribe replayed the whole history, in order.
      expect(report.seqs).toEqual(ok.flatMap(() => range(1, last)));
      expect(latencies.length).toBeGreaterThan(2);
      expect(Math.max(...latencies), `/readyz latencies (ms): ${latencies.map(Math.round).join(', ')}`).toBeLessThan(500);
    } finally {
      burster.kill();
    }
  });

  it('replays a long history from Redis in bounded pages, gap-free and in order', async () => {
    const last = await appendAlertEvents(board, 2_500);
    // A server started after the events: its memory holds none, so the replay reads Redis.
    const other = await startServer(board.config, reference, createLogger('test', 'silent'));
    const reads: string[][] = [];
    const monitor = await watchCommands(`"xrange" "${redisKeys(board.prefix).events}"`, (args) => reads.push(args));
    try {
      const everything = await client(`http://127.0.0.1:${other.port}`);
      const all = record(everything);
      expect(await subscribe(everything, { since: 0 })).toEqual({ ok: true, data: { mode: 'replay', seq: last } });
      await eventually(() => all.events.length >= last, 10_000, 'the whole replay');
      expect(all.events.map((event) => event.seq)).toEqual(range(1, last));
      expect(all.snapshots).toEqual([]);

      const londonOnly = await client(`http://127.0.0.1:${other.port}`);
      const london = record(londonOnly);
      expect(await subscribe(londonOnly, { since: 100, regions: ['Y56'] })).toMatchObject({ ok: true, data: { mode: 'replay' } });
      const londonSeqs = range(101, last).filter((seq) => seq % 2);
      await eventually(() => london.events.at(-1)?.seq === londonSeqs.at(-1), 10_000, 'the London replay');
      expect(london.events).toEqual(londonSeqs.map((seq) => ({ seq, region: 'Y56' })));

      // Three pages or more per replay, each a bounded XRANGE.
      await eventually(() => reads.length >= 6, 5_000, 'the XRANGE commands');
      expect(reads.every((args) => args[4]?.toUpperCase() === 'COUNT' && Number(args[5]) <= 1_000)).toBe(true);
      expect(reads.length).toBeLessThan(20);
    } finally {
      monitor.destroy();
      await other.close();
    }
  });

  it('builds one snapshot for many sockets subscribing at the same seq, and sends it to each', async () => {
    const many = await Promise.all(Array.from({ length: 50 }, () => client()));
    const seen = many.map(record);
    const before = await snapshotBuilds(board.url);
    const acks = await Promise.all(many.map((socket) => subscribe(socket, { regions: ['Y58'] })));
    expect(acks.every((ack) => ack.ok && ack.data.mode === 'snapshot')).toBe(true);
    expect((await snapshotBuilds(board.url)) - before).toBe(1);
    const seq = Number((await board.redis.get(redisKeys(board.prefix).seq)) ?? 0);
    await eventually(() => seen.every((socket) => socket.snapshots.length === 1), 5_000, 'every snapshot');
    expect(seen.map((socket) => socket.snapshots[0])).toEqual(many.map(() => seq));
  });
});
