import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  canonicalUpdateSchema,
  issuesToDetails,
  MAX_CSV_ROWS,
  MAX_FUTURE_SKEW_MS,
  MAX_HOSPITALS_PER_MESSAGE,
  MAX_JSON_DEPTH,
  MAX_TEXT_CHARS,
  MAX_UPDATES_PER_POST,
  type CanonicalUpdate,
} from '@pb/shared';

/** The media types `POST /updates` reads, each with its own reader below. */
export const UPDATE_MEDIA_TYPES = ['application/json', 'text/plain', 'text/csv', 'application/xml', 'text/xml'] as const;
export type UpdateMediaType = (typeof UPDATE_MEDIA_TYPES)[number];

export function isUpdateMediaType(type: string): type is UpdateMediaType {
  return (UPDATE_MEDIA_TYPES as readonly string[]).includes(type);
}

/** What the reader is handed: plain data, so it can cross into a worker thread. */
export interface BodyToRead {
  mediaType: UpdateMediaType;
  /** The raw body; its buffer may be transferred to the thread. */
  bytes: Uint8Array;
  /** Milliseconds since the epoch, for the "not in the future" rule. */
  receivedAt: number;
}

export interface ReadFailure {
  ok: false;
  status: 400 | 413;
  code: 'invalid_request' | 'too_large';
  message: string;
  details?: { path: string; message: string }[];
}

export interface CsvRowRead {
  row: number;
  cells: string[];
}

export interface CsvRowError {
  row: number;
  errors: { message: string }[];
}

/** A body that was read and checked as far as it can be without the reference data. */
export type BodyRead =
  | { ok: true; kind: 'json'; isArray: boolean; updates: CanonicalUpdate[]; bodyHash: string }
  | { ok: true; kind: 'text'; text: string; bodyHash: string }
  | { ok: true; kind: 'csv'; header: string[]; rows: CsvRowRead[]; rowErrors: CsvRowError[]; bodyHash: string }
  | { ok: true; kind: 'xml'; text: string; hospitals: number; bodyHash: string };

export type BodyReadResult = BodyRead | ReadFailure;

const invalid = (message: string, details?: ReadFailure['details']): ReadFailure => ({ ok: false, status: 400, code: 'invalid_request', message, ...(details ? { details } : {}) });
const tooLarge = (message: string): ReadFailure => ({ ok: false, status: 413, code: 'too_large', message });

/**
 * Reads and checks one `POST /updates` body: the CPU-heavy part of ingest (JSON and
 * CSV parsing, schema validation, hashing), kept pure so that large bodies can run
 * in a worker thread and small ones inline. Everything that needs the reference
 * data or Redis happens after, on the small result.
 */
export function readUpdateBody(input: BodyToRead): BodyReadResult {
  const text = new TextDecoder('utf-8').decode(input.bytes);
  // The hash is what an Idempotency-Key repeat is compared with: type and body together.
  const bodyHash = createHash('sha256').update(input.mediaType).update('\n').update(text).digest('hex');
  switch (input.mediaType) {
    case 'application/json':
      return readJson(text, input.receivedAt, bodyHash);
    case 'text/plain':
      return readText(text, bodyHash);
    case 'text/csv':
      return readCsv(text, bodyHash);
    case 'application/xml':
    case 'text/xml':
      return readXml(text, bodyHash);
  }
}

