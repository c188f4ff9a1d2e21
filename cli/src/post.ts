import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { updateResultSchema, updatesAcceptedSchema, type UpdateError, type UpdateResult, type UpdatesAccepted } from '@pb/shared';
import { BoardApi } from './board-api.js';
import { BoardRefusedError, NotAllAcceptedError, UsageError } from './cli-errors.js';
import type { Program } from './program.js';

/** The formats `POST /updates` reads (SPEC §4), by the name `--type` takes. */
export const POST_FORMAT_NAMES = ['json', 'csv', 'text', 'xml'] as const;
export type PostFormat = (typeof POST_FORMAT_NAMES)[number];
const MEDIA_TYPES: Record<PostFormat, string> = { json: 'application/json', csv: 'text/csv', text: 'text/plain', xml: 'application/xml' };

const FORMAT_BY_EXTENSION: Record<string, PostFormat> = { '.json': 'json', '.csv': 'csv', '.txt': 'text', '.xml': 'xml' };

/** How often `--wait` asks after an update still queued. */
const POLL_EVERY_MS = 200;

export interface PostOptions {
  type?: PostFormat | undefined;
  site?: string | undefined;
  idempotencyKey?: string | undefined;
  wait?: boolean | undefined;
  timeout: number;
}

/**
 * `pressure-board post [file]`: one post of any format, from a file or stdin, then each
 * update's id and state; with `--wait`, each one's outcome once the workers have it.
 */
export function registerPost(program: Program): void {
  program
    .command('post')
    .summary('post updates: canonical JSON, CSV, free text or EDXL-HAVE XML')
    .description(
      'Posts one body to POST /api/v1/updates and prints each update id and state (for CSV, each row). ' +
        'The format comes from the file extension (.json .csv .txt .xml) or --type; read stdin with - (or no file) and --type.',
    )
    .argument('[file]', 'the file to post, or - for stdin')
    .addOption(new Option('--type <format>', 'what the body is').choices(POST_FORMAT_NAMES))
    .option('--site <code>', 'the site that free text (--type text) is about')
    .option('--idempotency-key <key>', 'posting again with the same key within 24 h returns the same ids and applies once')
    .option('--wait', 'wait until each update is applied, superseded or rejected, and print the outcome')
    .option('--timeout <seconds>', 'how long --wait waits', positiveNumber, 120)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  pressure-board post update.json --wait\n' +
        '  pressure-board post sitrep.csv\n' +
        "  echo 'Critical incident declared, A&E diverting' | pressure-board post --type text --site RHU03\n" +
        "  echo '{\"site\":\"RHU03\",\"opel\":3}' | pressure-board post - --type json --idempotency-key morning-1",
    )
    .action(async (file, options, command) => {
      const board = new BoardApi(command.optsWithGlobals());
      await postUpdates(board, file, options);
    });
}

export async function postUpdates(board: BoardApi, file: string | undefined, options: PostOptions): Promise<void> {
  const format = formatOf(file, options.type);
  const body = await readBody(file);
  const headers: Record<string, string> = options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
  const accepted = await board.json('POST', '/updates', updatesAcceptedSchema, {
    body,
    contentType: MEDIA_TYPES[format],
    headers,
    query: { site: options.site },
  });
  const refused = printAccepted(accepted);
  let rejected = 0;
  if (options.wait) {
    const queued = accepted.updates.flatMap((update) => (update.state === 'queued' ? [update] : []));
    rejected = await waitForOutcomes(board, queued, options.timeout * 1000);
  }
  const total = accepted.updates.length;
  if (refused + rejected > 0) {
    throw new NotAllAcceptedError(`${refused + rejected} of ${total} ${total === 1 ? 'update was' : 'updates were'} refused (listed above)`);
  }
}

/** The format from `--type`, else the file's extension; stdin has none, so it needs `--type`. */
export function formatOf(file: string | undefined, type: PostFormat | undefined): PostFormat {
  if (type) return type;
  if (file === undefined || file === '-') throw new UsageError('say what stdin holds with --type json|csv|text|xml');
  const format = FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
  if (!format) throw new UsageError(`cannot tell the format of ${file} from its extension: name it .json .csv .txt or .xml, or pass --type`);
  return format;
}

async function readBody(file: string | undefined): Promise<Uint8Array> {
  if (file === undefined || file === '-') {
    if (process.stdin.isTTY) throw new UsageError('give a file to post, or pipe the body in (pressure-board post - --type json < update.json)');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error && 'code' in error ? String(error.code) : String(error)}`);
  }
}

/** Prints each update's id and state (CSV: per row); returns how many rows were refused before queueing. */
function printAccepted(accepted: UpdatesAccepted): number {
  let refused = 0;
  for (const update of accepted.updates) {
    const row = update.row === undefined ? '' : `row ${update.row}: `;
    if (update.state === 'queued') {
      console.log(`${row}${update.id} queued`);
    } else {
      refused++;
      console.log(`${row}rejected`);
      printErrors(update.errors);
    }
  }
  return refused;
}

/**
 * Polls `GET /updates/:id` for each queued update, in order, until it leaves `queued`,
 * and prints its outcome; returns how many were rejected. The board's rate limit is
 * honoured (`Retry-After`).
 */
async function waitForOutcomes(board: BoardApi, queued: { id: string; row?: number | undefined }[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let rejected = 0;
  for (const update of queued) {
    const result = await pollUntilSettled(board, update.id, deadline);
    const row = update.row === undefined ? '' : `row ${update.row}: `;
    console.log(`${row}${describeOutcome(result)}`);
    printErrors(result.errors ?? []);
    if (result.state === 'rejected') rejected++;
  }
  return rejected;
}

async function pollUntilSettled(board: BoardApi, id: string, deadline: number): Promise<UpdateResult> {
  for (;;) {
    let wait = POLL_EVERY_MS;
    try {
      const result = await board.json('GET', `/updates/${encodeURIComponent(id)}`, updateResultSchema);
      if (result.state !== 'queued') return result;
    } catch (error) {
      if (!(error instanceof BoardRefusedError && (error.status === 429 || error.status === 503))) throw error;
      wait = error.retryAfterMs ?? 1000;
    }
    if (Date.now() + wait > deadline) throw new NotAllAcceptedError(`${id} is still queued; stopped waiting (--timeout). Ask again with GET /api/v1/updates/${id}`);
    await sleep(wait);
  }
}

/** One line for an update's outcome, e.g. "u_… applied (RHU03, seq 42)". */
export function describeOutcome(result: UpdateResult): string {
  const facts = [result.site, result.seq === undefined ? undefined : `seq ${result.seq}`].filter((fact) => fact !== undefined);
  const about = facts.length ? ` (${facts.join(', ')})` : '';
  if (result.state === 'superseded') return `${result.id} superseded${about}: the site already shows a later observation; kept in its history`;
  return `${result.id} ${result.state}${about}`;
}

function printErrors(errors: readonly UpdateError[]): void {
  for (const error of errors) console.log(`    ${error.path ? `${error.path}: ` : ''}${error.message}`);
}

/** Commander parser for a number above zero. */
export function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a number above 0');
  return number;
}
