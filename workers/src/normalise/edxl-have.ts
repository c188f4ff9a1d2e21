/**
 * EDXL-HAVE 1.0 (OASIS Hospital AVailability Exchange) → one update per `Hospital`
 * (SPEC §6, §10). Accepts a bare `HospitalStatus` or an EDXL-DE `EDXLDistribution`
 * carrying it. Elements are matched by local name, so any namespace prefix works.
 *
 * Each hospital stands alone: one that cannot be matched to a site, or whose values are
 * out of range, is rejected with its reasons while the others apply (SPEC §10). Only a
 * message that cannot be read at all, or whose every hospital is rejected, is rejected whole.
 *
 * EDXL-HAVE 2.0 (namespace `urn:oasis:names:tc:emergency:edxl:have:2.0`) has element
 * names and code lists of its own; with no 2.0 schema or example to build on, a message
 * in that (or any other HAVE version's) namespace is refused with that reason rather than
 * read as if it were 1.0.
 *
 * What is read, and why (from `shared/data/edxl-have/schema-1.0/have.xsd`):
 * - site: an `xpil:Identifiers/xpil:Identifier/xpil:IdentifierElement` that is a known ODS
 *   site code, else `xnl:OrganisationName/xnl:NameElement` equal to exactly one site name.
 * - `EmergencyDepartmentStatus/EMSTraffic/EMSTrafficStatus`: Normal → open, Advisory →
 *   advisory, Closed ("requesting re-route of EMS traffic") → divert, NotApplicable →
 *   not_applicable; `EMSTrafficReason` → ed.reason. Our own export writes a reason
 *   starting "A&E closed" for a closed A&E (both are Closed in HAVE), read back as closed,
 *   and lists divert destinations in the EMSTraffic `CommentText` as "divertTo: CODE …".
 * - `EMSAmbulanceStatus/EMSOffloadMinutes` ("average offload time in minutes") →
 *   handoverMeanMin.
 * - `HospitalFacilityStatus/ClinicalStatus`: the 1.0 schema lists only Normal and Full
 *   (→ OPEL 1 and 4); Level1 and Level2, named in SPEC §6, are read as 2 and 3 when a
 *   sender uses them. A `CommentText` "OPEL n" (as our export writes for 2 and 3) is read
 *   when ClinicalStatus is absent.
 * - `FacilityStatus`: Compromised → business_continuity incident; Evacuating or Closed →
 *   major incident and A&E closed; Normal says nothing about incidents. A `CommentText`
 *   "Incident: <level>" (our export) is read when FacilityStatus does not decide.
 * - `HospitalBedCapacityStatus/BedCapacity` with `BaselineCount` and `AvailableCount`
 *   (a parent BedType, no SubCategoryBedType): occupancy = (baseline − available) /
 *   baseline. AdultICU → criticalCareOccupancyPct, MedicalSurgical ("ward beds") →
 *   gaOccupancyPct, EmergencyDepartment → edOccupancyPct.
 * - `LastUpdateTime` (required, with a zone) → observedAt. A hospital that carries nothing
 *   else this board reads (the OASIS example's burn-bed count) still reports at that
 *   time, like a JSON update naming only its site; only our export's entry for a site with
 *   no status (Organization `CommentText` "No status reported") is skipped.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  canonicalUpdateSchema,
  issuesToDetails,
  MAX_UPDATES_PER_POST,
  type CanonicalUpdateInput,
  type EdStatus,
  type IncidentLevel,
  type NormalisedUpdate,
  type Site,
  type UpdateError,
} from '@pb/shared';
import type { ReferenceData } from '@pb/shared/node';
import { siteNameIndexFor } from './free-text.js';
import { rejected, type NormaliseResult } from './result.js';

type XmlNode = Record<string, unknown>;

/** Elements that may repeat, always read as arrays so one and many look the same. */
const REPEATING = new Set([
  'Hospital', 'BedCapacity', 'BedType', 'SubCategoryBedType', 'Capacity', 'Identifier', 'IdentifierElement',
  'OrganisationName', 'NameElement', 'CommentText', 'contentObject',
]);

const parser = new XMLParser({
  // No entity expansion of any kind: the five XML escapes are decoded by hand below.
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 60,
  isArray: (name) => REPEATING.has(name),
});

