import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUpdateSchema, METRIC_NAMES } from '@pb/shared';
import { normaliseCanonicalJson } from './canonical-json.js';

const RECEIVED = '2026-01-03T09:15:00Z';

/** The six OPEL ED parameters, carried as canonical metrics, with their ranges (SPEC §10). */
const ED_PARAMETERS: [string, number, number][] = [
  ['handoverMeanMin', 0, 9_999.99],
  ['fourHourPct', 0, 100],
  ['edOccupancyPct', 0, 1_000],
  ['timeToTreatmentMedianMin', 0, 9_999.99],
  ['over12hPct', 0, 100],
  ['referredPct', 0, 100],
];

describe('bare OPEL / REAP JSON with the six ED parameters', () => {
  it('records a bare OPEL number with its parameters as source opel', () => {
    const body = { site: 'RHU03', opel: 3, metrics: { handoverMeanMin: 95, fourHourPct: 61.2, edOccupancyPct: 140, timeToTreatmentMedianMin: 180, over12hPct: 8.5, referredPct: 12 } };
    expect(normaliseCanonicalJson(body, 'api', RECEIVED)).toEqual({ ok: true, updates: [{ update: { ...body, observedAt: RECEIVED }, source: 'opel', inferred: false }] });
  });

  it('records REAP as source reap', () => {
    const result = normaliseCanonicalJson({ site: 'RHU03', reap: 4 }, 'api', RECEIVED);
    expect(result.ok && result.updates[0]!.source).toBe('reap');
  });

  it.each(ED_PARAMETERS)('accepts %s at both ends of its range and refuses just outside', (name, min, max) => {
    for (const value of [min, max]) expect(normaliseCanonicalJson({ site: 'RHU03', opel: 2, metrics: { [name]: value } }, 'api', RECEIVED).ok).toBe(true);
    const over = name === 'handoverMeanMin' || name === 'timeToTreatmentMedianMin' ? 10_000 : max + 0.1;
    for (const value of [min - 0.1, over]) {
      const result = normaliseCanonicalJson({ site: 'RHU03', opel: 2, metrics: { [name]: value } }, 'api', RECEIVED);
      expect(result).toMatchObject({ ok: false, errors: [{ path: `metrics.${name}` }] });
    }
  });

  it.each([
    [{ site: 'RHU03', opel: 5 }, 'opel'],
    [{ site: 'RHU03', opel: '4' }, 'opel'],
    [{ site: 'RHU03', reap: 0 }, 'reap'],
    [{ site: 'RHU03', opel: 2, reap: 2 }, 'reap'],
    [{ site: 'RHU03', opel: 2, metrics: { fourHourPct: '61' } }, 'metrics.fourHourPct'],
    [{ site: 'RHU03', opel: 2, metrics: { waitHours: 3 } }, 'metrics.waitHours'],
  ])('rejects %j at %s', (body, path) => {
    expect(normaliseCanonicalJson(body, 'api', RECEIVED)).toMatchObject({ ok: false, errors: [{ path }] });
  });

  it('never throws and never accepts an out-of-range update (fuzzing)', () => {
    const metric = fc.dictionary(fc.constantFrom(...METRIC_NAMES, 'other'), fc.oneof(fc.double(), fc.integer({ min: -20_000, max: 20_000 }), fc.string()), { maxKeys: 4 });
    const body = fc.oneof(
      fc.anything(),
      fc.record({ site: fc.constantFrom('RHU03', 'rhu03', '', 'X', 42), opel: fc.oneof(fc.integer({ min: -2, max: 7 }), fc.constant('3')), metrics: metric }, { requiredKeys: ['site'] }),
      fc.record({ site: fc.constant('RHU03'), reap: fc.integer({ min: -2, max: 7 }), metrics: metric }, { requiredKeys: ['site'] }),
    );
    fc.assert(
      fc.property(body, (input) => {
        const result = normaliseCanonicalJson(input, 'api', RECEIVED);
        if (result.ok) for (const { update } of result.updates) expect(canonicalUpdateSchema.safeParse(update).success).toBe(true);
        else expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 3_000 },
    );
  });
});
