import type { Site, SiteStatus } from '@pb/shared';
import { escapeXml } from './escape-xml.js';

/*
 * EDXL-HAVE 1.0 export (`GET /export/edxl-have.xml`, SPEC §6). Valid against
 * shared/data/edxl-have/schema-1.0/have.xsd (checked by the tests with libxml2, as xmllint-wasm).
 *
 * - A&E: open → Normal, advisory → Advisory, divert and closed → Closed, told apart by
 *   EMSTrafficReason "Ambulances diverted" / "A&E closed" (+ ": reason"); destinations in
 *   the EMSTraffic CommentText as "divertTo: CODE CODE"; not_applicable → NotApplicable.
 * - OPEL: the 1.0 schema's ClinicalStatus has only Normal and Full, so OPEL 1 → Normal and
 *   OPEL 4 → Full; OPEL 2 and 3 leave ClinicalStatus out (Level1/Level2 would not be valid
 *   1.0). Every known level is also written as a HospitalFacilityStatus CommentText "OPEL n".
 * - Incident: business_continuity → FacilityStatus Compromised; critical and major → the
 *   hospital's emergency operations centre and plan Active (HospitalEOCStatus/Plan) —
 *   HAVE has no incident level, so each level is also written as "Incident: <level>"; none
 *   → FacilityStatus Normal. A major incident is not written as Evacuating or Closed: the
 *   board does not know that the building is being emptied.
 * - Mean handover minutes → EMSAmbulanceStatus/EMSOffloadMinutes (Delayed over the
 *   15-minute handover standard). Occupancy percentages are not written: HAVE carries bed
 *   counts, which the board does not hold.
 * - A site with no status yet: its Organization only, with the CommentText
 *   "No status reported", and LastUpdateTime = the export time (the element is required).
 * - A stale status keeps its own LastUpdateTime and carries the CommentText "Stale".
 */

const NS = {
  have: 'urn:oasis:names:tc:emergency:EDXL:HAVE:1.0',
  xnl: 'urn:oasis:names:tc:ciq:xnl:3',
  xpil: 'urn:oasis:names:tc:ciq:xpil:3',
  gml: 'http://www.opengis.net/gml',
};

const EMS_TRAFFIC = { open: 'Normal', advisory: 'Advisory', divert: 'Closed', closed: 'Closed', not_applicable: 'NotApplicable' } as const;
/** NHS England's ambulance handover standard: 15 minutes. */
const HANDOVER_STANDARD_MIN = 15;

/**
 * Builds an EDXL-HAVE 1.0 `HospitalStatus` with one `Hospital` per site, in the order
 * given. Sites missing from `siteRef` are still written, from their status fields.
 *
 * @example buildEdxlHave(board.sites, loadReferenceData().byCode, new Date())
 */
