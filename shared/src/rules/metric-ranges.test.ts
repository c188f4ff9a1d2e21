import { describe, expect, it } from 'vitest';
import { metricsSchema } from '../canonical-update.js';
import { describeMetricRange, metricInputLimits, METRIC_RANGES } from './metric-ranges.js';

describe('metric ranges', () => {
  it('are what the API schema enforces, at and just past each bound', () => {
    for (const [name, range] of Object.entries(METRIC_RANGES)) {
      const ok = (value: number) => metricsSchema.safeParse({ [name]: value }).success;
      expect(ok(range.min), `${name} at its minimum`).toBe(true);
      expect(ok(range.min - 0.5), `${name} below its minimum`).toBe(false);
      expect(ok(range.max), `${name} at its maximum`).toBe(range.maxInclusive);
      expect(ok(range.max - 1), `${name} just under its maximum`).toBe(true);
      expect(ok(range.min + 1.5), `${name} with a fraction`).toBe(!range.integer);
    }
  });

  it('give the posting form its limits and hints', () => {
    expect(metricInputLimits(METRIC_RANGES.fourHourPct)).toEqual({ min: 0, max: 100, step: 'any' });
    expect(metricInputLimits(METRIC_RANGES.edOccupancyPct)).toEqual({ min: 0, max: 1000, step: 'any' });
    expect(metricInputLimits(METRIC_RANGES.handoverDelaysOver60Min)).toEqual({ min: 0, max: 9999, step: '1' });
    // A decimal below 10,000 (9999.5) is valid, so no HTML max would be right.
    expect(metricInputLimits(METRIC_RANGES.handoverMeanMin)).toEqual({ min: 0, step: 'any' });
    expect(describeMetricRange(METRIC_RANGES.fourHourPct)).toBe('0–100');
    expect(describeMetricRange(METRIC_RANGES.gaOccupancyPct)).toBe('0–1,000');
    expect(describeMetricRange(METRIC_RANGES.longestWaitHours)).toBe('0 to below 10,000');
    expect(describeMetricRange(METRIC_RANGES.handoverDelaysOver60Min)).toBe('0 to below 10,000, whole number');
  });

  it('keep the messages the API has always given', () => {
    const message = (metrics: Record<string, number>) => metricsSchema.safeParse(metrics).error?.issues[0]?.message;
    expect(message({ fourHourPct: 101 })).toBe('must be 0–100');
    expect(message({ edOccupancyPct: 1001 })).toBe('must be 0–1000');
    expect(message({ handoverMeanMin: -1 })).toBe('must not be negative');
    expect(message({ longestWaitHours: 10_000 })).toBe('must be below 10,000');
    expect(message({ handoverDelaysOver60Min: 1.5 })).toBe('must be a whole number');
  });
});
