/**
 * SPEC §11: while 5 MB bodies of every content type are posted, `GET /readyz` and
 * `GET /board` still answer within 100 ms at p99. Posts the four kinds of large body
 * over and over for a while (a server and workers in their own processes), probing
 * both endpoints back to back, and reports their latency beside the same probes on
 * the idle board (the floor).
 */
import { MAX_BODY_BYTES, MAX_CSV_ROWS } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { createPoster, percentile, startBoardProcesses } from './board-processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
export const READINESS_TARGET_MS = 100;

type Row = Record<string, string | number>;

function largeBodies(): { name: string; type: string; path: string; body: string }[] {
  const sites = loadReferenceData().sites;
  const items = Array.from({ length: 500 }, (_, i) => JSON.stringify({ site: sites[i % sites.length]!.code, opel: (i % 4) + 1 }));
  const padding = ' '.repeat(Math.floor((MAX_BODY_BYTES - 4096 - items.join(',').length) / items.length));
  const lines = ['site,observed_at,opel,note'];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < MAX_CSV_ROWS; i++) lines.push(`${sites[i % sites.length]!.code},${new Date(start + i * 1000).toISOString()},${(i % 4) + 1},${'x'.repeat(400)}`);
  return [
    { name: 'JSON (500 updates, padded to 5 MB)', type: 'application/json', path: '/api/v1/updates', body: `[${items.join(`,${padding}`)}]` },
    { name: 'CSV (10,000 rows, 4.7 MB)', type: 'text/csv', path: '/api/v1/updates', body: `${lines.join('\n')}\n` },
    { name: 'XML (5 MB)', type: 'application/xml', path: '/api/v1/updates', body: `<?xml version="1.0"?><!--${'x'.repeat(MAX_BODY_BYTES - 2048)}--><HospitalStatus xmlns="urn:oasis:names:tc:emergency:edxl:have:1.0"/>` },
    { name: 'text (5 MB, refused for length)', type: 'text/plain', path: '/api/v1/updates?site=RHU03', body: 'very busy '.repeat(Math.floor((MAX_BODY_BYTES - 1024) / 10)) },
  ];
}

async function probe(url: string, key: string, until: () => boolean): Promise<{ readyz: number[]; board: number[] }> {
  const readyz: number[] = [];
  const board: number[] = [];
  const loop = async (path: string, into: number[], headers: Record<string, string>) => {
    while (!until()) {
      const started = performance.now();
      const response = await fetch(`${url}${path}`, { headers });
      await response.arrayBuffer();
      into.push(performance.now() - started);
    }
  };
  await Promise.all([loop('/readyz', readyz, {}), loop('/api/v1/board', board, { authorization: `Bearer ${key}` })]);
  return { readyz: readyz.sort((a, b) => a - b), board: board.sort((a, b) => a - b) };
}

export async function runIngestReadiness(): Promise<Row[]> {
  const board = await startBoardProcesses();
  try {
    // The floor: the same probes on the idle board.
    const idleUntil = Date.now() + 3_000;
    const idle = await probe(board.url, board.adminKey, () => Date.now() > idleUntil);

    const bodies = largeBodies();
    const poster = createPoster(board.url, board.adminKey, 4);
    const statuses = new Map<number, number>();
    let posted = 0;
    const until = Date.now() + SECONDS * 1000;
    const posting = Promise.all(
      bodies.map(async (body) => {
        while (Date.now() < until) {
          const reply = await poster.post(body.path, body.body, body.type);
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          posted++;
        }
      }),
    );
    const busy = await probe(board.url, board.adminKey, () => Date.now() > until);
    await posting;
    poster.close();
    const row = (endpoint: string, idleTimes: number[], busyTimes: number[]): Row => ({
      endpoint,
      'probes under load': busyTimes.length,
      'p50 ms': +percentile(busyTimes, 50).toFixed(1),
      'p99 ms': +percentile(busyTimes, 99).toFixed(1),
      'max ms': +(busyTimes.at(-1) ?? NaN).toFixed(1),
      'floor p99 ms (idle board)': +percentile(idleTimes, 99).toFixed(1),
      [`target p99 ≤ ${READINESS_TARGET_MS} ms`]: percentile(busyTimes, 99) <= READINESS_TARGET_MS ? 'met' : 'missed',
      'large posts (status × count)': [...statuses].map(([status, count]) => `${status}×${count}`).join(' '),
      'large posts in total': posted,
    });
    return [row('GET /readyz', idle.readyz, busy.readyz), row('GET /api/v1/board', idle.board, busy.board)];
  } finally {
    await board.stop();
  }
}
