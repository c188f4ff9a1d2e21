import type { Site } from '@pb/shared';
import { viewProjector } from './projection';

/** The London region (Y56): on the England map its sites are shown in an enlarged inset. */
export const LONDON = 'Y56';

/** The England (or one region's) map view's box: England's shape, about 5:6. */
export const ENGLAND_BOX = { width: 600, height: 720 } as const;

/** The London inset's box: London is wider than tall. */
export const INSET_BOX = { width: 600, height: 400, padding: 16 } as const;

let insetProject: ((lon: number, lat: number) => [number, number]) | null = null;

/**
 * Whether a site is drawn in the London inset: a London site inside the inset's box. A
 * London site outside it (there are none among the reference sites) keeps its marker on
 * the England map, so every site has exactly one marker.
 */
export function inLondonInset(site: Site): boolean {
  if (site.region !== LONDON) return false;
  // The inset's projection only: its boundaries are drawn by the inset itself.
  insetProject ??= viewProjector(LONDON, INSET_BOX.width, INSET_BOX.height, INSET_BOX.padding);
  const [x, y] = insetProject(site.lon, site.lat);
  return x >= 0 && y >= 0 && x <= INSET_BOX.width && y <= INSET_BOX.height;
}
