import { z } from 'zod';
import { odsCode } from './site.js';
import { isoDateTime } from './time.js';
import { metricSchemaShape } from './rules/metric-ranges.js';

export const OPEL_LEVELS = [1, 2, 3, 4] as const;
export const INCIDENT_LEVELS = ['none', 'business_continuity', 'critical', 'major'] as const;
export const ED_STATUSES = ['open', 'advisory', 'divert', 'closed', 'not_applicable'] as const;
export const SOURCES = ['form', 'api', 'text', 'opel', 'reap', 'csv', 'edxl-have'] as const;

export type IncidentLevel = (typeof INCIDENT_LEVELS)[number];
export type EdStatus = (typeof ED_STATUSES)[number];
export type Source = (typeof SOURCES)[number];

const level = z.number().int('must be a whole number 1–4').min(1, 'must be 1–4').max(4, 'must be 1–4');
/** The ten metrics of SPEC §2 / §10, each range-checked (ranges in `rules/metric-ranges.ts`). */
export const metricsSchema = z.strictObject(metricSchemaShape()).partial();
export type Metrics = z.infer<typeof metricsSchema>;
export type MetricName = keyof Metrics;
export const METRIC_NAMES = Object.keys(metricsSchema.shape) as MetricName[];

/**
 * The CSV column of each metric: the per-site CSV import reads these names and the CSV
 * export writes them, so an exported file can be edited and posted back.
 */
export const METRIC_CSV_COLUMN: Record<MetricName, string> = {
  handoverMeanMin: 'handover_mean_min',
  fourHourPct: 'four_hour_pct',
  edOccupancyPct: 'ed_occupancy_pct',
  timeToTreatmentMedianMin: 'time_to_treatment_median_min',
  over12hPct: 'over_12h_pct',
  referredPct: 'referred_pct',
  longestWaitHours: 'longest_wait_hours',
  gaOccupancyPct: 'ga_occupancy_pct',
  criticalCareOccupancyPct: 'critical_care_occupancy_pct',
  handoverDelaysOver60Min: 'handover_delays_over_60min',
};

export const incidentInputSchema = z.strictObject({
  level: z.enum(INCIDENT_LEVELS),
  reason: z.string().trim().max(200).optional(),
  declaredAt: isoDateTime.optional(),
});

export const edInputSchema = z.strictObject({
  status: z.enum(ED_STATUSES),
  divertTo: z.array(odsCode).max(20).optional(),
  reason: z.string().trim().max(200).optional(),
  until: isoDateTime.optional(),
});

/**
 * A canonical status update (SPEC §10): every field but `site` optional, and a field
 * not named leaves the stored value as it is. Unknown fields are rejected by name.
 */
export const canonicalUpdateSchema = z
  .strictObject({
    site: odsCode,
    observedAt: isoDateTime.optional(),
    opel: level.nullable().optional(),
    reap: level.optional(),
    incident: incidentInputSchema.optional(),
    ed: edInputSchema.optional(),
    metrics: metricsSchema.optional(),
    note: z.string().max(500, 'must be at most 500 characters').nullable().optional(),
  })
  .superRefine((update, ctx) => {
    if (update.opel !== undefined && update.reap !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['reap'], message: 'give either opel or reap, not both' });
    }
    if (update.ed?.divertTo?.includes(update.site)) {
      ctx.addIssue({ code: 'custom', path: ['ed', 'divertTo'], message: 'a site cannot divert to itself' });
    }
  });
export type CanonicalUpdateInput = z.input<typeof canonicalUpdateSchema>;
export type CanonicalUpdate = z.infer<typeof canonicalUpdateSchema>;

/** At most this many updates in one JSON array (SPEC §10: more is a 413). */
export const MAX_UPDATES_PER_POST = 500;
/** Deeper JSON than this is refused before validation (SPEC §10). */
export const MAX_JSON_DEPTH = 20;

/**
 * What a worker hands to the apply step: one site's canonical update with where it
 * came from. `observedAt` is always set by then.
 */
export interface NormalisedUpdate {
  update: CanonicalUpdate & { observedAt: string };
  source: Source;
  inferred: boolean;
}
