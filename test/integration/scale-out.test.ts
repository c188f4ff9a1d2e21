import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { UPDATES_QUEUE } from '@pb/shared';
import { freePort } from '@pb/shared/node';
import { startProcess as start, waitUntilReady, type BoardProcess as Proc } from '../support/board-processes.js';
import { api, connectBoard, deletePrefix, eventually, reference, REDIS_URL, subscribe, uniquePrefix, type BoardClient } from '../support/test-board.js';

/** SPEC §3/§9: any number of server and worker processes share one Redis; every client sees every seq once, in order. */
describe('scale-out: two server and two worker processes on one Redis', () => {
  const prefix = uniquePrefix('scale');
  const adminKey = `admin-${randomBytes(16).toString('hex')}`;
  const procs: Proc[] = [];
  const urls: string[] = [];
  const sockets: BoardClient[] = [];
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    const env = { REDIS_URL, PB_KEY_PREFIX: prefix, PB_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' };
    for (const n of [1, 2]) {
      const port = await freePort();
      procs.push(start(`server ${n}`, 'server/src/main.ts', { ...env, PORT: String(port) }));
      urls.push(`http://127.0.0.1:${port}`);
    }
    for (const n of [1, 2]) procs.push(start(`workers ${n}`, 'workers/src/main.ts', env));
    for (const [index, url] of urls.entries()) await waitUntilReady(procs[index]!, url);
    queue = new Queue(UPDATES_QUEUE, { connection: redis.duplicate(), prefix: `{${prefix}}:bull` });
    await eventually(async () => (await queue.getWorkersCount()) >= 2, 30_000, 'both worker processes');
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await queue?.close();
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    if (redis) {
      await deletePrefix(redis, prefix);
      await redis.quit();
    }
  });

  it('delivers every seq exactly once, gap-free and in order, to clients on both servers, and both agree on the board', async () => {
    const display = await api(urls[0]!, adminKey, 'POST', '/keys', { role: 'display', label: 'wall' });
    expect(display.status).toBe(201);
    const posters: string[] = [];
    for (let i = 0; i < 4; i++) posters.push((await api(urls[i % 2]!, adminKey, 'POST', '/keys', { role: 'admin', label: `poster ${i}` })).body.key);

    const clients: { server: number; seen: number[]; first: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const server = i % 2;
      const socket = await connectBoard(urls[server]!, display.body.key);
      sockets.push(socket);
      const client = { server, seen: [] as number[], first: -1 };
      socket.on('status', (event) => client.seen.push(event.seq));
      socket.on('alert', (event) => client.seen.push(event.seq));
      socket.on('snapshot', (snapshot) => {
        client.first = snapshot.seq;
      });
      const ack = await subscribe(socket);
      expect(ack).toMatchObject({ ok: true, data: { mode: 'snapshot' } });
      clients.push(client);
    }

    // 200 updates over 50 sites in every region, 4 per site with distinct observation times,
    // posted one by one through both servers at once in a shuffled order.
    const regions = [...new Set(reference.sites.map((site) => site.region))];
    const sites = regions.flatMap((region) => reference.sites.filter((site) => site.region === region).slice(0, 8).map((site) => site.code)).slice(0, 50);
    expect(sites).toHaveLength(50);
    expect(new Set(reference.sites.filter((site) => sites.includes(site.code)).map((site) => site.region)).size).toBe(7);
    const base = Date.now() - 60_000;
    const updates = sites.flatMap((site, s) => [0, 1, 2, 3].map((k) => ({
      site,
      opel: ((s + k) % 4) + 1,
      note: `${site} #${k}`,
      observedAt: new Date(base - (3 - k) * 60_000).toISOString(),
      ...(k === 3 && s % 5 === 0 ? { incident: { level: 'critical' as const } } : {}),
    })));
    const order = updates.map((_, i) => i).sort(() => Math.random() - 0.5);
    const responses = await Promise.all(order.map((i, n) => api(urls[n % 2]!, posters[n % 4], 'POST', '/updates', updates[i])));
    expect(responses.map((r) => r.status)).toEqual(Array(updates.length).fill(202));
    const ids = responses.map((r) => r.body.updates[0].id as string);

    // Every update ends applied or superseded (read from the records: polling 200 ids through the API would trip the rate limit).
    const states = await eventually(async () => {
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hget(`{${prefix}}:update:${id}`, 'state');
      const values = ((await pipeline.exec()) ?? []).map(([, value]) => value as string | null);
      return values.every((v) => v !== 'queued' && v !== null) ? values : null;
    }, 20_000, 'every update to leave queued');
    expect(states.filter((s) => s !== 'applied' && s !== 'superseded')).toEqual([]);

    const finalSeq = (await api(urls[0]!, display.body.key, 'GET', '/board')).body.seq as number;
    const applied = states.filter((s) => s === 'applied').length;
    expect(finalSeq).toBeGreaterThanOrEqual(applied);
    for (const client of clients) {
      await eventually(() => client.seen.length > 0 && client.seen.at(-1)! >= finalSeq, 10_000, `client on server ${client.server + 1} to reach seq ${finalSeq}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const client of clients) {
      expect(client.first).toBeGreaterThanOrEqual(0);
      const expected = Array.from({ length: finalSeq - client.first }, (_, i) => client.first + 1 + i);
      expect({ server: client.server + 1, seen: client.seen }).toEqual({ server: client.server + 1, seen: expected });
    }

    // Both servers serve the same board, and it holds the newest update of each site.
    const [a, b] = await Promise.all(urls.map((url) => api(url, display.body.key, 'GET', '/board')));
    expect(a!.body.seq).toBe(finalSeq);
    expect(b!.body.seq).toBe(finalSeq);
    expect(b!.body.sites).toEqual(a!.body.sites);
    for (const site of sites) {
      const status = a!.body.sites.find((s: { site: string }) => s.site === site);
      expect({ site, note: status.note }).toEqual({ site, note: `${site} #3` });
    }
    const criticalSites = sites.filter((_, s) => s % 5 === 0);
    for (const site of criticalSites) expect(a!.body.alerts.some((alert: { site: string; kind: string }) => alert.site === site && alert.kind === 'critical_incident')).toBe(true);
  });

  it('stops every process cleanly on SIGTERM: exit 0 within 10 s', async () => {
    for (const socket of sockets) socket.disconnect();
    const started = Date.now();
    for (const proc of procs) proc.child.kill('SIGTERM');
    const codes = await Promise.all(procs.map((proc) => Promise.race([proc.exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 10_000))])));
    expect(Date.now() - started).toBeLessThan(10_500);
    expect(procs.map((proc, i) => ({ name: proc.name, code: codes[i] }))).toEqual(procs.map((proc) => ({ name: proc.name, code: 0 })));
  }, 15_000);
});
