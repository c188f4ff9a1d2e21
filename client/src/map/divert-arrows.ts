import type { SiteStatus } from '@pb/shared';
import type { Diversion } from '../lib/site-store.svelte';

export interface DivertArrow {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * Arrows from each diverting (or closed, redirecting) site to the sites it sends
 * patients to, shortened by `inset` at both ends so they meet the markers' edges.
 * Sites without a position in this view are skipped. Pure: the arrows depend on where
 * sites divert and where their markers are, not on anything else a live update changes.
 */
export function divertArrows(
  diversions: readonly Diversion[],
  positions: ReadonlyMap<string, { x: number; y: number }>,
  include: (from: string, to: string) => boolean,
  inset: number,
): DivertArrow[] {
  const arrows: DivertArrow[] = [];
  for (const { from, to: targets } of diversions) {
    const start = positions.get(from);
    if (!start) continue;
    for (const to of targets) {
      const end = positions.get(to);
      if (!end || to === from || !include(from, to)) continue;
      const dx = end.x - start.x;
      const dy = end.y - start.y;
      const length = Math.hypot(dx, dy);
      if (length < inset * 2) continue;
      const ux = dx / length;
      const uy = dy / length;
      arrows.push({ from, to, x1: start.x + ux * inset, y1: start.y + uy * inset, x2: end.x - ux * inset, y2: end.y - uy * inset });
    }
  }
  return arrows;
}

/** A diversion is a warning when the receiving site is itself under severe pressure (severity 3 or more). */
export function isStrainedTarget(status: SiteStatus | undefined): boolean {
  return (status?.severity ?? 0) >= 3;
}