const EMS_TRAFFIC: Record<string, EdStatus> = { Normal: 'open', Advisory: 'advisory', Closed: 'divert', NotApplicable: 'not_applicable' };
const CLINICAL: Record<string, number> = { Normal: 1, Level1: 2, Level2: 3, Full: 4 };
const BED_METRICS = { AdultICU: 'criticalCareOccupancyPct', MedicalSurgical: 'gaOccupancyPct', EmergencyDepartment: 'edOccupancyPct' } as const;
const INCIDENT_COMMENT = /^Incident:\s*(none|business_continuity|critical|major)(?:\s*\((.*)\))?$/is;
const OPEL_COMMENT = /^OPEL\s*([1-4])$/i;
const CLOSED_REASON = /^A&E closed(?:\s*[:—-]\s*(.*))?$/is;
const DIVERT_REASON = /^Ambulances diverted(?:\s*[:—-]\s*(.*))?$/is;
const DIVERT_COMMENT = /^divertTo:\s*([A-Za-z0-9 ;,]+)$/i;
const NO_STATUS_COMMENT = /^No status reported$/i;
/** The HAVE 1.0 namespace; HAVE namespaces of other versions are refused. */
const HAVE_1_0_NAMESPACE = 'urn:oasis:names:tc:emergency:EDXL:HAVE:1.0';
const OTHER_HAVE_NAMESPACE = /\bxmlns(?::[\w.-]+)?\s*=\s*["']\s*(urn:oasis:names:tc:emergency:edxl:have:(?!1\.0\s*["'])[^"']*)["']/i;

/** An EDXL-HAVE document → one update per hospital, or every reason it cannot be applied. */
export function normaliseEdxlHave(body: unknown, reference: ReferenceData): NormaliseResult {
  if (typeof body !== 'string') return rejected({ message: 'EDXL-HAVE must be an XML string' });
  // Refused before parsing: no DTD means no external entities and no entity expansion bombs.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) {
    return rejected({ message: 'XML with a DOCTYPE or ENTITY declaration is refused (entities are never expanded)' });
  }
  const wellFormed = XMLValidator.validate(body);
  if (wellFormed !== true) {
    return rejected({ message: `not well-formed XML: ${wellFormed.err.msg} (line ${wellFormed.err.line}, column ${wellFormed.err.col})` });
  }
  // Element names are matched without their namespace, so the version is told by the namespace declared.
  const otherVersion = OTHER_HAVE_NAMESPACE.exec(body);
  if (otherVersion) {
    const namespace = otherVersion[1]!.trim();
    const version = /have:2\.0$/i.test(namespace) ? 'EDXL-HAVE 2.0' : 'this EDXL-HAVE version';
    return rejected({ message: `${version} (namespace ${namespace}) is not read: this board reads EDXL-HAVE 1.0 (namespace ${HAVE_1_0_NAMESPACE}), and other versions name their elements and codes differently` });
  }
  let document: XmlNode;
  try {
    document = parser.parse(body) as XmlNode;
  } catch (error) {
    return rejected({ message: `could not read the XML: ${(error as Error).message}` });
  }

  const statuses = findHospitalStatuses(document);
  if (statuses === undefined) return rejected({ message: 'the XML holds no HospitalStatus (EDXL-HAVE 1.0) element' });
  const hospitals = statuses.flatMap((status) => nodes(status.Hospital));
  if (hospitals.length === 0) return rejected({ message: 'the message has no Hospital' });
  if (hospitals.length > MAX_UPDATES_PER_POST) {
    return rejected({ message: `the message has ${hospitals.length} hospitals; at most ${MAX_UPDATES_PER_POST} are read at once` });
  }

  const errors: UpdateError[] = [];
  const updates: NormalisedUpdate[] = [];
  const parts: string[] = [];
  hospitals.forEach((hospital, index) => {
    const at = `Hospital[${index}]`;
    const site = matchSite(hospital, reference);
    if (!site.ok) {
      errors.push({ path: at, message: site.message });
      return;
    }
    const read = readHospital(hospital, site.site.code);
    if (!read.ok) {
      errors.push(...read.errors.map((error) => ({ path: `${at}${error.path ? `.${error.path}` : ''}`, message: `${site.site.code}: ${error.message}` })));
      return;
    }
    if (read.update) {
      updates.push(read.update);
      parts.push(at);
    }
  });
  // Each hospital has its own result: the readable ones apply, the others are rejected with their reasons.
  if (updates.length > 0) return { ok: true, updates, parts, partErrors: errors };
  if (errors.length > 0) return rejected(...errors);
  return rejected({ message: 'no Hospital in the message carries a status this board reads' });
}

