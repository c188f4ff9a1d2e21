import { METRIC_CSV_COLUMN, METRIC_NAMES, toLondonIso, type SiteStatus } from '@pb/shared';

/**
 * Metric columns, named as the per-site CSV import names them
 * (workers/src/normalise/csv-row.ts), so an export can be edited and posted back.
 */
type Column = [name: string, value: (site: SiteStatus) => string | number | boolean | null | undefined, kind?: 'text' | 'time'];

const COLUMNS: Column[] = [
  ['site', (s) => s.site],
  ['name', (s) => s.name, 'text'],
  ['trust', (s) => s.trust],
  ['region', (s) => s.region],
  ['icb', (s) => s.icb],
  ['severity', (s) => s.severity],
  ['stale', (s) => s.stale],
  ['opel', (s) => s.opel],
  ['incident', (s) => s.incident?.level],
  ['incident_reason', (s) => s.incident?.reason, 'text'],
  ['incident_declared_at', (s) => s.incident?.declaredAt, 'time'],
  ['ed', (s) => s.ed?.status],
  ['divert_to', (s) => s.ed?.divertTo.join(';')],
  ['ed_reason', (s) => s.ed?.reason, 'text'],
  ['ed_until', (s) => s.ed?.until, 'time'],
  ...METRIC_NAMES.map((metric): Column => [METRIC_CSV_COLUMN[metric], (s) => s.metrics[metric]]),
  ['note', (s) => s.note, 'text'],
  ['observed_at', (s) => s.observedAt, 'time'],
  ['received_at', (s) => s.receivedAt, 'time'],
  ['source', (s) => s.source],
  ['actor', (s) => s.actor, 'text'],
  ['inferred', (s) => s.inferred],
  ['update_id', (s) => s.updateId],
];

/**
 * The board as CSV (`GET /export.csv`): a header and one row per site, RFC 4180 quoting,
 * CRLF line ends, times in UK local time with their offset. Free-text cells that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading "'".
 * `now` is accepted for symmetry with the other exports and names nothing in the file.
 *
 * @example buildStatusCsv(board.sites, new Date()) // "site,name,…\r\nRHU03,Queen Alexandra Hospital,…\r\n"
 */
export function buildStatusCsv(sites: SiteStatus[], now: Date): string {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const site of sites) {
    lines.push(COLUMNS.map(([, value, kind]) => csvCell(format(value(site), kind))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function format(value: string | number | boolean | null | undefined, kind?: 'text' | 'time'): string {
  if (value === null || value === undefined) return '';
  if (kind === 'time') return toLondonIso(String(value));
  if (kind === 'text') return defuseFormula(String(value));
  return String(value);
}

/** OWASP's advice for CSV injection: text starting like a formula is prefixed with a quote. */
function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
