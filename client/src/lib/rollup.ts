import { REGION_CODES, type RegionCode, type SiteStatus } from '@pb/shared';

export type RollupKey = RegionCode | 'ENG';

/** One region's (or England's) counts for a roll-up tile. */
export interface RegionRollup {
  key: RollupKey;
  total: number;
  /** Sites by severity, index 0 (unknown) to 4. */
  bySeverity: [number, number, number, number, number];
  criticalIncidents: number;
  majorIncidents: number;
  businessContinuity: number;
  diverting: number;
  edClosed: number;
  stale: number;
}

function emptyRollup(key: RollupKey): RegionRollup {
  return { key, total: 0, bySeverity: [0, 0, 0, 0, 0], criticalIncidents: 0, majorIncidents: 0, businessContinuity: 0, diverting: 0, edClosed: 0, stale: 0 };
}

function count(rollup: RegionRollup, status: SiteStatus): void {
  rollup.total += 1;
  const severity = Math.min(4, Math.max(0, status.severity)) as 0 | 1 | 2 | 3 | 4;
  rollup.bySeverity[severity] += 1;
  const level = status.incident?.level;
  if (level === 'critical') rollup.criticalIncidents += 1;
  else if (level === 'major') rollup.majorIncidents += 1;
  else if (level === 'business_continuity') rollup.businessContinuity += 1;
  if (status.ed?.status === 'divert') rollup.diverting += 1;
  else if (status.ed?.status === 'closed') rollup.edClosed += 1;
  if (status.stale) rollup.stale += 1;
}

/** Counts every site into its region's tile and into England's. */
export function rollUp(sites: Iterable<SiteStatus>): Record<RollupKey, RegionRollup> {
  const result = { ENG: emptyRollup('ENG') } as Record<RollupKey, RegionRollup>;
  for (const code of REGION_CODES) result[code] = emptyRollup(code);
  for (const status of sites) {
    count(result.ENG, status);
    const region = result[status.region as RegionCode] as RegionRollup | undefined;
    if (region) count(region, status);
  }
  return result;
}
