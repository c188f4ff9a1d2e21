/**
 * CSV rows (SPEC §6, §10). The server splits a `text/csv` body into rows; each row is one
 * job with the header beside it, and its own result. Names are trimmed and matched
 * case-insensitively, a leading BOM ignored.
 *
 * **Which sites.** A row names a `site` (ODS site code), or a trust by `trust_code` (or
 * `current_trust_code`): then it applies to every reference site of that trust on the
 * row's day, where a trust code of the past stands for the sites that belonged to it (see
 * `trust-sites.ts`). With both, the site must be one of the trust's.
 *
 * **When.** `observed_at` (ISO 8601 with a zone), or `date` (`YYYY-MM-DD`: 08:00 UK local
 * time that day, the sitrep snapshot time), or neither (the time received); not both.
 *
 * **What.** The board's own columns, and the NHS England UEC sitrep's, side by side (one
 * value may come from only one of them):
 *
 * | column | canonical field | cell |
 * |---|---|---|
 * | `opel` / `reap` | `opel` / `reap` | 1–4 (not both) |
 * | `incident` | `incident.level` | none, business_continuity, critical, major |
 * | `incident_reason`, `incident_declared_at` | `incident.reason`, `.declaredAt` | need `incident` |
 * | `ed` | `ed.status` | open, advisory, divert, closed, not_applicable |
 * | `ae_closures`, `ae_diverts` (sitrep) | `ed.status` | counts: a closure → closed, else a divert → divert, both 0 → open |
 * | `divert_to` | `ed.divertTo` | site codes separated by `;` or spaces; needs `ed` |
 * | `ed_reason`, `ed_until` | `ed.reason`, `ed.until` | need `ed` |
 * | `note` | `note` | at most 500 characters |
 * | `handover_mean_min`, `four_hour_pct`, … (or as in JSON, `handoverMeanMin`) | `metrics.*` | plain decimal numbers |
 * | `ambulance_handover_delay_over_60min` (sitrep) | `metrics.handoverDelaysOver60Min` | a count |
 * | `ga_occupancy_rate`, `adult_cc_occupancy_rate` (sitrep) | `metrics.gaOccupancyPct`, `.criticalCareOccupancyPct` | rates 0–1, × 100 |
 *
 * A blank cell leaves its field as it is, and a row whose every value is blank changes
 * nothing and is not rejected (it is read as no update at all).
 *
 * **Other columns.** A row keyed by `site` names only columns the board knows, so a typo is
 * refused by name rather than ignored: the columns above, the sitrep's other columns
 * (`trust_name`, `ga_beds_open`, …) and those `GET /export.csv` adds for reading (`name`,
 * `severity`, …) are known and ignored. A sitrep (keyed by trust, no `site` column) may
 * carry any other columns: NHS England's files have many the board does not read.
 */
import {
  canonicalUpdateSchema,
  ED_STATUSES,
  INCIDENT_LEVELS,
  issuesToDetails,
  londonLocalToUtc,
  londonWallClock,
  METRIC_CSV_COLUMN,
  METRIC_NAMES,
  type CanonicalUpdateInput,
  type EdStatus,
  type IncidentLevel,
  type MetricName,
  type NormalisedUpdate,
  type UpdateError,
} from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { rejected, type NormaliseResult } from './result.js';
import { sitesOfTrustOn } from './trust-sites.js';

/** Metric column name (snake_case, or the JSON name) → metric. */
const METRIC_CSV_COLUMNS = new Map<string, MetricName>([
  ...METRIC_NAMES.map((name) => [METRIC_CSV_COLUMN[name], name] as const),
  ...METRIC_NAMES.map((name) => [name.toLowerCase(), name] as const),
]);

/** Sitrep counts and rates the board reads as metrics. */
const SITREP_COUNT_METRICS = new Map<string, MetricName>([['ambulance_handover_delay_over_60min', 'handoverDelaysOver60Min']]);
const SITREP_RATE_METRICS = new Map<string, MetricName>([
  ['ga_occupancy_rate', 'gaOccupancyPct'],
  ['adult_cc_occupancy_rate', 'criticalCareOccupancyPct'],
]);
const SITREP_ED_COLUMNS = ['ae_closures', 'ae_diverts'] as const;

