/**
 * Throughput of each input format through normalise + apply (server and workers in
 * their own processes), from the first POST to the last update leaving `queued`,
 * beside the floor of the same libraries in the same run: a bare BullMQ no-op job,
 * add → completed, for the same number of jobs added the same way.
 *
 * `BENCH_FORMATS=csv,text` runs only some formats; `BENCH_SCALE=0.2` shrinks every count.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { UPDATES_QUEUE, type Site } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { REDIS_URL, startBoardProcesses, type BoardProcesses } from './board-processes.js';

/** The 10,000-row per-site CSV should be applied end to end within this. */
export const CSV_TARGET_SECONDS = 2;
/** Arrays of 500 should flow through normalise + apply + publish at least this fast, sustained. */
export const ARRAYS_TARGET_PER_SECOND = 8_000;
/** One site taking this many updates a second (a big CSV or a back-fill for one site). */
export const ONE_SITE_TARGET_PER_SECOND = 2_000;

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const count = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Requests in flight at once for the one-update-per-POST formats. */
const IN_FLIGHT = 32;
/** As the workers' default `PB_WORKER_CONCURRENCY`, so the floor does the same amount of parallel work. */
const FLOOR_CONCURRENCY = 16;
const ARRAY_SIZE = 500;

interface Row {
  [key: string]: string | number;
}

/** One format: how to post `updates` updates, and how the server adds them to the queue. */
interface FormatCase {
  name: string;
  updates: number;
  /** Jobs per BullMQ add call on the server (1 = `add`, more = one `addBulk`). */
  addBatch: number;
  post(board: BoardProcesses, sites: Site[]): Promise<void>;
}

const TEXTS = [
  (s: Site) => `Operating normally at ${s.name} this morning.`,
  () => 'We are exceptionally busy today; waits of up to 11 hours in the emergency department.',
  () => 'Declared a critical incident due to extreme pressure, ambulances diverted to other hospitals.',
  () => 'Critical incident stood down; the trust remains at OPEL 3.',
];

function cases(): FormatCase[] {
  const textPosts = count(2_000);
  const jsonPosts = count(2_000);
  // Long enough to be a sustained rate, not a burst the queue absorbs.
  const arrays = Math.max(1, Math.round(count(40_000) / ARRAY_SIZE));
  const oneSiteArrays = Math.max(1, Math.round(count(4_000) / ARRAY_SIZE));
  const csvRows = count(10_000);
  const edxlPosts = count(2_000);
  return [
    {
      name: 'free text (text/plain, one per POST)',
      updates: textPosts,
      addBatch: 1,
      post: (board, sites) => inParallel(textPosts, (i) => {
        const site = sites[i % sites.length]!;
        return postUpdates(board, TEXTS[i % TEXTS.length]!(site), 'text/plain', `?site=${site.code}`);
      }),
    },
    {
      name: 'canonical JSON (one per POST)',
      updates: jsonPosts,
      addBatch: 1,
      post: (board, sites) => inParallel(jsonPosts, (i) => postUpdates(board, JSON.stringify(jsonUpdate(sites, i)), 'application/json')),
    },
    {
      name: `canonical JSON (${ARRAY_SIZE}-item arrays)`,
      updates: arrays * ARRAY_SIZE,
      addBatch: ARRAY_SIZE,
      post: (board, sites) => inParallel(arrays, (a) =>
        postUpdates(board, JSON.stringify(Array.from({ length: ARRAY_SIZE }, (_, j) => jsonUpdate(sites, a * ARRAY_SIZE + j))), 'application/json'), 4),
    },
    {
      name: `one site: ${(oneSiteArrays * ARRAY_SIZE).toLocaleString('en-GB')} updates as ${ARRAY_SIZE}-item arrays, ${Math.min(oneSiteArrays, 16)} in flight`,
      updates: oneSiteArrays * ARRAY_SIZE,
      addBatch: ARRAY_SIZE,
      post: (board, sites) => inParallel(oneSiteArrays, (a) =>
        postUpdates(board, JSON.stringify(Array.from({ length: ARRAY_SIZE }, (_, j) => ({ ...jsonUpdate(sites, a * ARRAY_SIZE + j), site: sites[0]!.code, observedAt: new Date(Date.now() - 3_600_000 + a * ARRAY_SIZE + j).toISOString() }))), 'application/json'), 16),
    },
    {
      name: `per-site CSV (${csvRows.toLocaleString('en-GB')} rows, one POST)`,
      updates: csvRows,
      addBatch: csvRows,
      post: async (board, sites) => {
        const lines = ['site,opel,ed,handover_mean_min,ga_occupancy_pct,note'];
        for (let i = 0; i < csvRows; i++) {
          lines.push(`${sites[i % sites.length]!.code},${(i % 4) + 1},${['open', 'advisory', 'divert', 'open'][i % 4]},${i % 240},${(80 + (i % 200) / 10).toFixed(1)},bench row ${i}`);
        }
        await postUpdates(board, `${lines.join('\r\n')}\r\n`, 'text/csv', '', csvRows);
      },
    },
    {
      name: 'EDXL-HAVE XML (one hospital per POST)',
      updates: edxlPosts,
      addBatch: 1,
      post: (board, sites) => inParallel(edxlPosts, (i) => postUpdates(board, edxlMessage(sites[i % sites.length]!, i), 'application/xml')),
    },
  ];
}

