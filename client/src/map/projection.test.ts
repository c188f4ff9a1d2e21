import { describe, expect, it } from 'vitest';
import { buildMapView, spreadPoints, type PlacedPoint } from './projection';
import { divertArrows, isStrainedTarget } from './divert-arrows';
import { siteStatus } from '../lib/test-fixtures';

describe('spreadPoints', () => {
  it('moves overlapping markers apart and keeps their true positions', () => {
    const placed = spreadPoints(
      [
        { code: 'A', x: 100, y: 100 },
        { code: 'B', x: 101, y: 100 },
        { code: 'C', x: 100, y: 100 },
      ],
      10,
    );
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) {
        expect(Math.hypot(placed[i]!.x - placed[j]!.x, placed[i]!.y - placed[j]!.y)).toBeGreaterThanOrEqual(9.9);
      }
    }
    expect(placed[0]).toMatchObject({ code: 'A', x0: 100, y0: 100 });
  });

  it('leaves markers that do not overlap where they are', () => {
    expect(spreadPoints([{ code: 'A', x: 0, y: 0 }, { code: 'B', x: 50, y: 0 }], 10).map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [50, 0],
    ]);
  });
});

/** A deterministic scatter of `count` points over a `size` × `size` box (a small LCG). */
function scatter(count: number, size: number): { code: string; x: number; y: number }[] {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  return Array.from({ length: count }, (_, i) => ({ code: `S${i.toString().padStart(5, '0')}`, x: next() * size, y: next() * size }));
}

/** The smallest distance between any two placed points, through a grid so it stays cheap. */
function closestPair(placed: readonly { x: number; y: number }[], cell: number): number {
  const cells = new Map<string, number[]>();
  placed.forEach((point, index) => {
    const key = `${Math.floor(point.x / cell)},${Math.floor(point.y / cell)}`;
    cells.set(key, [...(cells.get(key) ?? []), index]);
  });
  let closest = Infinity;
  placed.forEach((a, i) => {
    const cx = Math.floor(a.x / cell);
    const cy = Math.floor(a.y / cell);
    for (let ox = -1; ox <= 1; ox++) {
      for (let oy = -1; oy <= 1; oy++) {
        for (const j of cells.get(`${cx + ox},${cy + oy}`) ?? []) {
          if (j > i) closest = Math.min(closest, Math.hypot(a.x - placed[j]!.x, a.y - placed[j]!.y));
        }
      }
    }
  });
  return closest;
}

describe('spreadPoints on large inputs', () => {
  it('separates 10,000 markers that have room, comparing only neighbours (an all-pairs pass would not finish)', () => {
    // 10,000 markers 10 apart need about 0.87 M of the 4 M square units here.
    const placed = spreadPoints(scatter(10_000, 2_000), 10);
    expect(placed).toHaveLength(10_000);
    expect(closestPair(placed, 10)).toBeGreaterThanOrEqual(9.9);
    // Nudged, not scattered: nobody travels far from where the site really is.
    expect(Math.max(...placed.map((p) => Math.hypot(p.x - p.x0, p.y - p.y0)))).toBeLessThan(30);
  });

  it('leaves markers where they are when there is no room to separate them', () => {
    const points = scatter(10_000, 600);
    const placed = spreadPoints(points, 16);
    expect(placed.every((p, i) => p.x === points[i]!.x && p.y === points[i]!.y && p.x0 === p.x && p.y0 === p.y)).toBe(true);
  });

  it('gives the same layout for the same input, whatever order it comes in', () => {
    const points = scatter(2_000, 500);
    const byCode = (placed: PlacedPoint[]) => Object.fromEntries(placed.map((p) => [p.code, [p.x, p.y]]));
    expect(byCode(spreadPoints([...points].reverse(), 8))).toEqual(byCode(spreadPoints(points, 8)));
  });
});

describe('buildMapView', () => {
  it('fits England into the box and draws seven regions', () => {
    const view = buildMapView(null, 600, 720);
    expect(view.regions).toHaveLength(7);
    const [x, y] = view.project(-0.1276, 51.5072); // London
    expect(x).toBeGreaterThan(300);
    expect(x).toBeLessThan(600);
    expect(y).toBeGreaterThan(400);
    expect(y).toBeLessThan(720);
  });
});

describe('divertArrows', () => {
  it('draws an arrow per receiving site that has a position, meeting the markers at their edges', () => {
    const positions = new Map([
      ['A', { x: 0, y: 0 }],
      ['B', { x: 100, y: 0 }],
      ['C', { x: 0, y: 100 }],
    ]);
    const arrows = divertArrows([{ from: 'A', to: ['B', 'C', 'Z'] }], positions, () => true, 5);
    expect(arrows.map((a) => [a.from, a.to])).toEqual([
      ['A', 'B'],
      ['A', 'C'],
    ]);
    expect(arrows[0]).toMatchObject({ x1: 5, x2: 95 });
    expect(divertArrows([{ from: 'A', to: ['B'] }], positions, (from, to) => !(from === 'A' && to === 'B'), 5)).toEqual([]);
  });

  it('warns when the receiving site is itself under severe pressure', () => {
    expect(isStrainedTarget(siteStatus('B', { severity: 3 }))).toBe(true);
    expect(isStrainedTarget(siteStatus('C', { severity: 1 }))).toBe(false);
    expect(isStrainedTarget(undefined)).toBe(false);
  });
});
