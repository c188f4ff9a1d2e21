import type { SiteStatus } from '@pb/shared';

/** A site status for unit tests: nothing reported unless overridden. */
export function siteStatus(site: string, overrides: Partial<SiteStatus> = {}): SiteStatus {
  return {
    site,
    name: `Hospital ${site}`,
    trust: site.slice(0, 3),
    region: 'Y56',
    icb: 'QMJ',
    opel: null,
    incident: null,
    ed: null,
    metrics: {},
    note: null,
    observedAt: null,
    receivedAt: null,
    source: null,
    actor: null,
    inferred: false,
    updateId: null,
    severity: 0,
    stale: false,
    ...overrides,
  };
}
