import { describe, expect, it } from 'vitest';
import { buildMapView, spreadPoints } from './projection';
import { divertArrows } from './divert-arrows';
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
  it('draws an arrow per receiving site and warns when it is itself under severe pressure', () => {
    const statuses = {
      A: siteStatus('A', { ed: { status: 'divert', divertTo: ['B', 'C', 'Z'] } }),
      B: siteStatus('B', { severity: 3 }),
      C: siteStatus('C', { severity: 1 }),
    };
    const positions = new Map([
      ['A', { x: 0, y: 0 }],
      ['B', { x: 100, y: 0 }],
      ['C', { x: 0, y: 100 }],
    ]);
    const arrows = divertArrows(statuses, positions, () => true, 5);
    expect(arrows.map((a) => [a.from, a.to, a.warning])).toEqual([
      ['A', 'B', true],
      ['A', 'C', false],
    ]);
    expect(arrows[0]).toMatchObject({ x1: 5, x2: 95 });
  });
});
