import { describe, expect, it } from 'vitest';
import type { BoardSnapshot } from '@pb/shared';
import type { RegionFilter } from '../board/read-board.js';
import { regionKey, SharedSnapshots } from './shared-snapshots.js';

/** A board whose seq the test moves; each build reads it after a turn of the event loop, as Redis would. */
function fakeBoard() {
  const board = { seq: 7, builds: [] as string[] };
  const build = async (regions: RegionFilter): Promise<BoardSnapshot> => {
    board.builds.push(regionKey(regions));
    await new Promise((resolve) => setImmediate(resolve));
    return { seq: board.seq, asOf: new Date().toISOString(), sites: [], alerts: [] };
  };
  return { board, build };
}

describe('SharedSnapshots', () => {
  it('builds once for many concurrent subscribers of the same regions, and once per other region set', async () => {
    const { board, build } = fakeBoard();
    let counted = 0;
    const snapshots = new SharedSnapshots({ build, onBuild: () => counted++ });
    const everyone = await Promise.all(Array.from({ length: 1_000 }, () => snapshots.get(null, () => true)));
    const london = await Promise.all(Array.from({ length: 10 }, () => snapshots.get(new Set(['Y56']), () => true)));
    expect(new Set(everyone.map((built) => built.snapshot)).size).toBe(1);
    expect(new Set(london.map((built) => built.snapshot)).size).toBe(1);
    expect(board.builds).toEqual(['*', 'Y56']);
    expect(snapshots.builds).toBe(2);
    expect(counted).toBe(2);
  });

  it('reuses the last snapshot while the caller accepts it, and builds again when it does not', async () => {
    const { board, build } = fakeBoard();
    const snapshots = new SharedSnapshots({ build });
    const first = await snapshots.get(null, () => true);
    expect((await snapshots.get(null, ({ snapshot }) => snapshot.seq >= 7)).snapshot).toBe(first.snapshot);
    board.seq = 9;
    const second = await snapshots.get(null, ({ snapshot }) => snapshot.seq >= 9);
    expect(second.snapshot.seq).toBe(9);
    expect(snapshots.builds).toBe(2);
  });

  it('does not hand a joiner an in-flight snapshot it cannot use', async () => {
    const { board, build } = fakeBoard();
    const snapshots = new SharedSnapshots({ build });
    const early = snapshots.get(null, () => true);
    board.seq = 8; // read by the build in flight: both get 8
    const late = snapshots.get(null, ({ snapshot }) => snapshot.seq >= 8);
    expect((await early).snapshot.seq).toBe(8);
    expect((await late).snapshot.seq).toBe(8);
    expect(snapshots.builds).toBe(1);
    const later = snapshots.get(null, ({ snapshot }) => snapshot.seq >= 10);
    board.seq = 10;
    expect((await later).snapshot.seq).toBe(10);
  });

  it('keeps at most maxEntries region sets', async () => {
    const { build } = fakeBoard();
    const snapshots = new SharedSnapshots({ build, maxEntries: 2 });
    for (const region of ['Y56', 'Y58', 'Y59']) await snapshots.get(new Set([region]), () => true);
    await snapshots.get(new Set(['Y59']), () => true);
    await snapshots.get(new Set(['Y58']), () => true);
    expect(snapshots.builds).toBe(3);
    await snapshots.get(new Set(['Y56']), () => true);
    expect(snapshots.builds).toBe(4);
  });

  it('passes a failed build to everyone waiting for it, and builds afresh next time', async () => {
    let fail = true;
    const snapshots = new SharedSnapshots({
      build: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        if (fail) throw new Error('redis away');
        return { seq: 1, asOf: '', sites: [], alerts: [] };
      },
    });
    const waiting = await Promise.allSettled([snapshots.get(null, () => true), snapshots.get(null, () => true)]);
    expect(waiting.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await snapshots.get(null, () => true)).snapshot.seq).toBe(1);
    expect(snapshots.builds).toBe(2);
  });
});
