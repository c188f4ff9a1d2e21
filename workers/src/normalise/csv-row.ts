/**
 * CSV rows (SPEC §6, §10). The server splits a `text/csv` body into rows; each row is
 * one job with the header beside it, and its own result. Two shapes, told apart by the
 * header (names are trimmed and matched case-insensitively, a leading BOM ignored):
 *
 * **Per-site CSV** — has a `site` column; one row = one update for that site. Columns
 * (all but `site` optional, a blank cell leaves that field as it is, unknown columns are
 * rejected by name just as unknown JSON fields are):
 *
 * | column | canonical field | cell |
 * |---|---|---|
 * | `site` | `site` | ODS site code |
 * | `observed_at` | `observedAt` | ISO 8601 with a zone; blank = time received |
 * | `opel` / `reap` | `opel` / `reap` | 1–4 (not both) |
 * | `incident` | `incident.level` | none, business_continuity, critical, major |
 * | `incident_reason`, `incident_declared_at` | `incident.reason`, `.declaredAt` | need `incident` |
 * | `ed` | `ed.status` | open, advisory, divert, closed, not_applicable |
 * | `divert_to` | `ed.divertTo` | site codes separated by `;` or spaces; needs `ed` |
 * | `ed_reason`, `ed_until` | `ed.reason`, `ed.until` | need `ed` |
 * | `note` | `note` | at most 500 characters |
 * | `handover_mean_min`, `four_hour_pct`, `ed_occupancy_pct`, `time_to_treatment_median_min`, `over_12h_pct`, `referred_pct`, `longest_wait_hours`, `ga_occupancy_pct`, `critical_care_occupancy_pct`, `handover_delays_over_60min` | `metrics.*` | plain decimal numbers |
 *
 * Metric columns may also be named as in JSON (`handoverMeanMin`). The columns that
 * `GET /export.csv` adds for reading (`name`, `trust`, `region`, `icb`, `severity`,
 * `stale`, `received_at`, `source`, `actor`, `inferred`, `update_id`) are accepted and
 * ignored, so an export can be edited and posted back.
 *
 * **Sitrep CSV** — has `trust_code` (and `date`) and no `site`: the NHS England UEC
 * daily sitrep layout (shared/data/ATTRIBUTION.md §3). A row applies to every reference
 * site of the trust (`current_trust_code` first, since trusts have merged), observed at
 * 08:00 UK local time on `date`. Its other columns are ignored.
 */
import {
  canonicalUpdateSchema,
  issuesToDetails,
  londonLocalToUtc,
  METRIC_CSV_COLUMN,
  METRIC_NAMES,
  type CanonicalUpdateInput,
  type MetricName,
  type NormalisedUpdate,
  type UpdateError,
} from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { rejected, type NormaliseResult } from './result.js';

/** Metric column name (snake_case, or the JSON name) → metric. */
const METRIC_CSV_COLUMNS = new Map<string, MetricName>([
  ...METRIC_NAMES.map((name) => [METRIC_CSV_COLUMN[name], name] as const),
  ...METRIC_NAMES.map((name) => [name.toLowerCase(), name] as const),
]);

/** Sitrep columns behind each metric, to name them in a rejection. */
const SITREP_COLUMN: Partial<Record<string, string>> = {
  'metrics.handoverDelaysOver60Min': 'ambulance_handover_delay_over_60min',
  'metrics.gaOccupancyPct': 'ga_occupancy_rate',
  'metrics.criticalCareOccupancyPct': 'adult_cc_occupancy_rate',
  'ed.status': 'ae_closures',
  observedAt: 'date',
};

