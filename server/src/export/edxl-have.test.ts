import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATUS, projectSiteStatus, type SiteStatus, type StoredStatus } from '@pb/shared';
import { loadReferenceData } from '@pb/shared/node';
import { buildEdxlHave } from './edxl-have.js';

const SCHEMA = fileURLToPath(new URL('../../../shared/data/edxl-have/schema-1.0/have.xsd', import.meta.url));
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

function xmllint(xml: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'pb-export-')), 'export.xml');
  writeFileSync(file, xml);
  return spawnSync('xmllint', ['--noout', '--nonet', '--schema', SCHEMA, file], { encoding: 'utf8' });
}

describe('EDXL-HAVE export', () => {
  it('is schema-valid EDXL-HAVE 1.0 for all 178 reference sites with a mix of statuses', () => {
    const board = boardOf();
    expect(board).toHaveLength(178);
    const xml = buildEdxlHave(board, reference.byCode, NOW);
    const run = xmllint(xml);
    expect(run.stderr).toMatch(/validates/);
    expect(run.status).toBe(0);
    expect(xml.match(/<have:Hospital>/g)).toHaveLength(178);
  });

  it('stays valid when every status is stale', () => {
    expect(xmllint(buildEdxlHave(boardOf(true), reference.byCode, NOW)).status).toBe(0);
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
