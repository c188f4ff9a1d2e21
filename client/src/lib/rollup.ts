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

export function emptyRollup(key: RollupKey): RegionRollup {
  return { key, total: 0, bySeverity: [0, 0, 0, 0, 0], criticalIncidents: 0, majorIncidents: 0, businessContinuity: 0, diverting: 0, edClosed: 0, stale: 0 };
}

/** An empty roll-up for England and for each region. */
export function emptyRollups(): Record<RollupKey, RegionRollup> {
  const result = { ENG: emptyRollup('ENG') } as Record<RollupKey, RegionRollup>;
  for (const code of REGION_CODES) result[code] = emptyRollup(code);
  return result;
}

/**
 * Adds one site to a roll-up (`sign` 1) or takes it away (`sign` -1). Only the counts the
 * site is part of are written, so a reactive roll-up redraws only the numbers that move.
 */
export function countSite(rollup: RegionRollup, status: SiteStatus, sign: 1 | -1): void {
  rollup.total += sign;
  const severity = Math.min(4, Math.max(0, status.severity)) as 0 | 1 | 2 | 3 | 4;
  rollup.bySeverity[severity] += sign;
  const level = status.incident?.level;
  if (level === 'critical') rollup.criticalIncidents += sign;
  else if (level === 'major') rollup.majorIncidents += sign;
  else if (level === 'business_continuity') rollup.businessContinuity += sign;
  if (status.ed?.status === 'divert') rollup.diverting += sign;
  else if (status.ed?.status === 'closed') rollup.edClosed += sign;
  if (status.stale) rollup.stale += sign;
}

/** The roll-ups a site counts in: England's and its region's (when it has a known region). */
export function rollupsOf(rollups: Record<RollupKey, RegionRollup>, status: SiteStatus): RegionRollup[] {
  const region = rollups[status.region as RegionCode] as RegionRollup | undefined;
  return region ? [rollups.ENG, region] : [rollups.ENG];
}

/** Counts every site into its region's tile and into England's. Pure. */
export function rollUp(sites: Iterable<SiteStatus>): Record<RollupKey, RegionRollup> {
  const result = emptyRollups();
  for (const status of sites) for (const rollup of rollupsOf(result, status)) countSite(rollup, status, 1);
  return result;
}