const KEY_COLUMNS = ['site', 'trust_code', 'current_trust_code'];
const TIME_COLUMNS = ['observed_at', 'date'];
const VALUE_COLUMNS = ['opel', 'reap', 'incident', 'incident_reason', 'incident_declared_at', 'ed', 'divert_to', 'ed_reason', 'ed_until', 'note'];
/** The NHS England UEC sitrep's columns that the board does not read (shared/data/ATTRIBUTION.md §3). */
const SITREP_OTHER_COLUMNS = [
  'trust_name', 'nhser_name', 'has_type1_site_in_sites_csv', 'ga_beds_open', 'ga_beds_occupied', 'ga_beds_void',
  'adult_cc_beds_open', 'adult_cc_beds_occupied', 'beds_occupied_los_over_7d', 'beds_occupied_los_over_21d',
  'flu_patients_ga', 'flu_patients_cc', 'ambulance_handover_delay_30_60min',
];
/** Columns of the CSV export that are there for people to read, not to set. */
const EXPORT_ONLY_COLUMNS = ['name', 'trust', 'region', 'icb', 'severity', 'stale', 'received_at', 'source', 'actor', 'inferred', 'update_id'];

const KNOWN_COLUMNS = new Set([
  ...KEY_COLUMNS, ...TIME_COLUMNS, ...VALUE_COLUMNS, ...METRIC_CSV_COLUMNS.keys(), ...SITREP_COUNT_METRICS.keys(),
  ...SITREP_RATE_METRICS.keys(), ...SITREP_ED_COLUMNS, ...SITREP_OTHER_COLUMNS, ...EXPORT_ONLY_COLUMNS,
]);

type Cells = (name: string) => string | undefined;

/** One CSV row (with its header) → the updates it means. Never throws. */
export function normaliseCsvRow(header: unknown, body: unknown, receivedAt: string, reference: ReferenceData): NormaliseResult {
  if (!Array.isArray(header) || !header.every((cell) => typeof cell === 'string') || header.length === 0) {
    return rejected({ message: 'a CSV row needs its header (a list of column names)' });
  }
  if (!Array.isArray(body) || !body.every((cell) => typeof cell === 'string')) {
    return rejected({ message: 'a CSV row must be a list of cells' });
  }
  if (body.length !== header.length) {
    return rejected({ message: `the row has ${body.length} cells but the header has ${header.length} columns` });
  }
  const columns = header.map((name, index) => (index === 0 ? name.replace(/^\uFEFF/, '') : name).trim().toLowerCase());
  const duplicate = columns.find((name, index) => columns.indexOf(name) !== index);
  if (duplicate !== undefined) return rejected({ path: duplicate, message: 'the header names this column twice' });
  const values = new Map(columns.map((name, index) => [name, (body[index] as string).trim()]));
  const cell: Cells = (name) => {
    const value = values.get(name);
    return value === undefined || value === '' ? undefined : value;
  };

  const keyedBySite = values.has('site');
  if (!keyedBySite && !values.has('trust_code') && !values.has('current_trust_code')) {
    return rejected({ message: 'the CSV header needs a "site" column (per-site CSV) or a "trust_code" column (sitrep CSV)' });
  }
  const errors: UpdateError[] = [];
  if (keyedBySite) {
    for (const name of values.keys()) if (!KNOWN_COLUMNS.has(name)) errors.push({ path: name, message: 'is not a known column' });
  }
  const read = readValues(cell, errors);
  if (errors.length > 0) return rejected(...errors);
  // SPEC §10: a row whose every value is blank (a trust in the month it merged) changes nothing and is not rejected.
  if (Object.keys(read.fields).length === 0) return { ok: true, updates: [] };

  const when = readTime(cell, receivedAt);
  if (!when.ok) return rejected(when.error);
  const targets = sitesOfRow(cell, when.day, reference, keyedBySite);
  if (!targets.ok) return rejected(targets.error);

  const columnOf = (path: string) => (path === 'observedAt' ? when.column : read.columnOf.get(path)) ?? path;
  const first: CanonicalUpdateInput = { ...read.fields, site: targets.sites[0]!, ...(when.observedAt ? { observedAt: when.observedAt } : {}) };
  const parsed = canonicalUpdateSchema.safeParse(first);
  if (!parsed.success) return rejected(...issuesToDetails(parsed.error.issues).map((detail) => ({ ...detail, path: columnOf(detail.path) })));
  // Every site of a trust row gets the same values; the reference codes need no second check.
  const update = { ...parsed.data, observedAt: parsed.data.observedAt ?? receivedAt };
  const updates: NormalisedUpdate[] = targets.sites.map((site) => ({ update: { ...update, site }, source: 'csv', inferred: false }));
  return { ok: true, updates };
}

