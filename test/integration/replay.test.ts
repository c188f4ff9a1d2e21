import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys, UPDATES_QUEUE } from '@pb/shared';
import { api, eventually, reference, startTestBoard, type TestBoard } from '../support/test-board.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SITREP = 'shared/data/uec_sitrep/uec_sitrep_2022-12-19_to_2023-01-08.csv';

interface SitrepRow {
  date: string;
  trust_code: string;
  current_trust_code: string;
  ae_closures: string;
  ae_diverts: string;
}

interface HistoryEntry {
  state: 'applied' | 'superseded';
  observedAt: string;
  updateId: string;
  /** The status the board showed after an applied entry. */
  status?: { ed: { status: string } | null };
  /** The update itself, for a superseded entry (it never reached the board). */
  update?: { ed?: { status: string } };
}

/** 08:00 UK local time on `date`: GMT all through this December–January file (checked below). */
const sitrepInstant = (date: string) => Date.parse(`${date}T08:00:00Z`);

/**
 * This winter came before two mergers (Yeovil into Somerset on 1 April 2023, Southport and
 * Ormskirk into St Helens and Knowsley on 1 July 2023): each of these trusts reported for
 * its own hospitals only, under the code of its day (SPEC §10).
 */
const OWN_SITES_THAT_WINTER: Record<string, string[]> = { RA4: ['RA430'], RH5: ['RH5A8'], RVY: ['RVY01', 'RVY02'], RBN: ['RBN01'] };
const sitesOfRow = (row: SitrepRow): string[] => OWN_SITES_THAT_WINTER[row.trust_code] ?? (reference.byTrust.get(row.trust_code) ?? []).map((site) => site.code);

/** Runs scripts/replay.ts as an operator would, and resolves with its exit code and output. */
function runReplay(board: TestBoard, key = board.adminKey): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['scripts/replay.ts', SITREP, '--speed', '0', '--url', board.url, '--key', key], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The real winter 2022–23 UEC sitrep (3,213 trust-days), replayed through the API into a
 * board: every A&E divert the file reports shows on every site the trust ran that day, at
 * 08:00 UK time, and nothing else diverts.
 */
describe('replaying the 2022–23 winter sitrep', () => {
  let board: TestBoard;
  let connection: Redis;
  let queue: Queue;
  const rows = parse(readFileSync(`${ROOT}${SITREP}`, 'utf8'), { columns: true, skip_empty_lines: true }) as SitrepRow[];

  beforeAll(async () => {
    // 178 history reads in a burst: the rate limit is not what this test is about.
    board = await startTestBoard({ rateLimitPerSecond: 100_000 });
    connection = board.redis.duplicate({ maxRetriesPerRequest: null });
    queue = new Queue(UPDATES_QUEUE, { connection, prefix: `{${board.prefix}}:bull` });
  });
  afterAll(async () => {
    await queue?.close();
    await connection?.quit();
    await board?.close();
  });

  it('exits non-zero when the board refuses the replay', async () => {
    const replay = await runReplay(board, 'not-a-key-of-this-board');
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/2022-12-19: HTTP 401/);
    expect(await queue.count()).toBe(0);
  });

  it('shows every reported divert on every site its trust ran at 08:00 that day, and no other', async () => {
    expect(rows.every((row) => /^(2022-12|2023-01)-\d\d$/.test(row.date))).toBe(true);
    const started = performance.now();
    const replay = await runReplay(board);
    const posted = performance.now();
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/done: 21 days, 3213 accepted, 0 rejected/);

    await eventually(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).every((count) => count === 0);
    }, 45_000, 'the update queue to drain');
    const drained = performance.now();

    // Every row was settled: a trust with reference sites applied, one without rejected with that reason.
    const mapped = rows.filter((row) => sitesOfRow(row).length > 0);
    const unmapped = rows.length - mapped.length;
    const records = await updateRecords(board);
    expect(records).toHaveLength(rows.length);
    const inState = (...states: string[]) => records.filter((record) => states.includes(record.state));
    expect(inState('queued')).toEqual([]);
    expect(inState('applied', 'superseded')).toHaveLength(mapped.length);
    expect(inState('rejected')).toHaveLength(unmapped);
    for (const record of inState('rejected')) expect(record.errors).toMatch(/has no sites in the reference data/);

    // What the file says: (date, trust) → diverting.
    const diverting = new Set(mapped.filter((row) => Number(row.ae_diverts) > 0).map((row) => `${row.date} ${row.trust_code}`));
    expect(diverting.size).toBe(43);
    const expectedEntries = new Map<string, boolean>();
    for (const row of mapped) {
      for (const site of sitesOfRow(row)) {
        // One row per site and day: two trusts of one day never share a hospital.
        expect(expectedEntries.has(`${row.date} ${site}`), `${row.date} ${site}`).toBe(false);
        expectedEntries.set(`${row.date} ${site}`, diverting.has(`${row.date} ${row.trust_code}`));
      }
    }

    const histories = await Promise.all(reference.sites.map(async (site) => {
      const response = await api<{ entries: HistoryEntry[] }>(board.url, board.adminKey, 'GET', `/sites/${site.code}/history?limit=1000`);
      expect(response.status).toBe(200);
      return [site, response.body.entries] as const;
    }));
    const seen = new Map<string, string[]>();
    let superseded = 0;
    for (const [site, entries] of histories) {
      for (const entry of entries) {
        const date = new Date(entry.observedAt).toISOString().slice(0, 10);
        expect(Date.parse(entry.observedAt), `${site.code} ${entry.observedAt}`).toBe(sitrepInstant(date));
        if (entry.state === 'superseded') superseded++;
        const ed = entry.state === 'applied' ? entry.status?.ed?.status : entry.update?.ed?.status;
        const key = `${date} ${site.code}`;
        seen.set(key, [...(seen.get(key) ?? []), ed ?? 'none']);
      }
    }
    // Each hospital heard once a day, from the trust that ran it then (not also from a trust it later joined).
    expect([...seen].filter(([, eds]) => eds.length !== 1).map(([key, eds]) => `${key}: ${eds.length} entries`)).toEqual([]);
    const missing = [...expectedEntries.keys()].filter((key) => !seen.has(key));
    expect(missing).toEqual([]);
    const unexpected = [...seen.keys()].filter((key) => !expectedEntries.has(key));
    expect(unexpected).toEqual([]);
    const wrong = [...expectedEntries].filter(([key, divert]) => seen.get(key)!.some((ed) => (ed === 'divert') !== divert)).map(([key]) => `${key}: ${seen.get(key)!.join(',')}`);
    expect(wrong).toEqual([]);
    expect([...seen.values()].flat().filter((ed) => ed === 'divert')).toHaveLength([...expectedEntries.values()].filter(Boolean).length);

    console.info(
      `replay: ${rows.length} rows posted in ${((posted - started) / 1000).toFixed(1)} s, queue drained after ${((drained - started) / 1000).toFixed(1)} s, ` +
        `checked after ${((performance.now() - started) / 1000).toFixed(1)} s; ${superseded} superseded history entries`,
    );
  }, 60_000);
});

/** Every update record of the board, with its state and (for rejections) its reasons. */
async function updateRecords(board: TestBoard): Promise<{ id: string; state: string; errors: string }[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await board.redis.scan(cursor, 'MATCH', redisKeys(board.prefix).update('*'), 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const pipeline = board.redis.pipeline();
  for (const key of keys) pipeline.hmget(key, 'id', 'state', 'errors');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([, value]) => {
    const [id, state, errors] = value as [string, string, string | null];
    return { id, state, errors: errors ?? '' };
  });
}
