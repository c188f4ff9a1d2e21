import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { siteSchema, type Site } from '../site.js';
import { REGIONS, type RegionCode } from '../regions.js';

const BUNDLED_SITES = fileURLToPath(new URL('../../data/sites.csv', import.meta.url));
const BUNDLED_MERGED_TRUSTS = fileURLToPath(new URL('../../data/merged_trusts.csv', import.meta.url));

/**
 * A trust that merged into (or was taken over by) another: historic sitreps still name it
 * (SPEC §10). Bundled as `shared/data/merged_trusts.csv`, with its sources.
 */
export interface TrustMerger {
  /** The trust's ODS code before the merger, e.g. `RVY`. */
  legacyTrust: string;
  legacyTrustName: string;
  /** The reference trust that took its sites over, e.g. `RBN`. */
  successorTrust: string;
  /** The first day (UK) the successor ran them, `YYYY-MM-DD`. */
  mergedOn: string;
  /** The reference sites that belonged to the legacy trust: the successor's sites whose code begins with the legacy code, and any renumbered since. */
  sites: string[];
}

/** The reference sites, indexed the ways the pipeline looks them up. */
export interface ReferenceData {
  sites: Site[];
  byCode: Map<string, Site>;
  byTrust: Map<string, Site[]>;
  trustNames: Map<string, string>;
  /** Mergers of trusts that ran reference sites, oldest first; a legacy trust split between successors has one per successor. */
  trustMergers: TrustMerger[];
}

/**
 * Loads the bundled 178 sites, then `extraFile` (same CSV columns as
 * `shared/data/sites.csv`, or a JSON array of `Site`) which adds sites or replaces
 * them by code. Throws with the file and row when a row is invalid.
 */
export function loadReferenceData(extraFile?: string): ReferenceData {
  const sites = new Map<string, Site>();
  for (const site of readSitesFile(BUNDLED_SITES)) sites.set(site.code, site);
  if (extraFile) for (const site of readSitesFile(extraFile)) sites.set(site.code, site);
  return indexSites([...sites.values()]);
}

export function indexSites(sites: Site[]): ReferenceData {
  const byCode = new Map<string, Site>();
  const byTrust = new Map<string, Site[]>();
  const trustNames = new Map<string, string>();
  for (const site of sites) {
    byCode.set(site.code, site);
    const list = byTrust.get(site.trust) ?? [];
    list.push(site);
    byTrust.set(site.trust, list);
    trustNames.set(site.trust, site.trustName);
  }
  return { sites, byCode, byTrust, trustNames, trustMergers: resolveTrustMergers(readMergedTrusts(), byCode, byTrust) };
}

interface MergedTrustRow {
  legacyTrust: string;
  legacyTrustName: string;
  successorTrust: string;
  mergedOn: string;
  renumberedSites: string[];
  where: string;
}

let mergedTrustRows: MergedTrustRow[] | undefined;

/** The bundled merged-trust table, read and checked once. */
function readMergedTrusts(path = BUNDLED_MERGED_TRUSTS): MergedTrustRow[] {
  if (mergedTrustRows) return mergedTrustRows;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the merged trusts file ${path}: ${(error as Error).message}`);
  }
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  mergedTrustRows = rows.map((row, index) => {
    const where = `${path} row ${index + 2}`;
    const code = /^[A-Z0-9]{3}$/;
    const legacyTrust = row.legacy_trust_code ?? '';
    const successorTrust = row.successor_trust_code ?? '';
    const mergedOn = row.merged_on ?? '';
    if (!code.test(legacyTrust) || !code.test(successorTrust)) throw new Error(`Invalid merged trust at ${where}: trust codes must be 3 upper-case letters or digits`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(mergedOn) || Number.isNaN(Date.parse(`${mergedOn}T12:00:00Z`)) || new Date(`${mergedOn}T12:00:00Z`).toISOString().slice(0, 10) !== mergedOn) {
      throw new Error(`Invalid merged trust at ${where}: merged_on must be a real date as YYYY-MM-DD`);
    }
    const renumberedSites = (row.renumbered_site_codes ?? '').split(';').map((site) => site.trim()).filter(Boolean);
    return { legacyTrust, legacyTrustName: row.legacy_trust_name ?? '', successorTrust, mergedOn, renumberedSites, where };
  });
  return mergedTrustRows;
}

/**
 * Each merger with the reference sites that belonged to the legacy trust. A bundled row
 * naming a site that is not the successor's is a broken table, and refuses to load.
 */
function resolveTrustMergers(rows: MergedTrustRow[], byCode: Map<string, Site>, byTrust: Map<string, Site[]>): TrustMerger[] {
  return rows
    .map((row) => {
      for (const code of row.renumberedSites) {
        const site = byCode.get(code);
        if (!site || site.trust !== row.successorTrust) {
          throw new Error(`Invalid merged trust at ${row.where}: site ${code} is not a reference site of trust ${row.successorTrust}`);
        }
      }
      const byPrefix = (byTrust.get(row.successorTrust) ?? []).filter((site) => site.code.startsWith(row.legacyTrust)).map((site) => site.code);
      const sites = [...new Set([...byPrefix, ...row.renumberedSites])];
      return { legacyTrust: row.legacyTrust, legacyTrustName: row.legacyTrustName, successorTrust: row.successorTrust, mergedOn: row.mergedOn, sites };
    })
    .sort((a, b) => a.mergedOn.localeCompare(b.mergedOn));
}

function readSitesFile(path: string): Site[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read sites file ${path}: ${(error as Error).message}`);
  }
  if (path.endsWith('.json')) {
    const rows = JSON.parse(text) as unknown[];
    return rows.map((row, index) => parseSite(row, `${path} item ${index}`));
  }
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((row, index) =>
    parseSite(
      {
        code: row.site_code?.toUpperCase(),
        name: row.site_name,
        trust: row.trust_code?.toUpperCase(),
        trustName: row.trust_name,
        region: row.nhser_code,
        regionName: row.nhser_name ?? REGIONS[row.nhser_code as RegionCode],
        icb: row.icb_ods_code,
        icbName: row.icb_name,
        lat: Number(row.latitude),
        lon: Number(row.longitude),
        type1: row.type1_confidence !== 'none',
        postcode: row.postcode,
      },
      `${path} row ${index + 2}`,
    ),
  );
}

function parseSite(value: unknown, where: string): Site {
  const parsed = siteSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid site at ${where}: ${problems}`);
  }
  return parsed.data;
}
