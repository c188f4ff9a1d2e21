import {
  canonicalUpdateSchema,
  describeMetricRange,
  issuesToDetails,
  MAX_FUTURE_SKEW_MS,
  metricInputLimits,
  METRIC_RANGES,
  METRIC_NAMES,
  type CanonicalUpdateInput,
  type EdStatus,
  type IncidentLevel,
  type MetricName,
  type SiteStatus,
} from '@pb/shared';
import { fromUkLocalInput, toUkLocalInput } from '../lib/time';

/** The posting form's values, as the inputs hold them (strings until submitted). */
export interface FormValues {
  opel: '1' | '2' | '3' | '4' | 'unknown';
  incidentLevel: IncidentLevel | '';
  incidentReason: string;
  edStatus: EdStatus | '';
  divertTo: string[];
  edReason: string;
  /** `datetime-local` value in UK time, or ''. */
  edUntil: string;
  metrics: Record<MetricName, string>;
  note: string;
}

export interface FieldError {
  path: string;
  message: string;
}

/**
 * A metric input's limits and hint, from the shared ranges the API's schema is built from
 * (SPEC §10), so the form and the API cannot disagree.
 */
export function metricInput(name: MetricName): { min: number; max?: number; step: string; hint: string } {
  const range = METRIC_RANGES[name];
  return { ...metricInputLimits(range), hint: describeMetricRange(range) };
}

export const NOTE_LIMIT = 500;

/** The form pre-filled with a site's current status. */
export function valuesFromStatus(status: SiteStatus | undefined): FormValues {
  const metrics = {} as Record<MetricName, string>;
  for (const name of METRIC_NAMES) {
    const value = status?.metrics[name];
    metrics[name] = value === undefined ? '' : String(value);
  }
  return {
    opel: status?.opel ? (String(status.opel) as FormValues['opel']) : 'unknown',
    incidentLevel: status?.incident?.level ?? '',
    incidentReason: status?.incident && status.incident.level !== 'none' ? (status.incident.reason ?? '') : '',
    edStatus: status?.ed?.status ?? '',
    divertTo: [...(status?.ed?.divertTo ?? [])],
    edReason: status?.ed?.reason ?? '',
    edUntil: status?.ed?.until ? toUkLocalInput(status.ed.until) : '',
    metrics,
    note: status?.note ?? '',
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');
}

/**
 * The partial canonical update for what the user changed (SPEC §10: a field not named
 * is left as it is), plus errors the schema cannot see (unreadable numbers and dates,
 * a time in the future). Site and observedAt are always sent; `observedAtLocal` null
 * means "now" to the second (a minute-precision default could fall before an update
 * made moments earlier and be superseded). Pure.
 */
export function buildUpdate(
  site: string,
  observedAtLocal: string | null,
  initial: FormValues,
  values: FormValues,
  now: number,
): { update: CanonicalUpdateInput; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const update: CanonicalUpdateInput = { site };

  const observedAt = observedAtLocal === null ? new Date(now).toISOString() : fromUkLocalInput(observedAtLocal);
  if (!observedAt) errors.push({ path: 'observedAt', message: 'Enter the date and time this status was true' });
  else if (Date.parse(observedAt) > now + MAX_FUTURE_SKEW_MS) errors.push({ path: 'observedAt', message: 'must not be in the future' });
  else update.observedAt = observedAt;

  if (values.opel !== initial.opel) update.opel = values.opel === 'unknown' ? null : Number(values.opel);

  if (values.incidentLevel && (values.incidentLevel !== initial.incidentLevel || values.incidentReason.trim() !== initial.incidentReason.trim())) {
    const reason = values.incidentReason.trim();
    update.incident = { level: values.incidentLevel, ...(reason && values.incidentLevel !== 'none' ? { reason } : {}) };
  }

  const edChanged =
    values.edStatus !== initial.edStatus ||
    !sameList(values.divertTo, initial.divertTo) ||
    values.edReason.trim() !== initial.edReason.trim() ||
    values.edUntil !== initial.edUntil;
  if (values.edStatus && edChanged) {
    const redirecting = values.edStatus === 'divert' || values.edStatus === 'closed';
    const reason = values.edReason.trim();
    let until: string | undefined;
    if (values.edUntil) {
      const parsed = fromUkLocalInput(values.edUntil);
      if (parsed) until = parsed;
      else errors.push({ path: 'ed.until', message: 'Enter a real date and time' });
    }
    update.ed = {
      status: values.edStatus,
      ...(redirecting ? { divertTo: [...values.divertTo] } : {}),
      ...(reason ? { reason } : {}),
      ...(until ? { until } : {}),
    };
  }

  const metrics: Partial<Record<MetricName, number>> = {};
  for (const name of METRIC_NAMES) {
    const raw = values.metrics[name].trim();
    if (raw === initial.metrics[name].trim()) continue;
    if (raw === '') {
      errors.push({ path: `metrics.${name}`, message: 'A reported figure cannot be removed; enter the current value' });
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value)) errors.push({ path: `metrics.${name}`, message: 'must be a number' });
    else metrics[name] = value;
  }
  if (Object.keys(metrics).length > 0) update.metrics = metrics;

  if (values.note !== initial.note) update.note = values.note.trim() === '' ? null : values.note;

  return { update, errors };
}

/** Checks the update with the shared schema; paths as the API reports them. */
export function validateUpdate(update: CanonicalUpdateInput): FieldError[] {
  const result = canonicalUpdateSchema.safeParse(update);
  return result.success ? [] : issuesToDetails(result.error.issues);
}

/** The form field an error path belongs to: `ed.divertTo[1]` → `ed.divertTo`. */
export function fieldOf(path: string): string {
  return path.replace(/\[\d+\]$/, '').replace(/^\[\d+\]\.?/, '');
}

/** Whether anything besides site and observedAt would be sent. */
export function hasChanges(update: CanonicalUpdateInput): boolean {
  return Object.keys(update).some((key) => key !== 'site' && key !== 'observedAt');
}
