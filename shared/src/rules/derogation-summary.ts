import type { Derogation, DerogationState } from '../derogation.js';

/** One region's (or England's, `ENG`) derogation requests counted by state. */
export type DerogationSummary = { total: number } & Record<DerogationState, number>;

function emptySummary(): DerogationSummary {
  return { total: 0, submitted: 0, under_review: 0, approved: 0, declined: 0, withdrawn: 0, revoked: 0 };
}

/**
 * Counts requests by state into their region's summary and England's (`ENG`). Only
 * regions with requests appear. The API's `GET /derogations` `summary` and the board's
 * tiles both use this.
 *
 * @example summariseDerogations([{ region: 'Y56', state: 'approved' }]) // { Y56: { total: 1, approved: 1, … }, ENG: { … } }
 */
export function summariseDerogations(derogations: Iterable<Pick<Derogation, 'region' | 'state'>>): Record<string, DerogationSummary> {
  const byRegion: Record<string, DerogationSummary> = {};
  for (const derogation of derogations) {
    for (const key of [derogation.region, 'ENG']) {
      const summary = (byRegion[key] ??= emptySummary());
      summary.total += 1;
      summary[derogation.state] += 1;
    }
  }
  return byRegion;
}

/** "27 requests · 1 approved · 24 declined" ("1 request" in the singular); '' when there are none. */
export function describeDerogationSummary(summary: DerogationSummary | undefined): string {
  if (!summary || summary.total === 0) return '';
  return `${summary.total} ${summary.total === 1 ? 'request' : 'requests'} · ${summary.approved} approved · ${summary.declined} declined`;
}
