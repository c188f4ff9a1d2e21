import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { siteSchema, type Site } from '../site.js';
import { REGIONS, type RegionCode } from '../regions.js';

const BUNDLED_SITES = fileURLToPath(new URL('../../data/sites.csv', import.meta.url));

/** The reference sites, indexed the ways the pipeline looks them up. */
export interface ReferenceData {
  sites: Site[];
  byCode: Map<string, Site>;
  byTrust: Map<string, Site[]>;
  trustNames: Map<string, string>;
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
  return { sites, byCode, byTrust, trustNames };
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
