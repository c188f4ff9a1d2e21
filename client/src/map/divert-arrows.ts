import type { SiteStatus } from '@pb/shared';

export interface DivertArrow {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** The receiving site is itself under severe pressure (severity 3 or more). */
  warning: boolean;
}

/**
 * Arrows from each diverting (or closed, redirecting) site to the sites it sends
 * patients to, shortened by `inset` at both ends so they meet the markers' edges.
 * Sites without a position in this view are skipped. Pure.
 */
export function divertArrows(
  statuses: Readonly<Record<string, SiteStatus>>,
  positions: ReadonlyMap<string, { x: number; y: number }>,
  include: (from: string, to: string) => boolean,
  inset: number,
): DivertArrow[] {
  const arrows: DivertArrow[] = [];
  for (const status of Object.values(statuses)) {
    const ed = status.ed;
    if (!ed || (ed.status !== 'divert' && ed.status !== 'closed') || ed.divertTo.length === 0) continue;
    const start = positions.get(status.site);
    if (!start) continue;
    for (const to of ed.divertTo) {
      const end = positions.get(to);
      if (!end || to === status.site || !include(status.site, to)) continue;
      const dx = end.x - start.x;
      const dy = end.y - start.y;
      const length = Math.hypot(dx, dy);
      if (length < inset * 2) continue;
      const ux = dx / length;
      const uy = dy / length;
      arrows.push({
        from: status.site,
        to,
        x1: start.x + ux * inset,
        y1: start.y + uy * inset,
        x2: end.x - ux * inset,
        y2: end.y - uy * inset,
        warning: (statuses[to]?.severity ?? 0) >= 3,
      });
    }
  }
  return arrows;
}
