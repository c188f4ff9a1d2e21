import { geoMercator, geoPath } from 'd3-geo';
import type { GeoPermissibleObjects } from 'd3-geo';
import { mapGeometry, regionFeature } from './geometry';

export interface RegionShape {
  code: string;
  name: string;
  d: string;
}

/** A map drawn into a `width` × `height` SVG box, fitted to England or one region. */
export interface MapView {
  width: number;
  height: number;
  regions: RegionShape[];
  icbBorders: string;
  regionBorders: string;
  outline: string;
  project: (lon: number, lat: number) => [number, number];
}

/**
 * Projects the boundaries for one view. Mercator is conformal, so at England's scale
 * shapes look as people know them; the fitted extent makes any region fill the box.
 */
export function buildMapView(focus: string | null, width: number, height: number, padding = 8): MapView {
  const geometry = mapGeometry();
  const target: GeoPermissibleObjects = (focus && regionFeature(focus)) || geometry.regions;
  const projection = geoMercator().fitExtent(
    [
      [padding, padding],
      [width - padding, height - padding],
    ],
    target,
  );
  const path = geoPath(projection).digits(1);
  return {
    width,
    height,
    regions: geometry.regions.features.map((region) => ({
      code: region.properties.nhser_code,
      name: region.properties.nhser_name,
      d: path(region) ?? '',
    })),
    icbBorders: path(geometry.icbBorders) ?? '',
    regionBorders: path(geometry.regionBorders) ?? '',
    outline: path(geometry.outline) ?? '',
    project: (lon, lat) => projection([lon, lat]) ?? [Number.NaN, Number.NaN],
  };
}

export interface PlacedPoint {
  code: string;
  /** Where the site really is. */
  x0: number;
  y0: number;
  /** Where its marker is drawn, nudged so markers do not overlap. */
  x: number;
  y: number;
}

/**
 * Nudges markers apart until no two are closer than `minDistance` (or the iterations
 * run out), so every site can be pointed at and clicked. Deterministic: the same input
 * always gives the same layout. Pure.
 */
export function spreadPoints(points: readonly { code: string; x: number; y: number }[], minDistance: number, iterations = 60): PlacedPoint[] {
  const placed: PlacedPoint[] = points.map((point) => ({ code: point.code, x0: point.x, y0: point.y, x: point.x, y: point.y }));
  const sorted = [...placed].sort((a, b) => a.code.localeCompare(b.code));
  for (let round = 0; round < iterations; round++) {
    let moved = false;
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j]!;
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let distance = Math.hypot(dx, dy);
        if (distance >= minDistance) continue;
        if (distance < 1e-6) {
          // Same spot: separate along a direction derived from the pair's order.
          const angle = ((i * 7 + j * 13) % 360) * (Math.PI / 180);
          dx = Math.cos(angle);
          dy = Math.sin(angle);
          distance = 1;
        }
        const push = (minDistance - distance) / 2 + 0.01;
        const ux = dx / distance;
        const uy = dy / distance;
        a.x -= ux * push;
        a.y -= uy * push;
        b.x += ux * push;
        b.y += uy * push;
        moved = true;
      }
    }
    if (!moved) break;
  }
  return placed;
}
