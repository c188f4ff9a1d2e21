import { z } from 'zod';

/**
 * The range of each metric (SPEC §10): percentages 0–100, occupancies 0–1000, minutes,
 * hours and counts non-negative and below 10,000, counts whole numbers. The API's schema
 * is built from this table and the posting form takes its input limits and hints from it,
 * so the two cannot drift apart.
 */
export interface MetricRange {
  min: number;
  max: number;
  /** Whether `max` itself is allowed (100 %), or only values below it (below 10,000). */
  maxInclusive: boolean;
  integer: boolean;
  /** Shown after a value: `%`, `min`, `h`, or '' for a plain count. */
  unit: '%' | 'min' | 'h' | '';
}

const percent = (): MetricRange => ({ min: 0, max: 100, maxInclusive: true, integer: false, unit: '%' });
const occupancy = (): MetricRange => ({ min: 0, max: 1000, maxInclusive: true, integer: false, unit: '%' });
const amount = (unit: 'min' | 'h'): MetricRange => ({ min: 0, max: 10_000, maxInclusive: false, integer: false, unit });
const count = (): MetricRange => ({ min: 0, max: 10_000, maxInclusive: false, integer: true, unit: '' });

/** The ten metrics of SPEC §2 / §10 in display order, each with its range. */
export const METRIC_RANGES = {
  handoverMeanMin: amount('min'),
  fourHourPct: percent(),
  edOccupancyPct: occupancy(),
  timeToTreatmentMedianMin: amount('min'),
  over12hPct: percent(),
  referredPct: percent(),
  longestWaitHours: amount('h'),
  gaOccupancyPct: occupancy(),
  criticalCareOccupancyPct: occupancy(),
  handoverDelaysOver60Min: count(),
} as const satisfies Record<string, MetricRange>;

const formatNumber = (value: number): string => value.toLocaleString('en-GB');

/** The range in words, as a form hint: "0–100", "0 to below 10,000, whole number". */
export function describeMetricRange(range: MetricRange): string {
  const span = range.maxInclusive ? `${formatNumber(range.min)}–${formatNumber(range.max)}` : `${formatNumber(range.min)} to below ${formatNumber(range.max)}`;
  return range.integer ? `${span}, whole number` : span;
}

/**
 * The limits for an `<input type="number">`. An exclusive maximum has no HTML form: a
 * whole-number input stops one below it; a decimal one leaves `max` to the schema.
 */
export function metricInputLimits(range: MetricRange): { min: number; max?: number; step: string } {
  const max = range.maxInclusive ? range.max : range.integer ? range.max - 1 : undefined;
  return { min: range.min, ...(max === undefined ? {} : { max }), step: range.integer ? '1' : 'any' };
}

/** The zod schema of one metric, with the messages the API reports. */
export function metricSchema(range: MetricRange): z.ZodNumber {
  let schema = z.number();
  if (range.integer) schema = schema.int('must be a whole number');
  if (range.maxInclusive) {
    const message = `must be ${formatNumber(range.min)}–${range.max}`;
    return schema.min(range.min, message).max(range.max, message);
  }
  return schema.min(range.min, 'must not be negative').lt(range.max, `must be below ${formatNumber(range.max)}`);
}

type MetricShape = { [Name in keyof typeof METRIC_RANGES]: z.ZodNumber };

/** One schema per metric, keyed by name: the shape of `metricsSchema`. */
export function metricSchemaShape(): MetricShape {
  const shape = {} as Record<string, z.ZodNumber>;
  for (const [name, range] of Object.entries(METRIC_RANGES)) shape[name] = metricSchema(range);
  return shape as MetricShape;
}