function jsonUpdate(sites: Site[], i: number) {
  return { site: sites[i % sites.length]!.code, opel: (i % 4) + 1, ed: { status: i % 3 === 0 ? 'advisory' : 'open' }, metrics: { longestWaitHours: i % 12 }, note: `bench ${i}` };
}

function edxlMessage(site: Site, i: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<h:HospitalStatus xmlns:h="urn:oasis:names:tc:emergency:EDXL:HAVE:1.0" xmlns:n="urn:oasis:names:tc:ciq:xnl:3" xmlns:p="urn:oasis:names:tc:ciq:xpil:3">
  <h:Hospital>
    <h:Organization><h:OrganizationInformation>
      <n:OrganisationName><n:NameElement>${site.name.replaceAll('&', '&amp;').replaceAll("'", '&apos;')}</n:NameElement></n:OrganisationName>
      <p:Identifiers><p:Identifier p:Type="RegistrationID"><p:IdentifierElement p:Type="Identifier">${site.code}</p:IdentifierElement></p:Identifier></p:Identifiers>
    </h:OrganizationInformation></h:Organization>
    <h:EmergencyDepartmentStatus>
      <h:EMSTraffic><h:EMSTrafficStatus>${['Normal', 'Advisory', 'Closed'][i % 3]}</h:EMSTrafficStatus></h:EMSTraffic>
      <h:EMSAmbulanceStatus><h:EMSOffloadStatus>Normal</h:EMSOffloadStatus><h:EMSOffloadMinutes>${i % 120}</h:EMSOffloadMinutes></h:EMSAmbulanceStatus>
    </h:EmergencyDepartmentStatus>
    <h:HospitalBedCapacityStatus><h:BedCapacity><h:BedType>AdultICU</h:BedType>
      <h:Capacity><h:AvailableCount>${i % 16}</h:AvailableCount><h:BaselineCount>16</h:BaselineCount></h:Capacity>
    </h:BedCapacity></h:HospitalBedCapacityStatus>
    <h:HospitalFacilityStatus><h:ClinicalStatus>${i % 2 ? 'Full' : 'Normal'}</h:ClinicalStatus><h:FacilityStatus>Normal</h:FacilityStatus></h:HospitalFacilityStatus>
    <h:LastUpdateTime>${new Date().toISOString()}</h:LastUpdateTime>
  </h:Hospital>
</h:HospitalStatus>`;
}

let postedIds = 0;

/** Posts one body and checks that every update in it was queued. */
async function postUpdates(board: BoardProcesses, body: string, contentType: string, query = '', expected = 1): Promise<void> {
  const response = await fetch(`${board.url}/api/v1/updates${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${board.adminKey}`, 'content-type': contentType },
    body,
  });
  const answer = (await response.json()) as { updates?: { id?: string }[]; error?: unknown };
  const queued = answer.updates?.filter((update) => update.id).length ?? 0;
  if (response.status !== 202 || queued < expected) throw new Error(`POST ${contentType} answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
  postedIds += queued;
}

/** Runs `task(0…n-1)` with at most `limit` in flight. */
async function inParallel(n: number, task: (i: number) => Promise<void>, limit = IN_FLIGHT): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

async function untilDrained(queue: Queue, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(counts).every((n) => n === 0)) return;
    if (Date.now() > deadline) throw new Error(`the queue did not drain within ${timeoutMs / 1000} s: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Seconds for a bare BullMQ worker to complete `jobs` no-op jobs, added `batch` at a time. */
async function bullFloorSeconds(jobs: number, batch: number): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `{bench-floor-${process.pid}-${Date.now().toString(36)}}:bull`;
  const queue = new Queue('floor', { connection, prefix });
  let completed = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const worker = new Worker('floor', async () => undefined, { connection: workerConnection, prefix, concurrency: FLOOR_CONCURRENCY, removeOnComplete: { count: 1000 } });
  worker.on('completed', () => {
    if (++completed === jobs) allDone();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  if (batch === 1) {
    await inParallel(jobs, async (i) => void (await queue.add('noop', { i }, { jobId: `j${i}` })));
  } else {
    for (let from = 0; from < jobs; from += batch) {
      await queue.addBulk(Array.from({ length: Math.min(batch, jobs - from) }, (_, k) => ({ name: 'noop', data: { i: from + k }, opts: { jobId: `j${from + k}` } })));
    }
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await Promise.all([connection.quit(), workerConnection.quit()]);
  return seconds;
}

/** Runs every format on one board (separate server and workers processes); one table row each. */
export async function runFormatBenchmarks(): Promise<Row[]> {
  const only = process.env.BENCH_FORMATS?.split(',').map((name) => name.trim().toLowerCase());
  const sites = loadReferenceData().sites;
  const board = await startBoardProcesses();
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(UPDATES_QUEUE, { connection, prefix: `{${board.prefix}}:bull` });
  const rows: Row[] = [];
  try {
    for (const format of cases()) {
      if (only && !only.some((name) => format.name.toLowerCase().includes(name))) continue;
      postedIds = 0;
      const started = performance.now();
      await format.post(board, sites);
      const postedAt = performance.now();
      await untilDrained(queue, 300_000);
      const seconds = (performance.now() - started) / 1000;
      if (postedIds !== format.updates) throw new Error(`${format.name}: ${postedIds} updates queued, expected ${format.updates}`);
      const rejected = await rejections(board);
      if (rejected.length > 0) throw new Error(`${format.name}: ${rejected.length} updates were rejected, e.g. ${JSON.stringify(rejected[0])}`);
      // Compare-and-set rounds lost to another worker process (jobs return their count).
      const completed = await queue.getCompleted(0, 999);
      const casRetries = completed.reduce((sum, job) => sum + (Number((job.returnvalue as { retries?: number } | null)?.retries) || 0), 0);
      await queue.clean(0, 10_000, 'completed');
      const floorSeconds = await bullFloorSeconds(format.updates, format.addBatch);
      const rate = format.updates / seconds;
      const floorRate = format.updates / floorSeconds;
      rows.push({
        format: format.name,
        updates: format.updates,
        'posting s': +((postedAt - started) / 1000).toFixed(2),
        seconds: +seconds.toFixed(2),
        'updates/s': Math.round(rate),
        'floor jobs/s (bare BullMQ no-op)': Math.round(floorRate),
        'ratio (floor ÷ ours)': +(floorRate / rate).toFixed(1),
        'CAS retries': casRetries,
      });
    }
  } finally {
    await queue.close();
    await connection.quit();
    await board.stop();
  }
  return rows;
}

/** Rejections on the board: a benchmark of updates that were refused would measure nothing. */
async function rejections(board: BoardProcesses): Promise<unknown[]> {
  const response = await fetch(`${board.url}/api/v1/rejections?limit=10`, { headers: { authorization: `Bearer ${board.adminKey}` } });
  return ((await response.json()) as { rejections: unknown[] }).rejections;
}
