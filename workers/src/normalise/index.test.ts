import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UpdateJob } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { normaliseUpdateJob } from './index.js';

const reference = loadReferenceData();
const NOW = Date.parse('2026-01-03T09:20:00Z');
const job = (fields: Partial<UpdateJob>): UpdateJob => ({
  updateId: 'u1',
  format: 'json',
  source: 'api',
  keyId: 'k1',
  actor: 'test',
  receivedAt: '2026-01-03T09:15:00Z',
  body: undefined,
  ...fields,
});

describe('normaliseUpdateJob dispatches every format', () => {
  it('free text', () => {
    const result = normaliseUpdateJob(job({ format: 'text', source: 'text', body: 'OPEL 4, critical incident declared', site: 'RHU03' }), reference, NOW);
    expect(result).toMatchObject({ ok: true, updates: [{ update: { site: 'RHU03', opel: 4, incident: { level: 'critical' } }, source: 'text', inferred: true }] });
  });

  it('a per-site CSV row, checked against the poster\'s trusts afterwards', () => {
    const csv = job({ format: 'csv-row', source: 'csv', header: ['site', 'opel'], body: ['RHU03', '2'], row: 1 });
    expect(normaliseUpdateJob(csv, reference, NOW)).toMatchObject({ ok: true, updates: [{ update: { site: 'RHU03', opel: 2 }, source: 'csv' }] });
    expect(normaliseUpdateJob({ ...csv, trusts: ['RHM'] }, reference, NOW)).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/may not post for RHU03/) }] });
  });

  it('a sitrep CSV row fans out to the trust\'s sites', () => {
    const csv = job({ format: 'csv-row', source: 'csv', header: ['date', 'trust_code', 'ae_closures', 'ae_diverts'], body: ['2022-12-19', 'R0A', '0', '1'], row: 7 });
    const result = normaliseUpdateJob(csv, reference, NOW);
    expect(result.ok && result.updates).toHaveLength(4);
  });

  it('EDXL-HAVE', () => {
    const xml = `<HospitalStatus><Hospital><Organization><OrganizationInformation><OrganisationName><NameElement>Queen Alexandra Hospital</NameElement></OrganisationName></OrganizationInformation></Organization><EmergencyDepartmentStatus><EMSTraffic><EMSTrafficStatus>Advisory</EMSTrafficStatus></EMSTraffic></EmergencyDepartmentStatus><LastUpdateTime>2026-01-03T09:00:00Z</LastUpdateTime></Hospital></HospitalStatus>`;
    expect(normaliseUpdateJob(job({ format: 'edxl-have', source: 'edxl-have', body: xml }), reference, NOW)).toMatchObject({ ok: true, updates: [{ update: { site: 'RHU03', ed: { status: 'advisory' } } }] });
  });

  it('bare OPEL JSON', () => {
    expect(normaliseUpdateJob(job({ format: 'opel', body: { site: 'RHU03', opel: 3 } }), reference, NOW)).toMatchObject({ ok: true, updates: [{ source: 'opel' }] });
  });

  it('an all-blank CSV row as no update at all (it is not rejected)', () => {
    const csv = job({ format: 'csv-row', source: 'csv', header: ['date', 'trust_code', 'ae_closures', 'ae_diverts'], body: ['2023-04-03', 'RA4', '', ''], row: 3 });
    expect(normaliseUpdateJob(csv, reference, NOW)).toEqual({ ok: true, updates: [] });
  });
});

describe('normaliseUpdateJob checks each hospital of an EDXL-HAVE message on its own', () => {
  const NHS_STATUS = readFileSync(new URL('./fixtures/nhs-hospital-status.xml', import.meta.url), 'utf8');
  const edxl = (fields: Partial<UpdateJob> = {}) => job({ format: 'edxl-have', source: 'edxl-have', body: NHS_STATUS, ...fields });

  it('a trust key’s own hospital applies; the others are rejected, each naming its hospital', () => {
    const result = normaliseUpdateJob(edxl({ trusts: ['RHU'] }), reference, NOW);
    expect(result).toMatchObject({
      ok: true,
      updates: [{ update: { site: 'RHU03' } }],
      parts: ['Hospital[0]'],
      partErrors: [
        { path: 'Hospital[1].site', message: 'RHM01: this key may not post for RHM01 (trust RHM)' },
        { path: 'Hospital[2].site', message: 'RXH01: this key may not post for RXH01 (trust RYR)' },
      ],
    });
  });

  it('a message none of whose hospitals the key may post for is rejected whole', () => {
    expect(normaliseUpdateJob(edxl({ trusts: ['RJ1'] }), reference, NOW)).toMatchObject({ ok: false, errors: [{ path: 'Hospital[0].site' }, { path: 'Hospital[1].site' }, { path: 'Hospital[2].site' }] });
  });
});
