import { describe, expect, it } from 'vitest';
import { EMPTY_STATUS, projectSiteStatus, type SiteStatus, type StoredStatus } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { validateAgainstHaveSchema } from '../../../test/support/xml-validation.js';
import { buildEdxlHave } from './edxl-have.js';

const reference = loadReferenceData();
const NOW = new Date('2026-07-03T10:00:00Z');

const MIX: Partial<StoredStatus>[] = [
  {},
  { opel: 1, ed: { status: 'open', divertTo: [] } },
  { opel: 2, incident: { level: 'critical', reason: 'industrial action' }, note: 'Staff <strike> & "walkout" — it\'s fine\u0001' },
  { opel: 3, ed: { status: 'divert', divertTo: ['RHM01'], reason: 'no cubicles' }, metrics: { handoverMeanMin: 95.4, gaOccupancyPct: 101 } },
  { opel: 4, incident: { level: 'major' }, ed: { status: 'closed', divertTo: ['RHM01', 'RYR18'], reason: 'flooding' } },
  { incident: { level: 'business_continuity', reason: 'IT outage' }, ed: { status: 'advisory', divertTo: [] } },
  { incident: { level: 'none' }, ed: { status: 'not_applicable', divertTo: [] }, metrics: { handoverMeanMin: 12 } },
];

function boardOf(stale = false): SiteStatus[] {
  return reference.sites.map((site, index) => {
    const part = MIX[index % MIX.length]!;
    const known = Object.keys(part).length > 0;
    const stored: StoredStatus = { ...EMPTY_STATUS, ...part, observedAt: known ? '2026-07-03T08:15:00Z' : null };
    return projectSiteStatus(site, stored, stale ? Date.parse('2026-07-04T10:00:00Z') : NOW.getTime(), 360);
  });
}

describe('EDXL-HAVE export', () => {
  it('is schema-valid EDXL-HAVE 1.0 for all 178 reference sites with a mix of statuses', async () => {
    const board = boardOf();
    expect(board).toHaveLength(178);
    const xml = buildEdxlHave(board, reference.byCode, NOW);
    expect(await validateAgainstHaveSchema(xml)).toEqual({ valid: true, errors: [] });
    expect(xml.match(/<have:Hospital>/g)).toHaveLength(178);
    // The same validation refuses what the schema forbids, so the pass above means something.
    expect((await validateAgainstHaveSchema(xml.replace(/Advisory(<\/have:EMSTrafficStatus>)/, 'Diverting$1'))).valid).toBe(false);
  });

  it('stays valid when every status is stale', async () => {
    expect((await validateAgainstHaveSchema(buildEdxlHave(boardOf(true), reference.byCode, NOW))).valid).toBe(true);
  });

  it('maps A&E and OPEL as SPEC §6 says, within what the 1.0 schema allows', () => {
    const [none, open, critical, divert, closed, advisory, notApplicable] = boardOf().slice(0, 7).map((status) => buildEdxlHave([status], reference.byCode, NOW));
    expect(none).toContain('<have:CommentText>No status reported</have:CommentText>');
    expect(none).toContain(`<have:LastUpdateTime>${NOW.toISOString()}</have:LastUpdateTime>`);
    expect(none).not.toContain('EMSTrafficStatus');
    expect(open).toContain('<have:EMSTrafficStatus>Normal</have:EMSTrafficStatus>');
    expect(open).toContain('<have:ClinicalStatus>Normal</have:ClinicalStatus>');
    expect(critical).not.toContain('ClinicalStatus');
    expect(critical).toContain('<have:CommentText>OPEL 2</have:CommentText>');
    expect(critical).toContain('<have:HospitalEOCStatus>Active</have:HospitalEOCStatus>');
    expect(critical).toContain('Staff &lt;strike&gt; &amp; &quot;walkout&quot; — it&apos;s fine</have:CommentText>');
    expect(divert).toContain('<have:EMSTrafficStatus>Closed</have:EMSTrafficStatus>');
    expect(divert).toContain('<have:EMSTrafficReason>Ambulances diverted: no cubicles</have:EMSTrafficReason>');
    expect(divert).toContain('<have:EMSOffloadStatus>Delayed</have:EMSOffloadStatus>');
    expect(divert).toContain('<have:EMSOffloadMinutes>95</have:EMSOffloadMinutes>');
    expect(closed).toContain('<have:EMSTrafficReason>A&amp;E closed: flooding</have:EMSTrafficReason>');
    expect(closed).toContain('<have:CommentText>divertTo: RHM01 RYR18</have:CommentText>');
    expect(closed).toContain('<have:ClinicalStatus>Full</have:ClinicalStatus>');
    expect(advisory).toContain('<have:EMSTrafficStatus>Advisory</have:EMSTrafficStatus>');
    expect(advisory).toContain('<have:FacilityStatus>Compromised</have:FacilityStatus>');
    expect(notApplicable).toContain('<have:EMSTrafficStatus>NotApplicable</have:EMSTrafficStatus>');
    expect(notApplicable).toContain('<have:EMSOffloadStatus>Normal</have:EMSOffloadStatus>');
  });

  it('names each site by its ODS code and reference name', () => {
    const xml = buildEdxlHave(boardOf().filter((status) => status.site === 'RJ122'), reference.byCode, NOW);
    expect(xml).toContain('<xpil:IdentifierElement xpil:Type="Identifier">RJ122</xpil:IdentifierElement>');
    expect(xml).toContain('<xnl:NameElement>St Thomas&apos; Hospital</xnl:NameElement>');
  });
});
