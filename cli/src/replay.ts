import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { parse } from 'csv-parse/sync';
import { updatesAcceptedSchema } from '@pb/shared';
import { BoardApi } from './board-api.js';
import { BoardRefusedError, NotAllAcceptedError, UsageError } from './cli-errors.js';
import type { Program } from './program.js';

/**
 * `pressure-board replay <sitrep.csv>`: replays an NHS England UEC sitrep CSV into a
 * running board, one day at a time. Each day's rows go as one `text/csv` body to
 * `POST /api/v1/updates` (an admin key, so every trust is allowed).
 */
export function registerReplay(program: Program): void {
  program
    .command('replay')
    .summary('replay a UEC sitrep CSV into the board, day by day')
    .description(
      'Posts a UEC sitrep CSV one day at a time (one text/csv post per date). Exits 0 when every row was queued, ' +
        '1 when the board could not be reached or refused a post or a row. Rows queued may still be rejected ' +
        'by the workers (e.g. a trust with no reference sites): see GET /api/v1/rejections.',
    )
    .argument('<sitrep.csv>', 'a sitrep CSV with a date column')
    .option('--speed <days-per-second>', 'days replayed per second; 0 posts them back to back', nonNegativeNumber, 1)
    .addHelpText('after', '\nExample:\n  pressure-board replay shared/data/uec_sitrep/uec_sitrep_2022-12-19_to_2023-01-08.csv --speed 4')
    .action(async (file, options, command) => {
      await replaySitrep(new BoardApi(command.optsWithGlobals()), file, options.speed);
    });
}

export async function replaySitrep(board: BoardApi, file: string, speed: number): Promise<void> {
  const { header, days } = await readSitrepDays(file);
  let totalAccepted = 0;
  let totalRefused = 0;
  for (const [index, [date, dayRows]] of [...days].sort(([a], [b]) => a.localeCompare(b)).entries()) {
    if (index > 0 && speed > 0) await sleep(1000 / speed);
    const body = [header, ...dayRows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
    let answer;
    try {
      answer = await board.json('POST', '/updates', updatesAcceptedSchema, { body, contentType: 'text/csv' });
    } catch (error) {
      throw error instanceof BoardRefusedError ? error.during(date) : error;
    }
    const refused = answer.updates.flatMap((update) => (update.state === 'rejected' ? [update] : []));
    const accepted = answer.updates.length - refused.length;
    totalAccepted += accepted;
    totalRefused += refused.length;
    console.log(`${date}: ${dayRows.length} rows, ${accepted} accepted, ${refused.length} rejected`);
    for (const row of refused) {
      console.log(`  row ${row.row}: ${row.errors.map((error) => (error.path ? `${error.path}: ${error.message}` : error.message)).join('; ')}`);
    }
  }
  console.log(`done: ${days.size} days, ${totalAccepted} accepted, ${totalRefused} rejected`);
  if (totalRefused > 0) throw new NotAllAcceptedError(`${totalRefused} rows were refused by the board (listed above)`);
}

/** The sitrep's header and its rows grouped by their `date` cell. */
async function readSitrepDays(file: string): Promise<{ header: string[]; days: Map<string, string[][]> }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error && 'code' in error ? String(error.code) : String(error)}`);
  }
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, bom: true });
  } catch (error) {
    throw new UsageError(`${file} is not a CSV file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...rows] = records;
  const dateColumn = header?.indexOf('date') ?? -1;
  if (!header || dateColumn < 0) throw new UsageError(`${file}: not a sitrep CSV (no "date" column)`);
  const days = new Map<string, string[][]>();
  for (const row of rows) {
    const date = row[dateColumn] ?? '';
    const day = days.get(date);
    if (day) day.push(row);
    else days.set(date, [row]);
  }
  return { header, days };
}

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new InvalidArgumentError('must be a number, 0 or more');
  return number;
}
