import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReferenceData } from './reference-data.js';

const dir = mkdtempSync(join(tmpdir(), 'pb-sites-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'trust_code,trust_name,site_code,site_name,postcode,latitude,longitude,nhser_code,nhser_ons_code,nhser_name,icb_ods_code,icb_ons_code,icb_name,ed_kind,type1_confidence,coord_source,notes';

describe('reference data', () => {
  it('loads the 178 bundled sites of 122 trusts in 7 regions', () => {
    const reference = loadReferenceData();
    expect(reference.sites).toHaveLength(178);
    expect(reference.byTrust.size).toBe(122);
    expect(new Set(reference.sites.map((site) => site.region)).size).toBe(7);
    expect(reference.byCode.get('RHU03')).toMatchObject({ name: 'Queen Alexandra Hospital', trust: 'RHU', region: 'Y59' });
  });

  it('PB_SITES_FILE (CSV) adds sites and replaces them by code', () => {
    const file = join(dir, 'extra.csv');
    writeFileSync(file, [
      HEADER,
      'RHU,Portsmouth Hospitals,RHU03,QA Hospital (renamed),PO6 3LY,50.85,-1.07,Y59,E40000005,South East,QRL,E54000042,Hampshire and Isle of Wight ICB,adult+paeds,high,test,',
      'ZZZ,Test Trust,zzz01,Test Hospital,AB1 2CD,52.0,-1.0,Y60,E40000011,Midlands,QT1,E54000060,Test ICB,adult,high,test,',
    ].join('\n'));
    const reference = loadReferenceData(file);
    expect(reference.sites).toHaveLength(179);
    expect(reference.byCode.get('RHU03')?.name).toBe('QA Hospital (renamed)');
    expect(reference.byCode.get('ZZZ01')).toMatchObject({ trust: 'ZZZ', region: 'Y60' });
    expect(reference.byTrust.get('ZZZ')).toHaveLength(1);
  });

  it('PB_SITES_FILE (JSON) adds sites; a bad row is refused naming the file and the row', () => {
    const good = join(dir, 'extra.json');
    writeFileSync(good, JSON.stringify([{ code: 'YYY01', name: 'Json Hospital', trust: 'YYY', trustName: 'Json Trust', region: 'Y56', regionName: 'London', icb: 'QMJ', icbName: 'North Central London', lat: 51.5, lon: -0.1, type1: true }]));
    expect(loadReferenceData(good).byCode.get('YYY01')?.name).toBe('Json Hospital');

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, [HEADER, 'RHU,Portsmouth,RHU09,Nowhere,PO6 3LY,not-a-number,-1.07,Y99,E4,Nowhere,QRL,E5,ICB,adult,high,test,'].join('\n'));
    expect(() => loadReferenceData(bad)).toThrow(/bad\.csv row 2: .*region|bad\.csv row 2: .*lat/);
    expect(() => loadReferenceData(join(dir, 'missing.csv'))).toThrow(/Cannot read sites file .*missing\.csv/);
  });
});
