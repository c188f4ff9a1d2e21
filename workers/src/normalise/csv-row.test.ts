import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUpdateSchema } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { normaliseCsvRow, parseNumberCell } from './csv-row.js';

const reference = loadReferenceData();
const RECEIVED = '2026-01-03T09:15:00Z';
const SITREP_FILE = fileURLToPath(new URL('../../../shared/data/uec_sitrep/uec_sitrep_2022-12-19_to_2023-01-08.csv', import.meta.url));
const sitrepRows = parse(readFileSync(SITREP_FILE, 'utf8'), { skip_empty_lines: true }) as string[][];
const [SITREP_HEADER, ...SITREP_DATA] = sitrepRows as [string[], ...string[][]];

function row(header: string[], values: Record<string, string>): string[] {
  return header.map((name) => values[name] ?? '');
}

describe('per-site CSV rows', () => {
  const header = ['site', 'observed_at', 'opel', 'incident', 'incident_reason', 'ed', 'divert_to', 'ed_reason', 'note', 'handover_mean_min', 'four_hour_pct', 'ga_occupancy_pct', 'handover_delays_over_60min'];

  it('reads every column into one canonical update', () => {
    const result = normaliseCsvRow(
      header,
      ['rhu03', '2026-01-03T09:00:00Z', '3', 'critical', 'industrial action', 'divert', 'RHM01; RYR18', 'no cubicles', 'Plan, "A"', '95', '61.2', '97.1', '12'],
      RECEIVED,
      reference,
    );
    expect(result).toEqual({
      ok: true,
      updates: [
        {
          update: {
            site: 'RHU03',
            observedAt: '2026-01-03T09:00:00Z',
            opel: 3,
            incident: { level: 'critical', reason: 'industrial action' },
            ed: { status: 'divert', divertTo: ['RHM01', 'RYR18'], reason: 'no cubicles' },
            note: 'Plan, "A"',
            metrics: { handoverMeanMin: 95, fourHourPct: 61.2, gaOccupancyPct: 97.1, handoverDelaysOver60Min: 12 },
          },
          source: 'csv',
          inferred: false,
        },
      ],
    });
  });

  it('leaves blank cells alone and uses the time received when observed_at is blank', () => {
    const result = normaliseCsvRow(header, row(header, { site: 'RHU03', opel: '2' }), RECEIVED, reference);
    expect(result.ok && result.updates[0]!.update).toEqual({ site: 'RHU03', observedAt: RECEIVED, opel: 2 });
  });

  it('accepts JSON-style metric names, upper-case headers and a BOM', () => {
    const result = normaliseCsvRow(['\uFEFFSite', 'OPEL', 'longestWaitHours'], ['RHU03', '4', '11'], RECEIVED, reference);
    expect(result.ok && result.updates[0]!.update).toEqual({ site: 'RHU03', observedAt: RECEIVED, opel: 4, metrics: { longestWaitHours: 11 } });
  });

  it('ignores the read-only columns of the CSV export', () => {
    const result = normaliseCsvRow(['site', 'name', 'severity', 'stale', 'opel'], ['RHU03', 'Queen Alexandra Hospital', '3', 'false', '3'], RECEIVED, reference);
    expect(result.ok && result.updates[0]!.update.opel).toBe(3);
  });

  it.each([
    [['site', 'opel'], ['RHU03', '5'], 'opel', /1–4/],
    [['site', 'opel'], ['RHU03', '"4"'], 'opel', /whole number/],
    [['site', 'opel'], ['RHU03', 'three'], 'opel', /whole number/],
    [['site', 'ed'], ['RHU03', 'shut'], 'ed', /open/],
    [['site', 'incident'], ['RHU03', 'bad'], 'incident', /none/],
    [['site', 'four_hour_pct'], ['RHU03', '101'], 'four_hour_pct', /0–100/],
    [['site', 'ed_occupancy_pct'], ['RHU03', '1001'], 'ed_occupancy_pct', /0–1000/],
    [['site', 'handover_delays_over_60min'], ['RHU03', '2.5'], 'handover_delays_over_60min', /whole number/],
    [['site', 'handover_mean_min'], ['RHU03', '1e3'], 'handover_mean_min', /plain number/],
    [['site', 'longest_wait_hours'], ['RHU03', '-1'], 'longest_wait_hours', /negative/],
    [['site', 'observed_at', 'opel'], ['RHU03', '2026-02-30T09:00:00Z', '2'], 'observed_at', /calendar/],
    [['site', 'observed_at', 'opel'], ['RHU03', '2026-01-03 09:00', '2'], 'observed_at', /ISO 8601/],
    [['site', 'ed', 'divert_to'], ['RHU03', 'divert', 'RHU03'], 'divert_to', /itself/],
    [['site', 'divert_to'], ['RHU03', 'RHM01'], 'divert_to', /needs the ed column/],
    [['site', 'opel', 'colour'], ['RHU03', '2', 'red'], 'colour', /not a known column/],
    [['site', 'opel', 'reap'], ['RHU03', '2', '3'], 'reap', /not both/],
    [['site', 'opel'], ['', '2'], 'site', /required/],
    [['site', 'note'], ['RHU03', 'x'.repeat(501)], 'note', /500/],
  ])('rejects %j %j naming the column', (header, cells, path, message) => {
    const result = normaliseCsvRow(header, cells, RECEIVED, reference);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reads a row with no values as no update at all, never a rejection', () => {
    expect(normaliseCsvRow(['site', 'opel'], ['RHU03', ''], RECEIVED, reference)).toEqual({ ok: true, updates: [] });
    expect(normaliseCsvRow(['site', 'observed_at', 'opel', 'note'], ['RHU03', '2026-01-03T09:00:00Z', ' ', ''], RECEIVED, reference)).toEqual({ ok: true, updates: [] });
    expect(normaliseCsvRow(['site', 'opel'], ['', ''], RECEIVED, reference)).toEqual({ ok: true, updates: [] });
  });

  it('rejects a short row and a header naming a column twice', () => {
    expect(normaliseCsvRow(['site', 'opel'], ['RHU03'], RECEIVED, reference)).toEqual({ ok: false, errors: [{ message: 'the row has 1 cells but the header has 2 columns' }] });
    expect(normaliseCsvRow(['site', 'opel', 'OPEL'], ['RHU03', '1', '2'], RECEIVED, reference)).toMatchObject({ ok: false, errors: [{ path: 'opel' }] });
    expect(normaliseCsvRow(['code', 'opel'], ['RHU03', '1'], RECEIVED, reference)).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/"site" column/) }] });
  });
});

