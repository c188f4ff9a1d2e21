import type { SiteStatus } from '@pb/shared';

/** Whether a wallboard lists the site as needing attention: severe pressure, an incident, or A&E redirecting. */
export function needsAttention(status: SiteStatus): boolean {
  const incident = status.incident?.level;
  const ed = status.ed?.status;
  return status.severity >= 3 || incident === 'critical' || incident === 'major' || ed === 'divert' || ed === 'closed';
}

const loudness = (status: SiteStatus): number => {
  const incident = status.incident?.level;
  const ed = status.ed?.status;
  return (incident === 'major' ? 4 : incident === 'critical' ? 3 : 0) + (ed === 'closed' ? 2 : ed === 'divert' ? 1 : 0);
};

/** The sites needing attention in `region` (all when null), the most severe and loudest first. Pure. */
export function rankAttention(statuses: Iterable<SiteStatus>, region: string | null): SiteStatus[] {
  const needing: SiteStatus[] = [];
  for (const status of statuses) if ((!region || status.region === region) && needsAttention(status)) needing.push(status);
  return needing.sort((a, b) => b.severity - a.severity || loudness(b) - loudness(a) || a.name.localeCompare(b.name, 'en-GB'));
}
