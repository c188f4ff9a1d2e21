import type { SiteStatus } from '@pb/shared';
import { countSite, emptyRollups, rollupsOf, type RegionRollup, type RollupKey } from './rollup';

/**
 * One site's status as the screen shows it. Each site has its own signal, so a live
 * update redraws that site's marker, list row and panel, and nothing else.
 */
export class SiteEntry {
  readonly code: string;
  #status: SiteStatus;

  constructor(status: SiteStatus) {
    this.code = status.site;
    this.#status = $state.raw(status);
  }

  get status(): SiteStatus {
    return this.#status;
  }

  /** Only the store writes; components read. */
  set(status: SiteStatus): void {
    this.#status = status;
  }
}

/** A site sending its patients elsewhere (A&E diverting, or closed and redirecting). */
export interface Diversion {
  from: string;
  to: readonly string[];
}

function diversionOf(status: SiteStatus | undefined): readonly string[] | null {
  const ed = status?.ed;
  if (!ed || (ed.status !== 'divert' && ed.status !== 'closed') || ed.divertTo.length === 0) return null;
  return ed.divertTo;
}

function sameTargets(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((code, index) => code === b[index]);
}

/**
 * Called with the codes of the sites that changed; `replaced` when a snapshot replaced
 * every site (then `changed` is all of them).
 */
export type SiteChangeListener = (changed: readonly string[], replaced: boolean) => void;

/**
 * Every site of one board (the live one, or a past one in the time machine), kept so that
 * a change costs in proportion to what changed:
 * - each site is a `SiteEntry` with its own signal;
 * - the list of codes changes only when sites come or go, so the map keeps its layout;
 * - region roll-ups are counted up and down per change, each count its own signal;
 * - diversions change only when a site starts, stops or retargets one.
 * Managers that rank or filter sites (list view, wallboard) subscribe to changes and
 * decide for themselves how often to redo their work.
 */
export class SiteStore {
  #entries = new Map<string, SiteEntry>();
  #codes = $state.raw<readonly string[]>([]);
  #rollups = $state(emptyRollups());
  #diversionMap = new Map<string, readonly string[]>();
  #diversions = $state.raw<readonly Diversion[]>([]);
  #listeners = new Set<SiteChangeListener>();

  /** Site codes in code order; a new array only when the set of sites changes. */
  get codes(): readonly string[] {
    return this.#codes;
  }

  get size(): number {
    return this.#codes.length;
  }

  entry(code: string): SiteEntry | undefined {
    return this.#entries.get(code);
  }

  /** One site's status (reactive on that site only). */
  status(code: string): SiteStatus | undefined {
    return this.#entries.get(code)?.status;
  }

  /** England's (`ENG`) or one region's counts; each number is its own signal. */
  rollup(key: RollupKey): RegionRollup {
    return this.#rollups[key];
  }

  get rollups(): Readonly<Record<RollupKey, RegionRollup>> {
    return this.#rollups;
  }

  get diversions(): readonly Diversion[] {
    return this.#diversions;
  }

  /**
   * Every status now, for managers that rank or filter (call it outside reactive
   * contexts: inside one it would depend on every site).
   */
  statuses(): SiteStatus[] {
    const result: SiteStatus[] = [];
    for (const entry of this.#entries.values()) result.push(entry.status);
    return result;
  }

  /** Calls `listener` after each change; returns what unsubscribes it. */
  subscribe(listener: SiteChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Replaces every site (a snapshot): entries of sites still present are reused. */
  replaceAll(statuses: Iterable<SiteStatus>): void {
    const next = new Map<string, SiteEntry>();
    const rollups = emptyRollups();
    this.#diversionMap.clear();
    for (const status of statuses) {
      const entry = this.#entries.get(status.site);
      if (entry) entry.set(status);
      next.set(status.site, entry ?? new SiteEntry(status));
      for (const rollup of rollupsOf(rollups, status)) countSite(rollup, status, 1);
      const targets = diversionOf(status);
      if (targets) this.#diversionMap.set(status.site, targets);
    }
    const sameSet = next.size === this.#entries.size && [...next.keys()].every((code) => this.#entries.has(code));
    this.#entries = next;
    if (!sameSet) this.#codes = [...next.keys()].sort();
    this.#rollups = rollups;
    this.#publishDiversions();
    this.#notify(this.#codes, true);
  }

  /** Applies new statuses of some sites; other sites are not touched. */
  apply(statuses: Iterable<SiteStatus>): void {
    const changed: string[] = [];
    let added = false;
    let diversionsMoved = false;
    for (const status of statuses) {
      const entry = this.#entries.get(status.site);
      const previous = entry?.status;
      if (previous === status) continue;
      if (previous) for (const rollup of rollupsOf(this.#rollups, previous)) countSite(rollup, previous, -1);
      for (const rollup of rollupsOf(this.#rollups, status)) countSite(rollup, status, 1);
      if (entry) entry.set(status);
      else {
        this.#entries.set(status.site, new SiteEntry(status));
        added = true;
      }
      const before = this.#diversionMap.get(status.site) ?? null;
      const after = diversionOf(status);
      if (!sameTargets(before, after)) {
        diversionsMoved = true;
        if (after) this.#diversionMap.set(status.site, after);
        else this.#diversionMap.delete(status.site);
      }
      changed.push(status.site);
    }
    if (added) this.#codes = [...this.#entries.keys()].sort();
    if (diversionsMoved) this.#publishDiversions();
    if (changed.length > 0) this.#notify(changed, false);
  }

  #publishDiversions(): void {
    const diversions: Diversion[] = [];
    for (const [from, to] of this.#diversionMap) diversions.push({ from, to });
    this.#diversions = diversions;
  }

  #notify(changed: readonly string[], replaced: boolean): void {
    for (const listener of this.#listeners) listener(changed, replaced);
  }
}