describe('the sitrep vocabulary beside the board’s own columns, keyed by site or by trust', () => {
  const SITE_SITREP = ['site', 'date', 'ae_closures', 'ae_diverts', 'ga_occupancy_rate', 'adult_cc_occupancy_rate', 'ambulance_handover_delay_over_60min', 'ga_beds_open', 'flu_patients_ga'];

  it('reads a per-site row in the sitrep’s own column names, with date as 08:00 UK time', () => {
    const result = normaliseCsvRow(SITE_SITREP, ['rhu03', '2026-01-05', '0', '2', '0.9236', '0.8618', '34', '812', '40'], RECEIVED, reference);
    expect(result).toEqual({
      ok: true,
      updates: [{
        update: { site: 'RHU03', observedAt: '2026-01-05T08:00:00Z', ed: { status: 'divert' }, metrics: { gaOccupancyPct: 92.36, criticalCareOccupancyPct: 86.18, handoverDelaysOver60Min: 34 } },
        source: 'csv',
        inferred: false,
      }],
    });
  });

  it('mixes the sitrep’s columns with the board’s own, by site or by trust', () => {
    const bySite = normaliseCsvRow(['site', 'date', 'opel', 'ae_closures', 'ae_diverts', 'note'], ['RHU03', '2026-07-01', '3', '1', '0', 'Flooded'], RECEIVED, reference);
    expect(bySite.ok && bySite.updates[0]!.update).toEqual({ site: 'RHU03', observedAt: '2026-07-01T07:00:00Z', opel: 3, ed: { status: 'closed' }, note: 'Flooded' });
    const byTrust = normaliseCsvRow(['trust_code', 'observed_at', 'opel', 'ga_occupancy_rate'], ['RHM', '2026-01-03T09:00:00Z', '4', '0.99'], RECEIVED, reference);
    expect(byTrust.ok && byTrust.updates.map((item) => item.update)).toEqual(
      reference.byTrust.get('RHM')!.map((site) => ({ site: site.code, observedAt: '2026-01-03T09:00:00Z', opel: 4, metrics: { gaOccupancyPct: 99 } })),
    );
  });

  it('takes a site and its trust together, refusing a site of another trust', () => {
    const header = ['site', 'trust_code', 'date', 'ae_closures', 'ae_diverts'];
    expect(normaliseCsvRow(header, ['RVY01', 'RVY', '2021-12-20', '0', '1'], RECEIVED, reference)).toMatchObject({ ok: true, updates: [{ update: { site: 'RVY01', ed: { status: 'divert' } } }] });
    expect(normaliseCsvRow(header, ['RBN01', 'RVY', '2021-12-20', '0', '1'], RECEIVED, reference)).toEqual({ ok: false, errors: [{ path: 'site', message: 'RBN01 is not a site of trust RVY on 2021-12-20' }] });
  });

  it.each([
    [['site', 'ed', 'ae_diverts'], ['RHU03', 'open', '1'], 'ae_closures', /given twice/],
    [['site', 'ga_occupancy_pct', 'ga_occupancy_rate'], ['RHU03', '97', '0.97'], 'ga_occupancy_rate', /given twice/],
    [['site', 'handover_delays_over_60min', 'ambulance_handover_delay_over_60min'], ['RHU03', '3', '3'], 'ambulance_handover_delay_over_60min', /given twice/],
    [['site', 'observed_at', 'date', 'opel'], ['RHU03', '2026-01-03T09:00:00Z', '2026-01-03', '2'], 'date', /not both/],
    [['site', 'ae_divert'], ['RHU03', '1'], 'ae_divert', /not a known column/],
    [['site', 'date', 'ae_diverts'], ['RHU03', '2026-13-01', '1'], 'date', /real date/],
    [['trust_code', 'opel'], ['', '2'], 'trust_code', /required/],
  ])('rejects %j %j naming the column', (header, cells, path, message) => {
    const result = normaliseCsvRow(header, cells, RECEIVED, reference);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reads a sitrep row whose every value is blank (a trust in the month it merged) as no update, not a rejection', () => {
    expect(normaliseCsvRow(SITREP_HEADER, row(SITREP_HEADER, { date: '2023-04-03', trust_code: 'RA4', trust_name: 'Yeovil District Hospital NHS Foundation Trust' }), RECEIVED, reference)).toEqual({ ok: true, updates: [] });
    // Even for a trust with no reference sites: there is nothing to apply, so nothing is wrong.
    expect(normaliseCsvRow(SITREP_HEADER, row(SITREP_HEADER, { date: '2023-04-03', trust_code: 'R1L' }), RECEIVED, reference)).toEqual({ ok: true, updates: [] });
  });
});