const SITE_COLUMNS = new Set([
  'site', 'observed_at', 'opel', 'reap', 'incident', 'incident_reason', 'incident_declared_at',
  'ed', 'divert_to', 'ed_reason', 'ed_until', 'note',
]);
/** Columns of the CSV export that are there for people to read, not to set. */
const EXPORT_ONLY_COLUMNS = new Set(['name', 'trust', 'region', 'icb', 'severity', 'stale', 'received_at', 'source', 'actor', 'inferred', 'update_id']);

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
  const cells = new Map(columns.map((name, index) => [name, (body[index] as string).trim()]));

  if (cells.has('site')) return normaliseSiteRow(cells, receivedAt);
  if (cells.has('trust_code')) return normaliseSitrepRow(cells, reference);
  return rejected({ message: 'the CSV header needs a "site" column (per-site CSV) or a "trust_code" column (sitrep CSV)' });
}

function normaliseSiteRow(cells: Map<string, string>, receivedAt: string): NormaliseResult {
  const errors: UpdateError[] = [];
  for (const name of cells.keys()) {
    if (!SITE_COLUMNS.has(name) && !METRIC_CSV_COLUMNS.has(name) && !EXPORT_ONLY_COLUMNS.has(name)) {
      errors.push({ path: name, message: 'is not a known column' });
    }
  }
  const cell = (name: string) => {
    const value = cells.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
  const update: CanonicalUpdateInput = { site: cell('site') ?? '' };
  if (!cell('site')) errors.push({ path: 'site', message: 'is required' });
  const observedAt = cell('observed_at');
  if (observedAt) update.observedAt = observedAt;
  for (const axis of ['opel', 'reap'] as const) {
    const raw = cell(axis);
    if (raw === undefined) continue;
    const value = parseNumberCell(raw);
    if (value === undefined) errors.push({ path: axis, message: 'must be a whole number 1–4' });
    else update[axis] = value;
  }

  const level = cell('incident');
  if (level) {
    update.incident = { level: level.toLowerCase() as never };
    const reason = cell('incident_reason');
    if (reason) update.incident.reason = reason;
    const declaredAt = cell('incident_declared_at');
    if (declaredAt) update.incident.declaredAt = declaredAt;
  } else {
    for (const name of ['incident_reason', 'incident_declared_at']) {
      if (cell(name)) errors.push({ path: name, message: 'needs the incident column' });
    }
  }

  const status = cell('ed');
  if (status) {
    update.ed = { status: status.toLowerCase() as never };
    const divertTo = cell('divert_to');
    if (divertTo) update.ed.divertTo = divertTo.split(/[;\s]+/).filter(Boolean);
    const reason = cell('ed_reason');
    if (reason) update.ed.reason = reason;
    const until = cell('ed_until');
    if (until) update.ed.until = until;
  } else {
    for (const name of ['divert_to', 'ed_reason', 'ed_until']) {
      if (cell(name)) errors.push({ path: name, message: 'needs the ed column' });
    }
  }

  const note = cells.get('note');
  if (note) update.note = note;

  const metrics: Record<string, number> = {};
  for (const [column, metric] of METRIC_CSV_COLUMNS) {
    const raw = cell(column);
    if (raw === undefined) continue;
    const value = parseNumberCell(raw);
    if (value === undefined) errors.push({ path: column, message: 'must be a plain number, e.g. 61.2' });
    else metrics[metric] = value;
  }
  if (Object.keys(metrics).length > 0) update.metrics = metrics;

  if (errors.length > 0) return rejected(...errors);
  if (Object.keys(update).every((key) => key === 'site' || key === 'observedAt')) {
    return rejected({ message: 'the row holds no status values' });
  }
  return validated([update], receivedAt, siteColumnFor);
}

function normaliseSitrepRow(cells: Map<string, string>, reference: ReferenceData): NormaliseResult {
  const cell = (name: string) => {
    const value = cells.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
  const errors: UpdateError[] = [];
  const trust = (cell('current_trust_code') ?? cell('trust_code'))?.toUpperCase();
  if (!trust) return rejected({ path: 'trust_code', message: 'is required' });
  const date = cell('date');
  if (!date) return rejected({ path: 'date', message: 'is required' });
  const observedAt = londonLocalToUtc(date, 8, 0);
  if (!observedAt) return rejected({ path: 'date', message: 'must be a real date as YYYY-MM-DD' });

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
  const rate = (name: string): number | undefined => {
    const raw = cell(name);
    if (raw === undefined) return undefined;
    const value = parseNumberCell(raw);
    if (value === undefined) {
      errors.push({ path: name, message: 'must be a plain number (a rate, 0–1)' });
      return undefined;
    }
    // Rates are 0–1 in the sitrep; × 100 without float noise (0.9236 → 92.36).
    return Math.round(value * 10_000) / 100;
  };

  const closures = count('ae_closures');
  const diverts = count('ae_diverts');
  const handoverDelays = count('ambulance_handover_delay_over_60min');
  const gaOccupancy = rate('ga_occupancy_rate');
  const ccOccupancy = rate('adult_cc_occupancy_rate');
  if (errors.length > 0) return rejected(...errors);

  const sites = reference.byTrust.get(trust) ?? [];
  if (sites.length === 0) {
    return rejected({ path: 'trust_code', message: `trust ${trust} has no sites in the reference data` });
  }

  const fields: Omit<CanonicalUpdateInput, 'site'> = { observedAt };
  // SPEC §10: a closure beats a divert; both 0 means open; a blank leaves A&E as it is.
  if (closures !== undefined && closures > 0) fields.ed = { status: 'closed' };
  else if (diverts !== undefined && diverts > 0) fields.ed = { status: 'divert' };
  else if (closures === 0 && diverts === 0) fields.ed = { status: 'open' };
  const metrics: Record<string, number> = {};
  if (handoverDelays !== undefined) metrics.handoverDelaysOver60Min = handoverDelays;
  if (gaOccupancy !== undefined) metrics.gaOccupancyPct = gaOccupancy;
  if (ccOccupancy !== undefined) metrics.criticalCareOccupancyPct = ccOccupancy;
  if (Object.keys(metrics).length > 0) fields.metrics = metrics;
  if (!fields.ed && !fields.metrics) return rejected({ message: 'the row holds no status values (every mapped column is blank)' });

  return validated(sites.map((site) => ({ ...fields, site: site.code })), observedAt, (path) => SITREP_COLUMN[path] ?? path);
}

/** Strict decimal: "61.2", "-3", "0.9236"; not "", "1e3", "0x10", "61,2". */
export function parseNumberCell(raw: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

function validated(updates: CanonicalUpdateInput[], defaultObservedAt: string, columnFor: (path: string) => string): NormaliseResult {
  const errors: UpdateError[] = [];
  const out: NormalisedUpdate[] = [];
  for (const update of updates) {
    const parsed = canonicalUpdateSchema.safeParse(update);
    if (!parsed.success) {
      errors.push(...issuesToDetails(parsed.error.issues).map((detail) => ({ ...detail, path: columnFor(bareField(detail.path)) })));
      // Every site of a sitrep row gets the same values, so one site's problems say it all.
      break;
    }
    out.push({ update: { ...parsed.data, observedAt: parsed.data.observedAt ?? defaultObservedAt }, source: 'csv', inferred: false });
  }
  return errors.length > 0 ? rejected(...errors) : { ok: true, updates: out };
}

function bareField(path: string): string {
  return path.replace(/\[\d+\]$/, '');
}

/** Names a problem by the per-site CSV column it came from, not the canonical field. */
function siteColumnFor(path: string): string {
  const map: Record<string, string> = {
    observedAt: 'observed_at',
    'incident.level': 'incident',
    'incident.reason': 'incident_reason',
    'incident.declaredAt': 'incident_declared_at',
    'ed.status': 'ed',
    'ed.divertTo': 'divert_to',
    'ed.reason': 'ed_reason',
    'ed.until': 'ed_until',
  };
  if (map[path]) return map[path]!;
  if (path.startsWith('metrics.')) return METRIC_CSV_COLUMN[path.slice('metrics.'.length) as MetricName] ?? path;
  return path;
}