function readJson(text: string, receivedAt: number, bodyHash: string): BodyReadResult {
  if (text.trim() === '') return invalid('The body is empty; send a JSON update or an array of updates.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalid(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (depthOf(value) > MAX_JSON_DEPTH) return invalid(`The JSON is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  const isArray = Array.isArray(value);
  const items: unknown[] = Array.isArray(value) ? value : [value];
  if (isArray && items.length === 0) return invalid('The array is empty; send at least one update.');
  if (items.length > MAX_UPDATES_PER_POST) return tooLarge(`At most ${MAX_UPDATES_PER_POST} updates in one array; this one has ${items.length}.`);

  const details: { path: string; message: string }[] = [];
  const updates: CanonicalUpdate[] = [];
  items.forEach((item, index) => {
    const at: (string | number)[] = isArray ? [index] : [];
    const parsed = canonicalUpdateSchema.safeParse(item);
    if (!parsed.success) {
      details.push(...issuesToDetails(parsed.error.issues, at));
      return;
    }
    if (parsed.data.observedAt && Date.parse(parsed.data.observedAt) > receivedAt + MAX_FUTURE_SKEW_MS) {
      details.push({ path: `${isArray ? `[${index}].` : ''}observedAt`, message: 'is more than 5 minutes in the future' });
      return;
    }
    updates.push(parsed.data);
  });
  if (details.length) return invalid(`The update${isArray ? 's are' : ' is'} not valid; nothing was queued.`, details);
  return { ok: true, kind: 'json', isArray, updates, bodyHash };
}

function readText(text: string, bodyHash: string): BodyReadResult {
  if (text.trim() === '') return invalid('The text is empty; say what is happening at the site.', [{ path: 'body', message: 'is empty' }]);
  if (text.length > MAX_TEXT_CHARS) return tooLarge(`Free text is limited to ${MAX_TEXT_CHARS} characters; this has ${text.length}.`);
  return { ok: true, kind: 'text', text, bodyHash };
}

/**
 * CSV is per row (SPEC §10): each readable row becomes its own update; a row that
 * cannot even be split into cells is reported at once and does not sink the rest.
 * Parsing stops one row past the limit, so an oversized file costs no more than a
 * file at the limit.
 */
function readCsv(text: string, bodyHash: string): BodyReadResult {
  let records: string[][];
  try {
    // `to` counts records including the header: stop as soon as the file is known to be too long.
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: true, bom: true, trim: true, to: MAX_CSV_ROWS + 2 });
  } catch (error) {
    return invalid(`The CSV cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...rows] = records;
  if (!header || header.length === 0 || header.every((cell) => cell === '')) return invalid('The CSV is empty.');
  if (rows.length > MAX_CSV_ROWS) return tooLarge(`A CSV may hold at most ${MAX_CSV_ROWS.toLocaleString('en-GB')} data rows; split this one into several posts.`);
  const columns = header.map((name) => name.trim().toLowerCase());
  if (!columns.includes('site') && !columns.includes('trust_code')) {
    return invalid('The CSV header needs a "site" column (per-site CSV) or a "trust_code" column (sitrep CSV).', [{ path: 'header', message: `has ${columns.join(', ')}` }]);
  }
  if (rows.length === 0) return invalid('The CSV has a header but no rows.');
  const read: CsvRowRead[] = [];
  const rowErrors: CsvRowError[] = [];
  rows.forEach((cells, index) => {
    const row = index + 1;
    if (cells.length !== columns.length) rowErrors.push({ row, errors: [{ message: `row ${row} has ${cells.length} cells; the header has ${columns.length}` }] });
    else read.push({ row, cells });
  });
  if (read.length === 0) {
    return invalid('No row of the CSV could be read.', rowErrors.flatMap((r) => r.errors.map((e) => ({ path: `row ${r.row}`, message: e.message }))));
  }
  return { ok: true, kind: 'csv', header: columns, rows: read, rowErrors, bodyHash };
}

/** Opening tags of `Hospital` elements, with or without a namespace prefix (not `HospitalStatus`). */
const HOSPITAL_TAG = /<(?:[A-Za-z_][\w.-]*:)?Hospital[\s/>]/g;

/**
 * EDXL-HAVE is read by the workers; here it is only counted, so a message over the
 * per-request bound is refused before anything is queued.
 */
function readXml(text: string, bodyHash: string): BodyReadResult {
  if (text.trim() === '') return invalid('The body is empty; send an EDXL-HAVE HospitalStatus message.');
  let hospitals = 0;
  for (const _match of text.matchAll(HOSPITAL_TAG)) {
    hospitals++;
    if (hospitals > MAX_HOSPITALS_PER_MESSAGE) {
      return tooLarge(`An EDXL-HAVE message may hold at most ${MAX_HOSPITALS_PER_MESSAGE} Hospital elements; split it into several posts.`);
    }
  }
  return { ok: true, kind: 'xml', text, hospitals, bodyHash };
}

function depthOf(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    max = Math.max(max, depth);
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return max;
}