describe('sitrep CSV rows', () => {
  const at = (values: Record<string, string>) => row(SITREP_HEADER, values);

  it('applies a row to every reference site of the trust at 08:00 UK time (GMT in winter)', () => {
    const result = normaliseCsvRow(
      SITREP_HEADER,
      at({ date: '2022-12-19', trust_code: 'R0A', current_trust_code: 'R0A', ga_occupancy_rate: '0.9236', adult_cc_occupancy_rate: '0.8618', ambulance_handover_delay_over_60min: '34', ae_closures: '0', ae_diverts: '0' }),
      RECEIVED,
      reference,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.updates.map((item) => item.update.site).sort()).toEqual(['R0A02', 'R0A03', 'R0A07', 'R0A66']);
    for (const { update, source, inferred } of result.updates) {
      expect(update).toMatchObject({
        observedAt: '2022-12-19T08:00:00Z',
        ed: { status: 'open' },
        metrics: { gaOccupancyPct: 92.36, criticalCareOccupancyPct: 86.18, handoverDelaysOver60Min: 34 },
      });
      expect(source).toBe('csv');
      expect(inferred).toBe(false);
    }
  });

  it('uses the real UTC offset on a BST date (08:00 BST is 07:00 UTC) and on the change days', () => {
    const observed = (date: string) => {
      const result = normaliseCsvRow(SITREP_HEADER, at({ date, trust_code: 'RHU', ae_diverts: '1' }), RECEIVED, reference);
      return result.ok ? result.updates[0]!.update.observedAt : result.errors;
    };
    expect(observed('2023-06-01')).toBe('2023-06-01T07:00:00Z');
    expect(observed('2023-03-26')).toBe('2023-03-26T07:00:00Z'); // clocks went forward at 01:00 UTC that day
    expect(observed('2023-03-25')).toBe('2023-03-25T08:00:00Z');
    expect(observed('2023-10-29')).toBe('2023-10-29T08:00:00Z'); // clocks went back at 01:00 UTC that day
    expect(observed('2023-10-28')).toBe('2023-10-28T07:00:00Z');
  });

  it.each([
    [{ ae_closures: '1', ae_diverts: '0' }, 'closed'],
    [{ ae_closures: '2', ae_diverts: '3' }, 'closed'],
    [{ ae_closures: '0', ae_diverts: '1' }, 'divert'],
    [{ ae_closures: '', ae_diverts: '1' }, 'divert'],
    [{ ae_closures: '0', ae_diverts: '0' }, 'open'],
    [{ ae_closures: '0', ae_diverts: '', ga_occupancy_rate: '0.5' }, undefined],
    [{ ae_closures: '', ae_diverts: '', ga_occupancy_rate: '0.5' }, undefined],
  ])('maps closures and diverts %j to A&E %s', (values, status) => {
    const result = normaliseCsvRow(SITREP_HEADER, at({ date: '2022-12-19', trust_code: 'RHU', ...values }), RECEIVED, reference);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.updates[0]!.update.ed?.status).toBe(status);
  });

  it('leaves blank cells out of the update', () => {
    const result = normaliseCsvRow(SITREP_HEADER, at({ date: '2022-12-19', trust_code: 'RHU', ga_occupancy_rate: '1.0000' }), RECEIVED, reference);
    expect(result.ok && result.updates[0]!.update).toEqual({ site: 'RHU03', observedAt: '2022-12-19T08:00:00Z', metrics: { gaOccupancyPct: 100 } });
  });

  const sitesOf = (values: Record<string, string>, header = SITREP_HEADER) => {
    const result = normaliseCsvRow(header, header === SITREP_HEADER ? at(values) : header.map((name) => values[name] ?? ''), RECEIVED, reference);
    return result.ok ? result.updates.map((item) => item.update.site).sort() : result.errors;
  };

  it('applies a row under a merged trust’s code of the day to the sites that belonged to that trust only', () => {
    // Yeovil (RA4) merged into Somerset (RH5) on 1 April 2023; in December 2022 both reported.
    expect(sitesOf({ date: '2022-12-19', trust_code: 'RA4', current_trust_code: 'RH5', ae_closures: '0', ae_diverts: '0' })).toEqual(['RA430']);
    expect(sitesOf({ date: '2022-12-19', trust_code: 'RH5', current_trust_code: 'RH5', ae_closures: '0', ae_diverts: '0' })).toEqual(['RH5A8']);
    // After the merger RH5 reports for both hospitals.
    expect(sitesOf({ date: '2023-04-01', trust_code: 'RH5', ae_closures: '0', ae_diverts: '0' })).toEqual(['RA430', 'RH5A8']);
  });

  it('reads a 2021–22 sitrep row for Southport and Ormskirk (RVY, no current_trust_code column) as its two sites, and RBN of that day as Whiston only', () => {
    const header = ['date', 'trust_code', 'trust_name', 'ae_closures', 'ae_diverts'];
    expect(sitesOf({ date: '2021-12-20', trust_code: 'RVY', trust_name: 'Southport and Ormskirk Hospital NHS Trust', ae_closures: '0', ae_diverts: '0' }, header)).toEqual(['RVY01', 'RVY02']);
    expect(sitesOf({ date: '2021-12-20', trust_code: 'RBN', ae_closures: '0', ae_diverts: '1' }, header)).toEqual(['RBN01']);
    expect(sitesOf({ date: '2023-07-01', trust_code: 'RBN', ae_closures: '0', ae_diverts: '1' }, header)).toEqual(['RBN01', 'RVY01', 'RVY02']);
  });

  it('follows renumbered sites and trusts split between two successors', () => {
    const header = ['date', 'trust_code', 'ae_closures', 'ae_diverts'];
    // North Devon District Hospital was Northern Devon Healthcare's (RBZ) before its code became RH880.
    expect(sitesOf({ date: '2021-12-20', trust_code: 'RBZ', ae_closures: '0', ae_diverts: '0' }, header)).toEqual(['RH880']);
    expect(sitesOf({ date: '2021-12-20', trust_code: 'RH8', ae_closures: '0', ae_diverts: '0' }, header)).toEqual(['RH801']);
    // Pennine Acute (RW6): North Manchester General went to R0A, Fairfield and the Royal Oldham to RM3.
    expect(sitesOf({ date: '2020-12-21', trust_code: 'RW6', ae_closures: '0', ae_diverts: '0' }, header)).toEqual(['R0A66', 'RM317', 'RW601']);
    expect(sitesOf({ date: '2020-12-21', trust_code: 'RM3', ae_closures: '0', ae_diverts: '0' }, header)).toEqual(['RM301']);
  });

  it('rejects a trust that ran none of the reference sites on the row’s day, saying why', () => {
    // Somerset NHS FT (RH5) before 2020 was a community and mental health trust.
    expect(sitesOf({ date: '2019-12-16', trust_code: 'RH5', ae_closures: '0', ae_diverts: '0' })).toEqual([
      { path: 'trust_code', message: 'trust RH5 ran none of the reference sites on 2019-12-16: its sites came to it later (RBA on 2020-04-01, RA4 on 2023-04-01)' },
    ]);
  });

  it('rejects a trust with no reference sites, saying so', () => {
    const result = normaliseCsvRow(SITREP_HEADER, at({ date: '2022-12-19', trust_code: 'R1L', current_trust_code: 'R1L', ae_closures: '0', ae_diverts: '0' }), RECEIVED, reference);
    expect(result).toEqual({ ok: false, errors: [{ path: 'trust_code', message: 'trust R1L has no sites in the reference data' }] });
  });

  it.each([
    [{ date: '2022-02-30' }, 'date', /real date/],
    [{ date: '19/12/2022' }, 'date', /real date/],
    [{ ae_closures: '-1' }, 'ae_closures', /whole number/],
    [{ ae_diverts: '1.5' }, 'ae_diverts', /whole number/],
    [{ ga_occupancy_rate: 'high' }, 'ga_occupancy_rate', /plain number/],
    [{ ga_occupancy_rate: '11' }, 'ga_occupancy_rate', /0–1000/],
    [{ adult_cc_occupancy_rate: '-0.1' }, 'adult_cc_occupancy_rate', /0–1000/],
    [{ ambulance_handover_delay_over_60min: '10000' }, 'ambulance_handover_delay_over_60min', /10,000/],
  ])('rejects %j naming the column', (values, path, message) => {
    const result = normaliseCsvRow(SITREP_HEADER, at({ date: '2022-12-19', trust_code: 'RHU', ae_closures: '0', ae_diverts: '0', ...values }), RECEIVED, reference);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('reads all 3,213 rows of the real sitrep file: sites for Y trusts, a reason for N trusts', () => {
    expect(SITREP_DATA).toHaveLength(3213);
    // The trusts whose sites the mergers of 2023 split: each row stands for its own hospital.
    const mergedThatWinter: Record<string, string[]> = { RA4: ['RA430'], RH5: ['RH5A8'], RVY: ['RVY01', 'RVY02'], RBN: ['RBN01'] };
    let applied = 0;
    let rejectedNoSites = 0;
    for (const cells of SITREP_DATA) {
      const values = Object.fromEntries(SITREP_HEADER.map((name, index) => [name, cells[index]]));
      const result = normaliseCsvRow(SITREP_HEADER, cells, RECEIVED, reference);
      if (values.has_type1_site_in_sites_csv === 'N') {
        expect(result).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/has no sites/) }] });
        rejectedNoSites += 1;
        continue;
      }
      if (!result.ok) throw new Error(`${values.date} ${values.trust_code}: ${JSON.stringify(result.errors)}`);
      const trust = values.trust_code!;
      const expected = mergedThatWinter[trust] ?? reference.byTrust.get(trust)!.map((site) => site.code);
      expect(result.updates.map((item) => item.update.site).sort(), `${values.date} ${trust}`).toEqual([...expected].sort());
      for (const { update } of result.updates) expect(canonicalUpdateSchema.safeParse(update).success).toBe(true);
      applied += 1;
    }
    expect(rejectedNoSites).toBe(29 * 21);
    expect(applied).toBe(3213 - 29 * 21);
  });

  it('reads the Sandwell divert of 19 Dec 2022 from the real file', () => {
    const cells = SITREP_DATA.find((cells) => cells[0] === '2022-12-19' && cells[1] === 'RXK')!;
    const result = normaliseCsvRow(SITREP_HEADER, cells, RECEIVED, reference);
    expect(result.ok && result.updates[0]!.update).toMatchObject({ site: 'I3W1A', ed: { status: 'divert' }, metrics: { gaOccupancyPct: 98.28, criticalCareOccupancyPct: 100 } });
  });
});

