/**
 * Replays an NHS England UEC sitrep CSV into a running board, one day at a time:
 *
 *   npm run replay -- shared/data/uec_sitrep/uec_sitrep_2022-12-19_to_2023-01-08.csv \
 *     [--speed N] [--url http://localhost:3000] [--key KEY]   (or PB_KEY in the environment)
 *
 * Each day's rows go as one `text/csv` body to `POST /api/v1/updates` (an admin key, so
 * every trust is allowed); `--speed N` waits 1000/N ms between days, `--speed 0` not at all.
 * Exits 0 only when every row was accepted (queued); 1 when the board could not be reached,
 * answered with an error, or refused any row; 2 for bad arguments or a file that is not a sitrep.
 * Rows accepted here may still be rejected by the workers (e.g. a trust with no reference
 * sites): see `GET /api/v1/rejections`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';

interface RowResult {
  id?: string;
  state?: string;
  row?: number;
  errors?: { message: string; path?: string }[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    speed: { type: 'string', default: '1' },
    url: { type: 'string', default: 'http://localhost:3000' },
    key: { type: 'string' },
  },
});

const file = positionals[0];
const key = values.key ?? process.env.PB_KEY;
const speed = Number(values.speed);
if (!file || !key || !Number.isFinite(speed) || speed < 0) {
  console.error('usage: npm run replay -- <sitrep.csv> [--speed N] [--url http://localhost:3000] [--key KEY or env PB_KEY]');
  process.exit(2);
}

const [header, ...rows] = parse(readFileSync(file, 'utf8'), { skip_empty_lines: true, bom: true }) as string[][];
const dateColumn = header?.indexOf('date') ?? -1;
if (!header || dateColumn < 0) {
  console.error(`${file}: not a sitrep CSV (no "date" column)`);
  process.exit(2);
}

const days = new Map<string, string[][]>();
for (const row of rows) {
  const date = row[dateColumn] ?? '';
  const day = days.get(date);
  if (day) day.push(row);
  else days.set(date, [row]);
}

const endpoint = new URL('/api/v1/updates', values.url).toString();
let totalAccepted = 0;
let totalRejected = 0;
for (const [index, [date, dayRows]] of [...days].sort(([a], [b]) => a.localeCompare(b)).entries()) {
  if (index > 0 && speed > 0) await new Promise((resolve) => setTimeout(resolve, 1000 / speed));
  const body = [header, ...dayRows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
  let response: Response;
  try {
    response = await fetch(endpoint, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body });
  } catch (error) {
    console.error(`${date}: cannot reach ${endpoint}: ${(error as Error).message}`);
    process.exit(1);
  }
  const answer = (await response.json().catch(() => ({}))) as { updates?: RowResult[]; error?: { message: string } };
  if (!response.ok) {
    console.error(`${date}: HTTP ${response.status} ${answer.error?.message ?? ''}`);
    process.exit(1);
  }
  const results = answer.updates ?? [];
  const accepted = results.filter((result) => result.id !== undefined).length;
  const rejected = results.length - accepted;
  totalAccepted += accepted;
  totalRejected += rejected;
  console.log(`${date}: ${dayRows.length} rows, ${accepted} accepted, ${rejected} rejected`);
  for (const result of results.filter((item) => item.errors)) {
    console.log(`  row ${result.row}: ${result.errors!.map((error) => (error.path ? `${error.path}: ${error.message}` : error.message)).join('; ')}`);
  }
}
console.log(`done: ${days.size} days, ${totalAccepted} accepted, ${totalRejected} rejected`);
if (totalRejected > 0) {
  console.error(`${totalRejected} rows were refused by the board (listed above)`);
  process.exit(1);
}

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}