export function buildEdxlHave(sites: SiteStatus[], siteRef: Map<string, Site>, now: Date): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<have:HospitalStatus xmlns:have="${NS.have}" xmlns:xnl="${NS.xnl}" xmlns:xpil="${NS.xpil}" xmlns:gml="${NS.gml}">`,
  ];
  for (const status of sites) out.push(hospital(status, siteRef.get(status.site), now));
  out.push('</have:HospitalStatus>', '');
  return out.join('\n');
}

function hospital(status: SiteStatus, site: Site | undefined, now: Date): string {
  const known = status.observedAt !== null && (status.opel !== null || status.incident !== null || status.ed !== null || Object.keys(status.metrics).length > 0);
  const lines: string[] = ['  <have:Hospital>'];
  lines.push(
    '    <have:Organization>',
    '      <have:OrganizationInformation>',
    `        <xnl:OrganisationName><xnl:NameElement>${escapeXml(site?.name ?? status.name)}</xnl:NameElement></xnl:OrganisationName>`,
    '        <xpil:Identifiers>',
    `          <xpil:Identifier xpil:Type="RegistrationID"><xpil:IdentifierElement xpil:Type="Identifier">${escapeXml(status.site)}</xpil:IdentifierElement><xpil:IssuerName><xnl:NameElement>NHS ODS</xnl:NameElement></xpil:IssuerName></xpil:Identifier>`,
    '        </xpil:Identifiers>',
    '      </have:OrganizationInformation>',
  );
  if (site) lines.push(`      <have:OrganizationGeoLocation><gml:Point><gml:pos>${site.lat} ${site.lon}</gml:pos></gml:Point></have:OrganizationGeoLocation>`);
  if (!known) lines.push('      <have:CommentText>No status reported</have:CommentText>');
  if (known && status.stale) lines.push('      <have:CommentText>Stale</have:CommentText>');
  if (known && status.note) lines.push(`      <have:CommentText>${escapeXml(status.note)}</have:CommentText>`);
  lines.push('    </have:Organization>');

  if (known) {
    const department = emergencyDepartment(status);
    if (department) lines.push(department);
    const facility = facilityStatus(status);
    if (facility) lines.push(facility);
  }
  lines.push(`    <have:LastUpdateTime>${escapeXml(known ? new Date(status.observedAt!).toISOString() : now.toISOString())}</have:LastUpdateTime>`, '  </have:Hospital>');
  return lines.join('\n');
}

function emergencyDepartment(status: SiteStatus): string | undefined {
  const parts: string[] = [];
  if (status.ed) {
    const { status: ed, reason, divertTo } = status.ed;
    const lines = [`        <have:EMSTrafficStatus>${EMS_TRAFFIC[ed]}</have:EMSTrafficStatus>`];
    const marker = ed === 'closed' ? 'A&E closed' : ed === 'divert' ? 'Ambulances diverted' : '';
    const text = marker && reason ? `${marker}: ${reason}` : marker || reason;
    if (text) lines.push(`        <have:EMSTrafficReason>${escapeXml(text)}</have:EMSTrafficReason>`);
    if ((ed === 'divert' || ed === 'closed') && divertTo.length > 0) {
      lines.push(`        <have:CommentText>divertTo: ${escapeXml(divertTo.join(' '))}</have:CommentText>`);
    }
    parts.push('      <have:EMSTraffic>', ...lines, '      </have:EMSTraffic>');
  }
  const handover = status.metrics.handoverMeanMin;
  if (handover !== undefined) {
    parts.push(
      '      <have:EMSAmbulanceStatus>',
      `        <have:EMSOffloadStatus>${handover > HANDOVER_STANDARD_MIN ? 'Delayed' : 'Normal'}</have:EMSOffloadStatus>`,
      `        <have:EMSOffloadMinutes>${Math.round(handover)}</have:EMSOffloadMinutes>`,
      '      </have:EMSAmbulanceStatus>',
    );
  }
  return parts.length ? ['    <have:EmergencyDepartmentStatus>', ...parts, '    </have:EmergencyDepartmentStatus>'].join('\n') : undefined;
}

function facilityStatus(status: SiteStatus): string | undefined {
  const lines: string[] = [];
  const level = status.incident?.level;
  if (level === 'critical' || level === 'major') {
    lines.push('      <have:HospitalEOCStatus>Active</have:HospitalEOCStatus>', '      <have:HospitalEOCPlan>Active</have:HospitalEOCPlan>');
  }
  if (status.opel === 1) lines.push('      <have:ClinicalStatus>Normal</have:ClinicalStatus>');
  if (status.opel === 4) lines.push('      <have:ClinicalStatus>Full</have:ClinicalStatus>');
  if (level === 'business_continuity') lines.push('      <have:FacilityStatus>Compromised</have:FacilityStatus>');
  if (level === 'none') lines.push('      <have:FacilityStatus>Normal</have:FacilityStatus>');
  if (status.opel !== null) lines.push(`      <have:CommentText>OPEL ${status.opel}</have:CommentText>`);
  if (level) {
    const reason = status.incident?.reason;
    lines.push(`      <have:CommentText>${escapeXml(`Incident: ${level}${reason ? ` (${reason})` : ''}`)}</have:CommentText>`);
  }
  return lines.length ? ['    <have:HospitalFacilityStatus>', ...lines, '    </have:HospitalFacilityStatus>'].join('\n') : undefined;
}

/** Escapes markup and drops characters XML 1.0 cannot carry at all. */