describe('CSV rows: fuzzing', () => {
  const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '0', '1', '-1', '4', '5', '0.97', '1.5', '12000', 'RHU03', 'RHM01', 'critical', 'divert', 'open', '2022-12-19', '2023-06-01', 'RHU', 'R0A', 'ZZZ', '2026-01-03T09:00:00Z'));
  const perSiteHeader = fc.shuffledSubarray(['site', 'observed_at', 'opel', 'reap', 'incident', 'ed', 'divert_to', 'note', 'four_hour_pct', 'ed_occupancy_pct', 'handover_delays_over_60min', 'longest_wait_hours', 'colour'], { minLength: 1 });
  const sitrepHeader = fc.shuffledSubarray(['date', 'trust_code', 'current_trust_code', 'ae_closures', 'ae_diverts', 'ga_occupancy_rate', 'adult_cc_occupancy_rate', 'ambulance_handover_delay_over_60min', 'flu_patients_ga'], { minLength: 1 });

  it('never throws and never accepts an out-of-range update', () => {
    fc.assert(
      fc.property(fc.oneof(perSiteHeader, sitrepHeader, fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 })), fc.array(cell, { maxLength: 14 }), (header, cells) => {
        const body = cells.length >= header.length ? cells.slice(0, header.length) : [...cells, ...Array<string>(header.length - cells.length).fill('')];
        for (const shape of [body, cells]) {
          const result = normaliseCsvRow(header, shape, RECEIVED, reference);
          if (result.ok) {
            for (const { update } of result.updates) expect(canonicalUpdateSchema.safeParse(update).success).toBe(true);
          } else {
            expect(result.errors.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('never throws on bodies of the wrong type', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (header, body) => {
        expect(() => normaliseCsvRow(header, body, RECEIVED, reference)).not.toThrow();
      }),
    );
  });

  it('reads only plain decimals as numbers', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), (value) => {
        const text = value.toFixed(3);
        expect(parseNumberCell(text)).toBeCloseTo(Number(text), 6);
      }),
    );
    for (const text of ['', ' ', '1e3', '0x10', '1,5', 'Infinity', 'NaN', '+1', '.5']) expect(parseNumberCell(text)).toBeUndefined();
  });
});