/** Strict decimal: "61.2", "-3", "0.9236"; not "", "1e3", "0x10", "61,2". */
export function parseNumberCell(raw: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

interface RowValues {
  fields: Omit<CanonicalUpdateInput, 'site' | 'observedAt'>;
  /** Canonical field path → the column its value came from, to name problems by column. */
  columnOf: Map<string, string>;
}

/** The row's status values, from the board's own columns and the sitrep's; problems go to `errors`. */
function readValues(cell: Cells, errors: UpdateError[]): RowValues {
  const fields: RowValues['fields'] = {};
  const columnOf = new Map<string, string>();
  const number = (name: string): number | undefined => {
    const raw = cell(name);
    if (raw === undefined) return undefined;
    const value = parseNumberCell(raw);
    if (value === undefined) errors.push({ path: name, message: 'must be a plain number, e.g. 61.2' });
    return value;
  };
  const count = (name: string): number | undefined => {
    const raw = cell(name);
    if (raw === undefined) return undefined;
    const value = parseNumberCell(raw);
    if (value === undefined || !Number.isInteger(value) || value < 0) {
      errors.push({ path: name, message: 'must be a whole number of at least 0' });
      return undefined;
    }
    return value;
  };

  for (const axis of ['opel', 'reap'] as const) {
    const raw = cell(axis);
    if (raw === undefined) continue;
    const value = parseNumberCell(raw);
    if (value === undefined) errors.push({ path: axis, message: 'must be a whole number 1–4' });
    else fields[axis] = value;
  }

  const level = cell('incident');
  if (level !== undefined) {
    const known = oneOf(level.toLowerCase(), INCIDENT_LEVELS);
    if (known === undefined) errors.push({ path: 'incident', message: `must be one of ${INCIDENT_LEVELS.join(', ')}` });
    else {
      const incident: NonNullable<RowValues['fields']['incident']> = { level: known satisfies IncidentLevel };
      const reason = cell('incident_reason');
      if (reason !== undefined) incident.reason = reason;
      const declaredAt = cell('incident_declared_at');
      if (declaredAt !== undefined) incident.declaredAt = declaredAt;
      fields.incident = incident;
    }
  } else {
    for (const name of ['incident_reason', 'incident_declared_at']) if (cell(name) !== undefined) errors.push({ path: name, message: 'needs the incident column' });
  }
  columnOf.set('incident.level', 'incident').set('incident.reason', 'incident_reason').set('incident.declaredAt', 'incident_declared_at');

  const status = cell('ed');
  const closures = count('ae_closures');
  const diverts = count('ae_diverts');
  if (status !== undefined) {
    const known = oneOf(status.toLowerCase(), ED_STATUSES);
    if (known === undefined) errors.push({ path: 'ed', message: `must be one of ${ED_STATUSES.join(', ')}` });
    else {
      const ed: NonNullable<RowValues['fields']['ed']> = { status: known satisfies EdStatus };
      const divertTo = cell('divert_to');
      if (divertTo !== undefined) ed.divertTo = divertTo.split(/[;\s]+/).filter(Boolean);
      const reason = cell('ed_reason');
      if (reason !== undefined) ed.reason = reason;
      const until = cell('ed_until');
      if (until !== undefined) ed.until = until;
      fields.ed = ed;
    }
    if (closures !== undefined || diverts !== undefined) errors.push({ path: 'ae_closures', message: 'the A&E status is given twice: by "ed" and by "ae_closures"/"ae_diverts"' });
    columnOf.set('ed.status', 'ed');
  } else {
    for (const name of ['divert_to', 'ed_reason', 'ed_until']) if (cell(name) !== undefined) errors.push({ path: name, message: 'needs the ed column' });
    // SPEC §10: a closure beats a divert; both 0 means open; a blank leaves A&E as it is.
    if (closures !== undefined && closures > 0) fields.ed = { status: 'closed' };
    else if (diverts !== undefined && diverts > 0) fields.ed = { status: 'divert' };
    else if (closures === 0 && diverts === 0) fields.ed = { status: 'open' };
    columnOf.set('ed.status', 'ae_closures');
  }
  columnOf.set('ed.divertTo', 'divert_to').set('ed.reason', 'ed_reason').set('ed.until', 'ed_until');

  const note = cell('note');
  if (note !== undefined) fields.note = note;

  const metrics: Partial<Record<MetricName, number>> = {};
  const setMetric = (metric: MetricName, column: string, value: number | undefined) => {
    if (value === undefined) return;
    const earlier = columnOf.get(`metrics.${metric}`);
    if (metrics[metric] !== undefined && earlier !== undefined) {
      errors.push({ path: column, message: `${metric} is given twice: by "${earlier}" and by "${column}"` });
      return;
    }
    metrics[metric] = value;
    columnOf.set(`metrics.${metric}`, column);
  };
  for (const [column, metric] of METRIC_CSV_COLUMNS) setMetric(metric, column, number(column));
  for (const [column, metric] of SITREP_COUNT_METRICS) setMetric(metric, column, count(column));
  for (const [column, metric] of SITREP_RATE_METRICS) {
    const rate = number(column);
    // Rates are 0–1 in the sitrep; × 100 without float noise (0.9236 → 92.36).
    setMetric(metric, column, rate === undefined ? undefined : Math.round(rate * 10_000) / 100);
  }
  if (Object.keys(metrics).length > 0) fields.metrics = metrics;
  return { fields, columnOf };
}

type RowTime = { ok: true; observedAt?: string; day: string; column: string } | { ok: false; error: UpdateError };

/** When the row was true, and its UK day (for the trust codes of that day). */
function readTime(cell: Cells, receivedAt: string): RowTime {
  const date = cell('date');
  const observedAt = cell('observed_at');
  if (date !== undefined && observedAt !== undefined) return { ok: false, error: { path: 'date', message: 'give observed_at or date, not both' } };
  if (date !== undefined) {
    const at = londonLocalToUtc(date, 8, 0);
    if (!at) return { ok: false, error: { path: 'date', message: 'must be a real date as YYYY-MM-DD' } };
    return { ok: true, observedAt: at, day: date, column: 'date' };
  }
  // An unreadable observed_at is refused by the schema, naming the column; until then the day received stands in.
  const instant = observedAt !== undefined && !Number.isNaN(Date.parse(observedAt)) ? Date.parse(observedAt) : Date.parse(receivedAt);
  return { ok: true, ...(observedAt !== undefined ? { observedAt } : {}), day: londonDay(instant), column: 'observed_at' };
}

type RowSites = { ok: true; sites: string[] } | { ok: false; error: UpdateError };

/** The site the row names, or its trust's sites on `day`. */
function sitesOfRow(cell: Cells, day: string, reference: ReferenceData, keyedBySite: boolean): RowSites {
  const site = cell('site')?.toUpperCase();
  const trust = (cell('trust_code') ?? cell('current_trust_code'))?.toUpperCase();
  if (site === undefined && trust === undefined) return { ok: false, error: { path: keyedBySite ? 'site' : 'trust_code', message: 'is required' } };
  const ofTrust = trust === undefined ? undefined : sitesOfTrustOn(trust, day, reference);
  if (site === undefined) {
    if (!ofTrust!.ok) return { ok: false, error: { path: 'trust_code', message: ofTrust!.message } };
    return { ok: true, sites: ofTrust!.sites.map((entry) => entry.code) };
  }
  // An unknown site is named as such by the reference check that follows; a known one must be the trust's.
  if (ofTrust && reference.byCode.has(site) && !(ofTrust.ok && ofTrust.sites.some((entry) => entry.code === site))) {
    return { ok: false, error: { path: 'site', message: `${site} is not a site of trust ${trust} on ${day}` } };
  }
  return { ok: true, sites: [site] };
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T | undefined {
  return allowed.find((option) => option === value);
}

/** The UK calendar day of an instant, `YYYY-MM-DD`. */
function londonDay(instant: number): string {
  const { year, month, day } = londonWallClock(instant);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