function findHospitalStatuses(document: XmlNode): XmlNode[] | undefined {
  const root = document.HospitalStatus;
  if (root !== undefined) return nodes(root);
  const distribution = nodes(document.EDXLDistribution)[0];
  if (!distribution) return undefined;
  const found = nodes(distribution.contentObject).flatMap((content) =>
    nodes(nodes(content.xmlContent)[0]?.embeddedXMLContent).flatMap((embedded) => nodes(embedded.HospitalStatus)),
  );
  return found.length > 0 ? found : undefined;
}

type SiteMatch = { ok: true; site: Site } | { ok: false; message: string };

function matchSite(hospital: XmlNode, reference: ReferenceData): SiteMatch {
  const information = child(child(hospital, 'Organization'), 'OrganizationInformation');
  const codes = new Set<string>();
  for (const identifier of nodes(child(information, 'Identifiers')?.Identifier)) {
    for (const element of asArray(identifier.IdentifierElement)) {
      const value = text(element).toUpperCase();
      if (reference.byCode.has(value)) codes.add(value);
    }
  }
  if (codes.size > 1) return { ok: false, message: `the identifiers name more than one site: ${[...codes].join(', ')}` };
  const [code] = codes;
  if (code) return { ok: true, site: reference.byCode.get(code)! };

  const names = nodes(information?.OrganisationName)
    .map((name) => asArray(name.NameElement).map(text).join(' ').trim())
    .filter(Boolean);
  if (names.length === 0) return { ok: false, message: 'no ODS site code among its identifiers and no organisation name' };
  const index = siteNameIndexFor(reference);
  for (const name of names) {
    const matches = index.exact(name);
    if (matches.length === 1) return { ok: true, site: matches[0]! };
    if (matches.length > 1) {
      return { ok: false, message: `"${name}" matches more than one site (${matches.map((site) => site.code).join(', ')}); give its ODS site code` };
    }
  }
  return { ok: false, message: `no ODS site code among its identifiers and no site is called "${names.join('" or "')}"` };
}

type HospitalRead = { ok: true; update?: NormalisedUpdate } | { ok: false; errors: UpdateError[] };

