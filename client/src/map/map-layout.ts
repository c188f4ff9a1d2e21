import type { Site } from '@pb/shared';
import { spreadPoints, type PlacedPoint } from './projection';

/** Where one map view draws its sites. */
export interface SiteLayout {
  /** Sites drawn as markers, nudged apart so each can be pointed at. */
  markers: PlacedPoint[];
  /** Sites drawn as small context dots at their true positions (their markers are elsewhere). */
  dots: { code: string; x: number; y: number }[];
  /** Where arrows start and end: markers where they are drawn, dots where they are. */
  positions: Map<string, { x: number; y: number }>;
}

export interface LayoutOptions {
  /** Projects a site's longitude and latitude into the view's box. */
  project: (lon: number, lat: number) => [number, number];
  width: number;
  height: number;
  /** Sites that get a marker in this view. */
  marker: (site: Site) => boolean;
  /** Sites shown only as context dots in this view. */
  dot?: (site: Site) => boolean;
  /** Markers closer than this are nudged apart. */
  minDistance: number;
}

/**
 * Places the sites of one map view. Depends only on which sites there are, where they
 * are and how big the markers are, never on their status: a live update does not move
 * anything. Sites outside the box are left out. Pure.
 */
export function layoutSites(codes: readonly string[], catalogue: Readonly<Record<string, Site>>, options: LayoutOptions): SiteLayout {
  const points: { code: string; x: number; y: number }[] = [];
  const dots: { code: string; x: number; y: number }[] = [];
  for (const code of codes) {
    const site = catalogue[code];
    if (!site) continue;
    const isMarker = options.marker(site);
    const isDot = !isMarker && (options.dot?.(site) ?? false);
    if (!isMarker && !isDot) continue;
    const [x, y] = options.project(site.lon, site.lat);
    if (!Number.isFinite(x) || !Number.isFinite(y) || x < 0 || y < 0 || x > options.width || y > options.height) continue;
    (isMarker ? points : dots).push({ code, x, y });
  }
  const markers = spreadPoints(points, options.minDistance);
  const positions = new Map<string, { x: number; y: number }>();
  for (const dot of dots) positions.set(dot.code, { x: dot.x, y: dot.y });
  for (const marker of markers) positions.set(marker.code, { x: marker.x, y: marker.y });
  return { markers, dots, positions };
}
