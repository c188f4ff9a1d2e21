import type { Site } from '../site.js';
import type { SiteStatus, StoredStatus } from '../site-status.js';
import { isStale, severityOf } from './severity.js';

/** Joins a site's reference data with its stored status into the flat `SiteStatus`. */
export function projectSiteStatus(site: Site, stored: StoredStatus, now: number, staleAfterMinutes: number): SiteStatus {
  return {
    site: site.code,
    name: site.name,
    trust: site.trust,
    region: site.region,
    icb: site.icb,
    ...stored,
    severity: severityOf(stored),
    stale: isStale(stored.observedAt, now, staleAfterMinutes),
  };
}
