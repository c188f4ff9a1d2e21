import { describe, expect, it } from 'vitest';
import { indexSites, loadReferenceData } from '@pb/shared/node';
import { sitesOfTrustOn } from './trust-sites.js';

const reference = loadReferenceData();
const codes = (code: string, day: string) => {
  const result = sitesOfTrustOn(code, day, reference);
  return result.ok ? result.sites.map((site) => site.code).sort() : result.message;
};

describe('merged trust codes, shipped as data (shared/data/merged_trusts.csv)', () => {
  it('loads the mergers with the reference sites that belonged to each legacy trust', () => {
    const byLegacy = new Map(reference.trustMergers.map((merger) => [`${merger.legacyTrust}>${merger.successorTrust}`, merger]));
    expect(byLegacy.get('RA4>RH5')).toEqual({ legacyTrust: 'RA4', legacyTrustName: 'Yeovil District Hospital NHS Foundation Trust', successorTrust: 'RH5', mergedOn: '2023-04-01', sites: ['RA430'] });
    expect(byLegacy.get('RVY>RBN')).toMatchObject({ mergedOn: '2023-07-01', sites: expect.arrayContaining(['RVY01', 'RVY02']) });
    expect(byLegacy.get('RBZ>RH8')).toMatchObject({ mergedOn: '2022-04-01', sites: ['RH880'] });
    // Every legacy site is a reference site of its successor, and no site belonged to two legacy trusts.
    const seen = new Set<string>();
    for (const merger of reference.trustMergers) {
      expect(merger.sites.length, merger.legacyTrust).toBeGreaterThan(0);
      for (const code of merger.sites) {
        expect(reference.byCode.get(code)?.trust, code).toBe(merger.successorTrust);
        expect(seen.has(code), code).toBe(false);
        seen.add(code);
      }
    }
  });

  it('refuses to load a table naming a site that is not the successor’s', () => {
    const withoutNorthDevon = reference.sites.filter((site) => site.code !== 'RH880');
    expect(() => indexSites(withoutNorthDevon)).toThrow(/merged_trusts\.csv row \d+: site RH880 is not a reference site of trust RH8/);
  });
});

describe('sitesOfTrustOn: the sites a trust code stood for on a day', () => {
  it('a legacy code stands for its own sites, whatever the day', () => {
    expect(codes('RVY', '2021-12-20')).toEqual(['RVY01', 'RVY02']);
    expect(codes('RA4', '2023-04-03')).toEqual(['RA430']);
  });

  it('a successor before the merger stands only for the sites it already ran', () => {
    expect(codes('RBN', '2023-06-30')).toEqual(['RBN01']);
    expect(codes('RBN', '2023-07-01')).toEqual(['RBN01', 'RVY01', 'RVY02']);
    expect(codes('RAJ', '2019-12-16')).toEqual(['RAJ01']);
    expect(codes('RAJ', '2020-04-01')).toEqual(['RAJ01', 'RAJ12', 'RQ8L0']);
  });

  it('a trust without sites, then or ever, is named with the reason', () => {
    expect(codes('R1L', '2022-12-19')).toBe('trust R1L has no sites in the reference data');
    expect(codes('R0D', '2019-12-16')).toBe('trust R0D ran none of the reference sites on 2019-12-16: its sites came to it later (RD3 on 2020-10-01, RDZ on 2020-10-01)');
  });

  it('a trust untouched by mergers stands for all its sites', () => {
    expect(codes('RHU', '2010-01-01')).toEqual(reference.byTrust.get('RHU')!.map((site) => site.code).sort());
  });
});