function readHospital(hospital: XmlNode, site: string): HospitalRead {
  const errors: UpdateError[] = [];
  const observedAt = leaf(hospital, 'LastUpdateTime');
  const update: CanonicalUpdateInput = { site, observedAt };
  if (!observedAt) errors.push({ path: 'LastUpdateTime', message: 'is required' });

  const department = child(hospital, 'EmergencyDepartmentStatus');
  const traffic = child(department, 'EMSTraffic');
  const trafficStatus = leaf(traffic, 'EMSTrafficStatus');
  if (trafficStatus) {
    const status = EMS_TRAFFIC[trafficStatus];
    if (!status) {
      errors.push({ path: 'EMSTrafficStatus', message: `"${trafficStatus}" is not Normal, Advisory, Closed or NotApplicable` });
    } else {
      update.ed = { status };
      let reason = leaf(traffic, 'EMSTrafficReason');
      if (status === 'divert') {
        const closed = CLOSED_REASON.exec(reason);
        const diverted = DIVERT_REASON.exec(reason);
        if (closed) update.ed.status = 'closed';
        if (closed || diverted) reason = ((closed ?? diverted)![1] ?? '').trim();
        const comment = asArray(traffic?.CommentText).map(text).map((line) => DIVERT_COMMENT.exec(line)).find(Boolean);
        if (comment) update.ed.divertTo = comment[1]!.split(/[\s;,]+/).filter(Boolean);
      }
      if (reason) update.ed.reason = reason;
    }
  }
  const offload = leaf(child(department, 'EMSAmbulanceStatus'), 'EMSOffloadMinutes');
  const metrics: Record<string, number> = {};
  if (offload) {
    const minutes = integer(offload);
    if (minutes === undefined) errors.push({ path: 'EMSOffloadMinutes', message: 'must be a whole number of minutes' });
    else metrics.handoverMeanMin = minutes;
  }

  const facility = child(hospital, 'HospitalFacilityStatus');
  const comments = asArray(facility?.CommentText).map(text);
  const clinical = leaf(facility, 'ClinicalStatus');
  if (clinical) {
    const opel = CLINICAL[clinical];
    if (opel === undefined) errors.push({ path: 'ClinicalStatus', message: `"${clinical}" is not Normal, Level1, Level2 or Full` });
    else update.opel = opel;
  } else {
    const stated = comments.map((line) => OPEL_COMMENT.exec(line)).find(Boolean);
    if (stated) update.opel = Number(stated[1]);
  }
  const facilityStatus = leaf(facility, 'FacilityStatus');
  let incident: IncidentLevel | undefined;
  if (facilityStatus === 'Compromised') incident = 'business_continuity';
  else if (facilityStatus === 'Evacuating' || facilityStatus === 'Closed') {
    incident = 'major';
    update.ed = { status: 'closed', reason: `facility ${facilityStatus.toLowerCase()}` };
  } else if (facilityStatus && facilityStatus !== 'Normal') {
    errors.push({ path: 'FacilityStatus', message: `"${facilityStatus}" is not Normal, Compromised, Evacuating or Closed` });
  }
  const incidentComment = comments.map((line) => INCIDENT_COMMENT.exec(line)).find(Boolean);
  let incidentReason: string | undefined;
  const commentLevel = incidentComment?.[1]?.toLowerCase() as IncidentLevel | undefined;
  if (!incident) incident = commentLevel;
  if (incident && incident === commentLevel) incidentReason = incidentComment?.[2]?.trim() || undefined;
  if (incident) update.incident = incidentReason ? { level: incident, reason: incidentReason } : { level: incident };

  for (const capacity of nodes(child(hospital, 'HospitalBedCapacityStatus')?.BedCapacity)) {
    const types = asArray(capacity.BedType).map(text);
    if (types.length !== 1 || asArray(capacity.SubCategoryBedType).length > 0) continue;
    const metric = BED_METRICS[types[0] as keyof typeof BED_METRICS];
    if (!metric) continue;
    for (const counts of nodes(capacity.Capacity)) {
      const baseline = integer(leaf(counts, 'BaselineCount'));
      const available = integer(leaf(counts, 'AvailableCount'));
      if (baseline === undefined || available === undefined || baseline <= 0) continue;
      if (available > baseline) {
        errors.push({ path: `BedCapacity.${types[0]}`, message: `AvailableCount ${available} is more than BaselineCount ${baseline}` });
        break;
      }
      metrics[metric] = Math.round(((baseline - available) / baseline) * 1000) / 10;
      break;
    }
  }
  if (Object.keys(metrics).length > 0) update.metrics = metrics;

  if (errors.length > 0) return { ok: false, errors };
  // Our export's entry for a site with no status (its LastUpdateTime is the export's time) is no report.
  const organizationComments = asArray(child(hospital, 'Organization')?.CommentText).map(text);
  const saysNothing = Object.keys(update).every((key) => key === 'site' || key === 'observedAt');
  if (saysNothing && organizationComments.some((line) => NO_STATUS_COMMENT.test(line))) return { ok: true };
  const parsed = canonicalUpdateSchema.safeParse(update);
  if (!parsed.success) return { ok: false, errors: issuesToDetails(parsed.error.issues) };
  return { ok: true, update: { update: { ...parsed.data, observedAt: parsed.data.observedAt! }, source: 'edxl-have', inferred: false } };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** The element children among `value` (text-only elements are strings and left out). */
function nodes(value: unknown): XmlNode[] {
  return asArray(value).filter((item): item is XmlNode => typeof item === 'object' && item !== null);
}

/** The first child element `name` of `node` that has children of its own. */
function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null ? (first as XmlNode) : undefined;
}

/** The text of the first child element `name` of `node`. */
function leaf(node: XmlNode | undefined, name: string): string {
  return text(node?.[name]);
}

/** An element's text with the five XML escapes and character references decoded (nothing else is expanded). */
function text(value: unknown): string {
  if (Array.isArray(value)) return text(value[0]);
  const raw = typeof value === 'string' ? value : typeof value === 'object' && value !== null && typeof (value as XmlNode)['#text'] === 'string' ? ((value as XmlNode)['#text'] as string) : '';
  return raw
    .replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (entity, name: string) => {
      if (name === 'lt') return '<';
      if (name === 'gt') return '>';
      if (name === 'amp') return '&';
      if (name === 'quot') return '"';
      if (name === 'apos') return "'";
      const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .trim();
}

function integer(raw: string): number | undefined {
  return /^[+-]?\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}
