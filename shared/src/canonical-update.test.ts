import { describe, expect, it } from 'vitest';
import { canonicalUpdateSchema, metricsSchema } from './canonical-update.js';
import { issuesToDetails } from './rules/validation-errors.js';

/** Validates and returns the SPEC error details (empty when valid). */
function detailsOf(input: unknown, base: (string | number)[] = []): { path: string; message: string }[] {
  const parsed = canonicalUpdateSchema.safeParse(input);
  return parsed.success ? [] : issuesToDetails(parsed.error.issues, base);
}

/** The distinct paths named (a field may carry more than one message). */
function paths(input: unknown): string[] {
  return [...new Set(detailsOf(input).map((detail) => detail.path))];
}

describe('canonical update schema (SPEC §10)', () => {
  it('accepts the full example from the SPEC unchanged', () => {
    const example = {
      site: 'RHU03',
      observedAt: '2026-01-03T09:15:00Z',
      opel: 3,
      incident: { level: 'critical', reason: 'industrial action' },
      ed: { status: 'divert', divertTo: ['RHU01'], reason: 'no cubicles', until: '2026-01-03T13:00:00Z' },
      metrics: {
        handoverMeanMin: 95, fourHourPct: 61.2, edOccupancyPct: 140, timeToTreatmentMedianMin: 180,
        over12hPct: 8.5, referredPct: 12, longestWaitHours: 11, gaOccupancyPct: 97.1,
        criticalCareOccupancyPct: 88, handoverDelaysOver60Min: 12,
      },
      note: 'Plain text, at most 500 characters',
    };
    const parsed = canonicalUpdateSchema.parse(example);
    expect(parsed).toEqual(example);
  });

  it('needs only the site', () => {
    expect(canonicalUpdateSchema.parse({ site: 'RHU03' })).toEqual({ site: 'RHU03' });
    expect(paths({ opel: 2 })).toEqual(['site']);
  });

  it('is strict about types: "opel": "4" is refused, not coerced', () => {
    expect(paths({ site: 'RHU03', opel: '4' })).toEqual(['opel']);
    expect(paths({ site: 'RHU03', opel: 2.5 })).toEqual(['opel']);
    expect(paths({ site: 'RHU03', opel: 0 })).toEqual(['opel']);
    expect(paths({ site: 'RHU03', opel: 5 })).toEqual(['opel']);
    expect(paths({ site: 'RHU03', metrics: { fourHourPct: '61' } })).toEqual(['metrics.fourHourPct']);
    expect(paths({ site: 'RHU03', incident: { level: 'CRITICAL' } })).toEqual(['incident.level']);
    expect(paths({ site: 'RHU03', ed: { status: 'shut' } })).toEqual(['ed.status']);
    expect(paths({ site: 3 })).toEqual(['site']);
  });

  it('names every unknown field, nested ones included', () => {
    const details = detailsOf({ site: 'RHU03', colour: 'red', metrics: { bedsFree: 3 }, ed: { status: 'open', eta: 1 } });
    expect(details.map((d) => d.path).sort()).toEqual(['colour', 'ed.eta', 'metrics.bedsFree']);
    for (const detail of details) expect(detail.message).toMatch(/not a known field/);
  });

  it('puts the array index first in the path: [3].opel', () => {
    const parsed = canonicalUpdateSchema.safeParse({ site: 'RHU03', opel: '4', extra: true });
    expect(parsed.success).toBe(false);
    const details = issuesToDetails(parsed.error!.issues, [3]);
    expect(details.map((d) => d.path).sort()).toEqual(['[3].extra', '[3].opel']);
  });

  it('refuses __proto__ and constructor keys and never lets them reach the result', () => {
    const poisoned = JSON.parse('{"site":"RHU03","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    const parsed = canonicalUpdateSchema.safeParse(poisoned);
    expect(parsed.success).toBe(false);
    expect(issuesToDetails(parsed.error!.issues).map((d) => d.path).sort()).toEqual(['__proto__', 'constructor']);
    const nested = JSON.parse('{"site":"RHU03","metrics":{"__proto__":{"fourHourPct":1}}}');
    expect(paths(nested)).toEqual(['metrics.__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('upper-cases lower-case site and divertTo codes', () => {
    const parsed = canonicalUpdateSchema.parse({ site: 'rhu03', ed: { status: 'divert', divertTo: ['rhm01'] } });
    expect(parsed.site).toBe('RHU03');
    expect(parsed.ed?.divertTo).toEqual(['RHM01']);
    expect(paths({ site: 'RH U03' })).toEqual(['site']);
    expect(paths({ site: 'R1' })).toEqual(['site']);
  });

  it('accepts reap in place of opel but refuses both at once', () => {
    expect(canonicalUpdateSchema.parse({ site: 'RYC', reap: 4 })).toEqual({ site: 'RYC', reap: 4 });
    const details = detailsOf({ site: 'RYC', reap: 3, opel: 3 });
    expect(details).toHaveLength(1);
    expect(details[0]!.message).toMatch(/either opel or reap/);
    expect(paths({ site: 'RYC', reap: 5 })).toEqual(['reap']);
  });

  it('range-checks percentages (0–100), occupancies (0–1000), minutes and counts (< 10,000)', () => {
    const cases: [Record<string, number>, boolean][] = [
      [{ fourHourPct: 0 }, true], [{ fourHourPct: 100 }, true], [{ fourHourPct: 100.1 }, false], [{ fourHourPct: -1 }, false],
      [{ over12hPct: 101 }, false], [{ referredPct: 50.5 }, true],
      [{ edOccupancyPct: 140 }, true], [{ edOccupancyPct: 1000 }, true], [{ edOccupancyPct: 1000.5 }, false],
      [{ gaOccupancyPct: -0.1 }, false], [{ criticalCareOccupancyPct: 999 }, true],
      [{ handoverMeanMin: 9999.9 }, true], [{ handoverMeanMin: 10_000 }, false], [{ timeToTreatmentMedianMin: -5 }, false],
      [{ longestWaitHours: 11.5 }, true], [{ longestWaitHours: 10_000 }, false],
      [{ handoverDelaysOver60Min: 12 }, true], [{ handoverDelaysOver60Min: 1.5 }, false], [{ handoverDelaysOver60Min: -1 }, false],
      [{ handoverDelaysOver60Min: 10_000 }, false],
    ];
    for (const [metrics, valid] of cases) {
      const name = Object.keys(metrics)[0]!;
      expect({ metrics, valid: metricsSchema.safeParse(metrics).success }).toEqual({ metrics, valid });
      expect(paths({ site: 'RHU03', metrics })).toEqual(valid ? [] : [`metrics.${name}`]);
    }
    expect(paths({ site: 'RHU03', metrics: { fourHourPct: Number.NaN } })).toEqual(['metrics.fourHourPct']);
  });

  it('needs ISO 8601 times with a zone and refuses impossible dates', () => {
    const valid = ['2026-01-03T09:15:00Z', '2026-01-03T09:15:00.123Z', '2026-06-03T10:15:00+01:00', '2024-02-29T00:00:00Z'];
    const invalid = ['2026-02-30T09:00:00Z', '2025-02-29T09:00:00Z', '2026-04-31T09:00:00Z', '2026-13-01T09:00:00Z',
      '2026-01-03T09:15:00', '2026-01-03', '03/01/2026 09:15', 'yesterday', '2026-01-03T25:00:00Z'];
    for (const observedAt of valid) expect({ observedAt, paths: paths({ site: 'RHU03', observedAt }) }).toEqual({ observedAt, paths: [] });
    for (const observedAt of invalid) expect({ observedAt, paths: paths({ site: 'RHU03', observedAt }) }).toEqual({ observedAt, paths: ['observedAt'] });
    expect(paths({ site: 'RHU03', ed: { status: 'divert', until: '2026-02-30T13:00:00Z' } })).toEqual(['ed.until']);
    expect(paths({ site: 'RHU03', incident: { level: 'critical', declaredAt: '2026-01-03 09:00' } })).toEqual(['incident.declaredAt']);
  });

  it('limits the note to 500 characters', () => {
    expect(paths({ site: 'RHU03', note: 'x'.repeat(500) })).toEqual([]);
    expect(paths({ site: 'RHU03', note: 'x'.repeat(501) })).toEqual(['note']);
    expect(paths({ site: 'RHU03', note: 42 })).toEqual(['note']);
  });

  it('refuses a site diverting to itself, whatever the case', () => {
    const details = detailsOf({ site: 'RHU03', ed: { status: 'divert', divertTo: ['RHM01', 'rhu03'] } });
    expect(details).toEqual([{ path: 'ed.divertTo', message: expect.stringMatching(/itself/) }]);
    expect(paths({ site: 'RHU03', ed: { status: 'divert', divertTo: ['RHM01'] } })).toEqual([]);
  });
});
