import type { BoardSnapshot } from '@pb/shared';
import type { RegionFilter } from '../board/read-board.js';

/** A snapshot and when it was built (ms since the epoch). */
export interface BuiltSnapshot {
  snapshot: BoardSnapshot;
  builtAt: number;
}

export interface SharedSnapshotsOptions {
  /** Reads a fresh snapshot from Redis. */
  build: (regions: RegionFilter) => Promise<BoardSnapshot>;
  /** How many region sets to remember a snapshot for (the cache's bound). */
  maxEntries?: number;
  /** Called once per snapshot built, for the metrics. */
  onBuild?: () => void;
}

/** The region set as a cache key: `*` for every region, else the sorted codes. */
export function regionKey(regions: RegionFilter): string {
  return regions === null ? '*' : [...regions].sort().join(',');
}

/**
 * Board snapshots shared by every subscriber that needs one (SPEC §11). After a
 * restart thousands of sockets subscribe at once: each region set then costs one
 * build, whose promise every concurrent request awaits, and later requests reuse
 * the last one built while the caller's `usable` test accepts it (the live path
 * brings a snapshot up to date with the events after its seq). Holds at most
 * `maxEntries` snapshots, one per region set.
 *
 * @example
 * const { snapshot } = await snapshots.get(null, ({ snapshot }) => snapshot.seq >= tail.lastSeq);
 */
export class SharedSnapshots {
  private readonly recent = new Map<string, BuiltSnapshot>();
  private readonly inFlight = new Map<string, Promise<BuiltSnapshot>>();
  private readonly maxEntries: number;
  /** Snapshots built so far. */
  builds = 0;

  constructor(private readonly options: SharedSnapshotsOptions) {
    this.maxEntries = options.maxEntries ?? 32;
  }

  /**
   * A snapshot of `regions` that `usable` accepts: the last one built, the one being
   * built, or (only when neither will do) a new one.
   */
  async get(regions: RegionFilter, usable: (built: BuiltSnapshot) => boolean): Promise<BuiltSnapshot> {
    const key = regionKey(regions);
    const recent = this.recent.get(key);
    if (recent && usable(recent)) return recent;
    // Join the build in flight; if it started too early for this caller, start another.
    for (let attempt = 0; attempt < 2; attempt++) {
      const built = await (this.inFlight.get(key) ?? this.startBuild(key, regions));
      if (usable(built)) return built;
    }
    return this.startBuild(key, regions);
  }

  private startBuild(key: string, regions: RegionFilter): Promise<BuiltSnapshot> {
    const building = this.options.build(regions).then(
      (snapshot) => {
        const built = { snapshot, builtAt: Date.now() };
        this.remember(key, built);
        return built;
      },
    );
    this.inFlight.set(key, building);
    this.builds++;
    this.options.onBuild?.();
    const forget = () => {
      if (this.inFlight.get(key) === building) this.inFlight.delete(key);
    };
    building.then(forget, forget);
    return building;
  }

  private remember(key: string, built: BuiltSnapshot): void {
    const current = this.recent.get(key);
    // A slower build that started earlier must not replace a newer snapshot.
    if (current && current.snapshot.seq > built.snapshot.seq) return;
    this.recent.delete(key);
    this.recent.set(key, built);
    if (this.recent.size > this.maxEntries) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
