/**
 * Notifications under load (SPEC §14): an alert raised with 100 webhook subscriptions,
 * the time from the alert's event to the 100th delivery at a local receiver, and the
 * live board's POST → socket event latency meanwhile, beside the same board's latency
 * with no subscriptions at all.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { loadReferenceData } from '@pb/shared/node';
import { atRate, createPoster, percentile, startBoardProcesses } from './board-processes.js';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ALERTS = 5;

type Row = Record<string, string | number>;

/** A receiver that answers 200 at once and notes when each delivery first arrived. */
async function startReceiver() {
  const firstSeen = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = String(req.headers['x-pb-delivery'] ?? '');
    req.resume();
    req.on('end', () => {
      if (id && !firstSeen.has(id)) firstSeen.set(id, performance.now());
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as AddressInfo).port, firstSeen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function runNotificationBenchmark(): Promise<Row[]> {
  const reference = loadReferenceData();
  const receiver = await startReceiver();
  const board = await startBoardProcesses({ PB_WEBHOOK_ALLOW_PRIVATE: '1', PB_WEBHOOK_ALLOW_HTTP: '1' });
  const rows: Row[] = [];
  const poster = createPoster(board.url, board.adminKey);
  const socket: Socket = io(`${board.url}/board`, { auth: { token: board.adminKey }, transports: ['websocket'] });
  try {
    const sent = new Map<string, number>();
    let latencies: number[] = [];
    /** When the probe socket saw each raised alert's event, by its seq. */
    const raisedSeen = new Map<number, number>();
    socket.on('status', (event: { status: { note: string | null } }) => {
      const t0 = sent.get(event.status.note ?? '');
      if (t0 !== undefined) latencies.push(performance.now() - t0);
    });
    socket.on('alert', (event: { seq: number; site: string; acknowledgedBy?: string; endedAt?: string }) => {
      if (!event.acknowledgedBy && !event.endedAt) raisedSeen.set(event.seq, performance.now());
    });
    await socket.emitWithAck('subscribe', {});

    // Sites whose updates carry the latency probes, and others that raise the alerts
    // (critical incidents, in both phases, so only the subscriptions differ).
    const probeSites = reference.sites.slice(0, 100);

    async function phase(label: string, subscribed: boolean, alertSites: typeof probeSites): Promise<Row> {
      const raiseAlerts = subscribed;
      latencies = [];
      sent.clear();
      raisedSeen.clear();
      let posted = 0;
      const alertAt = new Set(Array.from({ length: ALERTS }, (_, i) => Math.floor(((i + 0.5) * RATE * SECONDS) / ALERTS)));
      let alertIndex = 0;
      await atRate(RATE, SECONDS, async (i) => {
        if (alertAt.has(i)) {
          const site = alertSites[alertIndex++]!;
          void poster.post('/api/v1/updates', JSON.stringify({ site: site.code, incident: { level: 'critical', reason: 'benchmark' } }));
        }
        const site = probeSites[i % probeSites.length]!;
        const token = `${label}-${i}`;
        sent.set(token, performance.now());
        const response = await poster.post('/api/v1/updates', JSON.stringify({ site: site.code, opel: (i % 4) + 1, note: token }));
        if (response.status === 202) posted++;
      });
      const deadline = Date.now() + 15_000;
      while (latencies.length < posted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const toHundredth: number[] = [];
      if (raiseAlerts) {
        // A delivery's id is n-<seq of the alert event>-<subscription>: group arrivals by event.
        const arrivalsOf = (seq: number) => [...receiver.firstSeen.entries()].filter(([id]) => id.startsWith(`n-${seq}-`)).map(([, at]) => at);
        const waitUntil = Date.now() + 30_000;
        while (Date.now() < waitUntil && (raisedSeen.size < ALERTS || [...raisedSeen.keys()].some((seq) => arrivalsOf(seq).length < SUBSCRIPTIONS))) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        for (const [seq, seenAt] of raisedSeen) {
          const arrivals = arrivalsOf(seq).sort((a, b) => a - b);
          if (arrivals.length >= SUBSCRIPTIONS) toHundredth.push(arrivals[SUBSCRIPTIONS - 1]! - seenAt);
        }
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const hundredth = [...toHundredth].sort((a, b) => a - b);
      return {
        phase: label,
        'rate (updates/s)': RATE,
        subscriptions: raiseAlerts ? SUBSCRIPTIONS : 0,
        'alerts raised': ALERTS,
        'events at probe': `${latencies.length}/${posted}`,
        'POST→event p50 ms': +percentile(sorted, 50).toFixed(1),
        'POST→event p99 ms': +percentile(sorted, 99).toFixed(1),
        'alerts delivered to all': raiseAlerts ? `${toHundredth.length}/${ALERTS}` : '—',
        'alert event → 100th delivery p50 ms': hundredth.length ? +percentile(hundredth, 50).toFixed(0) : '—',
        'alert event → 100th delivery max ms': hundredth.length ? +hundredth[hundredth.length - 1]!.toFixed(0) : '—',
      };
    }

    rows.push(await phase('baseline (no subscriptions)', false, reference.sites.slice(100, 100 + ALERTS)));
    for (let i = 0; i < SUBSCRIPTIONS; i++) {
      const response = await poster.post('/api/v1/subscriptions', JSON.stringify({ label: `bench ${i}`, channel: 'webhook', target: `http://127.0.0.1:${receiver.port}/hook/${i}`, kinds: ['critical_incident'] }));
      if (response.status !== 201) throw new Error(`could not subscribe: ${response.body}`);
    }
    rows.push(await phase(`${SUBSCRIPTIONS} webhook subscriptions`, true, reference.sites.slice(100 + ALERTS, 100 + 2 * ALERTS)));
  } finally {
    socket.disconnect();
    poster.close();
    await board.stop();
    await receiver.close();
  }
  return rows;
}
