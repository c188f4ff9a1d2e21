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

/** The projection of one view (England, or one region fitted to the box), without drawing anything. */
function fittedProjection(focus: string | null, width: number, height: number, padding: number) {
  const geometry = mapGeometry();
  const target: GeoPermissibleObjects = (focus && regionFeature(focus)) || geometry.regions;
  return geoMercator().fitExtent(
    [
      [padding, padding],
      [width - padding, height - padding],
    ],
    target,
  );
}

/** Where a longitude and latitude fall in a view's box, without projecting its boundaries. */
export function viewProjector(focus: string | null, width: number, height: number, padding = 8): (lon: number, lat: number) => [number, number] {
  const projection = fittedProjection(focus, width, height, padding);
  return (lon, lat) => projection([lon, lat]) ?? [Number.NaN, Number.NaN];
}

/**
 * Projects the boundaries for one view. Mercator is conformal, so at England's scale
 * shapes look as people know them; the fitted extent makes any region fill the box.
 */
export function buildMapView(focus: string | null, width: number, height: number, padding = 8): MapView {
  const geometry = mapGeometry();
  const projection = fittedProjection(focus, width, height, padding);
  // Cut everything outside the box: a region's view (the London inset especially) would
  // otherwise carry all England's boundaries, far off screen, to be parsed and painted.
  projection.clipExtent([
    [0, 0],
    [width, height],
  ]);
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
 * Rounds of nudging at most. Each round separates every overlapping pair once; real
 * clusters settle in a few rounds, and a cluster that has not settled by now will not.
 */
const MAX_ROUNDS = 60;

/**
 * The densest packing of discs `minDistance` apart (hexagonal) needs this much area per
 * point, in units of `minDistance²`. Above that density no nudging can separate them.
 */
const HEX_AREA_PER_POINT = Math.sqrt(3) / 2;

/** Grid cells are keyed by one exact number: cell columns and rows stay well inside ±2²⁰. */
const CELL_OFFSET = 2 ** 20;
const cellKey = (cx: number, cy: number): number => (cx + CELL_OFFSET) * 2 ** 21 + (cy + CELL_OFFSET);

/**
 * Whether `count` markers `minDistance` apart could fit at all in the box around the
 * points (with a margin of one `minDistance` for them to move into).
 */
function canSpread(points: readonly { x: number; y: number }[], minDistance: number): boolean {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const point of points) {
    if (point.x < minX) minX = point.x;
    if (point.x > maxX) maxX = point.x;
    if (point.y < minY) minY = point.y;
    if (point.y > maxY) maxY = point.y;
  }
  const area = (maxX - minX + 2 * minDistance) * (maxY - minY + 2 * minDistance);
  return points.length * minDistance * minDistance * HEX_AREA_PER_POINT <= area;
}

/**
 * Nudges markers apart until no two are closer than `minDistance` (or the rounds run
 * out), so every site can be pointed at and clicked. Deterministic: the same input
 * always gives the same layout. Pure.
 *
 * Near-linear: each round puts the markers into a grid of `minDistance` cells and
 * compares each only with the markers of its own and the eight neighbouring cells, the
 * only ones that can be too close. It stops as soon as a round moves nothing. When the
 * markers are too many for their area to be separated at all (thousands of sites on one
 * map), they are left where they are: nudging would only smear them across the map.
 *
 * @example spreadPoints([{ code: 'A', x: 0, y: 0 }, { code: 'B', x: 1, y: 0 }], 10) // A and B end 10 apart
 */
export function spreadPoints(points: readonly { code: string; x: number; y: number }[], minDistance: number, iterations = MAX_ROUNDS): PlacedPoint[] {
  const placed: PlacedPoint[] = points.map((point) => ({ code: point.code, x0: point.x, y0: point.y, x: point.x, y: point.y }));
  if (placed.length < 2 || !(minDistance > 0) || !canSpread(placed, minDistance)) return placed;
  const sorted = [...placed].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const rounds = Math.min(iterations, MAX_ROUNDS);
  const cellX = new Int32Array(sorted.length);
  const cellY = new Int32Array(sorted.length);
  const cells = new Map<number, number[]>();
  for (let round = 0; round < rounds; round++) {
    // Markers are filed by where they stood at the start of the round, in code order.
    cells.clear();
    for (let i = 0; i < sorted.length; i++) {
      const point = sorted[i]!;
      const cx = Math.floor(point.x / minDistance);
      const cy = Math.floor(point.y / minDistance);
      cellX[i] = cx;
      cellY[i] = cy;
      const key = cellKey(cx, cy);
      const cell = cells.get(key);
      if (cell) cell.push(i);
      else cells.set(key, [i]);
    }
    let moved = false;
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      const cx = cellX[i]!;
      const cy = cellY[i]!;
      for (let ox = -1; ox <= 1; ox++) {
        for (let oy = -1; oy <= 1; oy++) {
          const cell = cells.get(cellKey(cx + ox, cy + oy));
          if (!cell) continue;
          for (const j of cell) {
            if (j <= i) continue;
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
      }
    }
    if (!moved) break;
  }
  return placed;
}
