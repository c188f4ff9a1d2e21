import { severityWords, type Site, type SiteStatus } from '@pb/shared';

export type SortKey = 'name' | 'region' | 'severity' | 'opel' | 'incident' | 'ed' | 'updated';
export type SortDirection = 'ascending' | 'descending';

export interface ListFilter {
  search: string;
  region: string | null;
  /** Severity 0–4, or null for any. */
  severity: number | null;
  /** 'any' incident, 'none', or one level. */
  incident: 'all' | 'any' | 'none' | 'business_continuity' | 'critical' | 'major';
  ed: 'all' | 'open' | 'advisory' | 'divert' | 'closed' | 'not_applicable' | 'unknown';
  staleOnly: boolean;
}

export const EMPTY_FILTER: ListFilter = { search: '', region: null, severity: null, incident: 'all', ed: 'all', staleOnly: false };

function matchesSearch(status: SiteStatus, site: Site | undefined, search: string): boolean {
  if (!search) return true;
  const needle = search.toLowerCase();
  return (
    status.name.toLowerCase().includes(needle) ||
    status.site.toLowerCase().includes(needle) ||
    status.trust.toLowerCase().includes(needle) ||
    (site?.trustName.toLowerCase().includes(needle) ?? false)
  );
}

/** Whether one site passes every filter of the list view. Pure. */
export function matchesFilter(status: SiteStatus, filter: ListFilter, site?: Site): boolean {
  if (filter.region && status.region !== filter.region) return false;
  if (filter.severity !== null && status.severity !== filter.severity) return false;
  const level = status.incident?.level ?? 'none';
  if (filter.incident === 'any' && level === 'none') return false;
  if (filter.incident !== 'all' && filter.incident !== 'any' && level !== filter.incident) return false;
  if (filter.ed === 'unknown' ? status.ed !== null : filter.ed !== 'all' && status.ed?.status !== filter.ed) return false;
  if (filter.staleOnly && !status.stale) return false;
  return matchesSearch(status, site, filter.search.trim());
}

/** The sites that pass every filter of the list view. Pure. */
export function filterStatuses(statuses: readonly SiteStatus[], filter: ListFilter, catalogue: Readonly<Record<string, Site>> = {}): SiteStatus[] {
  return statuses.filter((status) => matchesFilter(status, filter, catalogue[status.site]));
}

const INCIDENT_ORDER = { none: 0, business_continuity: 1, critical: 2, major: 3 } as const;
const ED_ORDER = { not_applicable: 0, open: 1, advisory: 2, divert: 3, closed: 4 } as const;

function compareBy(key: SortKey, a: SiteStatus, b: SiteStatus): number {
  switch (key) {
    case 'name':
      return a.name.localeCompare(b.name, 'en-GB');
    case 'region':
      return a.region.localeCompare(b.region);
    case 'severity':
      return a.severity - b.severity || Number(a.stale) - Number(b.stale);
    case 'opel':
      return (a.opel ?? 0) - (b.opel ?? 0);
    case 'incident':
      return (a.incident ? INCIDENT_ORDER[a.incident.level] : -1) - (b.incident ? INCIDENT_ORDER[b.incident.level] : -1);
    case 'ed':
      return (a.ed ? ED_ORDER[a.ed.status] : -1) - (b.ed ? ED_ORDER[b.ed.status] : -1);
    case 'updated':
      return (a.observedAt ? Date.parse(a.observedAt) : 0) - (b.observedAt ? Date.parse(b.observedAt) : 0);
  }
}

/** Sorts by one column, ties broken by name so the order is stable. Pure. */
export function sortStatuses(statuses: readonly SiteStatus[], key: SortKey, direction: SortDirection): SiteStatus[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...statuses].sort((a, b) => sign * compareBy(key, a, b) || a.name.localeCompare(b.name, 'en-GB'));
}

/** Each site's place in a sorted list, to keep that order for a while. */
export function rankSites(sorted: readonly SiteStatus[]): Map<string, number> {
  return new Map(sorted.map((status, index) => [status.site, index]));
}

/**
 * The statuses in the order of an earlier `ranking`, or null when a site has no place in
 * it (it has just come into the list) and the list must be sorted afresh. Pure.
 */
export function keepRanking(statuses: readonly SiteStatus[], ranking: ReadonlyMap<string, number>): SiteStatus[] | null {
  const ranked: { status: SiteStatus; rank: number }[] = [];
  for (const status of statuses) {
    const rank = ranking.get(status.site);
    if (rank === undefined) return null;
    ranked.push({ status, rank });
  }
  return ranked.sort((a, b) => a.rank - b.rank).map((entry) => entry.status);
}

/** For screen readers and tests, the same words as the map. */
export { severityWords };
