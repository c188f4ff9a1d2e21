import { EMPTY_STATUS, type Derogation, type DerogationState, type SiteStatus } from '@pb/shared';

/** A site status for unit tests: nothing reported unless overridden. */
export function siteStatus(site: string, overrides: Partial<SiteStatus> = {}): SiteStatus {
  return {
    site,
    name: `Hospital ${site}`,
    trust: site.slice(0, 3),
    region: 'Y56',
    icb: 'QMJ',
    ...EMPTY_STATUS,
    severity: 0,
    stale: false,
    ...overrides,
  };
}

/**
 * A derogation request for unit tests, submitted at 09:00 and then moved through `moves`
 * five minutes apart (its `state` is the last move unless overridden).
 */
export function derogation(id: string, overrides: Partial<Derogation> = {}, moves: DerogationState[] = []): Derogation {
  const start = Date.parse(overrides.createdAt ?? '2026-01-03T09:00:00.000Z');
  const at = (i: number) => new Date(start + i * 5 * 60_000).toISOString();
  const history: Derogation['history'] = [{ state: 'submitted', at: at(0), by: 'Trust RHU' }, ...moves.map((state, i) => ({ state, at: at(i + 1), by: 'Director South East' }))];
  return {
    id,
    site: 'RHU03',
    trust: 'RHU',
    region: 'Y59',
    service: 'A&E',
    staffRequested: '4 registered nurses',
    state: moves.at(-1) ?? 'submitted',
    createdAt: at(0),
    updatedAt: at(moves.length),
    createdBy: 'Trust RHU',
    history,
    ...overrides,
  };
}
