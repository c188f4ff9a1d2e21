import type { Site, SiteStatus } from '@pb/shared';
import type { SiteStore } from '../lib/site-store.svelte';
import { EMPTY_FILTER, filterStatuses, keepRanking, matchesFilter, rankSites, sortStatuses, type ListFilter, type SortDirection, type SortKey } from './list-filter';

/**
 * Live updates arrive many times a second and most change a site's place in the sort.
 * Moving rows that often makes the table unreadable and lays it out again on every
 * update, so a row's cells change at once (each row reads its own site) but rows change
 * places at most this often. A new sort or filter, or a new snapshot, applies at once.
 */
export const REORDER_MS = 5_000;
/** A site that starts or stops matching the filter joins or leaves the list within this. */
export const REFILTER_MS = 1_000;

/**
 * The list view's state: filter, sort, and which rows in which order. Ranking is redone
 * here, on its own timers, never inside a `$derived`: the component only draws `rows`.
 */
export class SiteListManager {
  #filter = $state<ListFilter>({ ...EMPTY_FILTER });
  #sortKey = $state<SortKey>('severity');
  #direction = $state<SortDirection>('descending');
  #rows = $state.raw<readonly string[]>([]);
  #total = $state(0);
  #store: SiteStore | null = null;
  #catalogue: () => Readonly<Record<string, Site>>;
  #unsubscribe: (() => void) | null = null;
  #ranking: Map<string, number> | null = null;
  #rowSet = new Set<string>();
  #sortedAt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = 0;
  /** Whether the list is on screen; off screen, live updates do not move its rows. */
  #onScreen = $state(true);
  #stale = false;

  constructor(catalogue: () => Readonly<Record<string, Site>>) {
    this.#catalogue = catalogue;
  }

  /** Codes of the rows to draw, in order. */
  get rows(): readonly string[] {
    return this.#rows;
  }

  /** How many sites the board has (the denominator of "n of N sites shown"). */
  get total(): number {
    return this.#total;
  }

  get filter(): Readonly<ListFilter> {
    return this.#filter;
  }

  get sortKey(): SortKey {
    return this.#sortKey;
  }

  get direction(): SortDirection {
    return this.#direction;
  }

  /** Changes some filter fields and shows the result at once. */
  setFilter(change: Partial<ListFilter>): void {
    this.#filter = { ...this.#filter, ...change };
    this.#rank(true);
  }

  /** Sorts by `key`; the same key again flips the direction. */
  sortBy(key: SortKey): void {
    if (this.#sortKey === key) this.#direction = this.#direction === 'ascending' ? 'descending' : 'ascending';
    else {
      this.#sortKey = key;
      this.#direction = key === 'name' || key === 'region' ? 'ascending' : 'descending';
    }
    this.#rank(true);
  }

  /** Whether the list is on screen (as last told by `setOnScreen`). */
  get onScreen(): boolean {
    return this.#onScreen;
  }

  /**
   * Says whether the list is on screen. A table lays out all its rows when one moves,
   * which on a dashboard with the list just below the fold would cost a long frame every
   * few seconds for rows nobody sees: off screen, rows keep their places (their cells
   * still change) and the list is ranked again the moment it comes into view.
   */
  setOnScreen(onScreen: boolean): void {
    if (onScreen === this.#onScreen) return;
    this.#onScreen = onScreen;
    if (onScreen && this.#stale) this.#rank(false);
  }

  /**
   * Follows `store` (the live board, or the past one in the time machine); returns what
   * stops following it. Call from an `$effect`.
   */
  attach(store: SiteStore): () => void {
    this.#unsubscribe?.();
    this.#store = store;
    this.#unsubscribe = store.subscribe((changed, replaced) => (replaced ? this.#rank(true) : this.#changed(changed)));
    this.#rank(true);
    return () => {
      this.#unsubscribe?.();
      this.#unsubscribe = null;
      this.#store = null;
      this.#clearTimer();
    };
  }

  #changed(changed: readonly string[]): void {
    const store = this.#store;
    if (!store) return;
    if (!this.#onScreen) {
      this.#stale = true;
      return;
    }
    if (store.size !== this.#total) this.#total = store.size;
    // Does any change add a row or take one away? Then the list is refiltered soon,
    // keeping the rows' order; otherwise only the order may be stale.
    const catalogue = this.#catalogue();
    let membership = false;
    for (const code of changed) {
      const status = store.entry(code)?.status;
      const matches = status !== undefined && matchesFilter(status, this.#filter, catalogue[code]);
      if (matches !== this.#rowSet.has(code)) {
        membership = true;
        break;
      }
    }
    const now = performance.now();
    this.#schedule(membership ? now + REFILTER_MS : this.#sortedAt + REORDER_MS);
  }

  #schedule(at: number): void {
    if (this.#timer && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#rank(false);
    }, Math.max(0, at - performance.now()));
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Filters, then sorts afresh (`resort`, or when the interval is up) or keeps the last order. */
  #rank(resort: boolean): void {
    const store = this.#store;
    if (!store) return;
    this.#clearTimer();
    this.#stale = false;
    const statuses: SiteStatus[] = store.statuses();
    this.#total = statuses.length;
    const filtered = filterStatuses(statuses, this.#filter, this.#catalogue());
    const now = performance.now();
    let ordered: SiteStatus[] | null = null;
    if (!resort && this.#ranking && now - this.#sortedAt < REORDER_MS) ordered = keepRanking(filtered, this.#ranking);
    if (ordered) this.#schedule(this.#sortedAt + REORDER_MS);
    else {
      ordered = sortStatuses(filtered, this.#sortKey, this.#direction);
      this.#ranking = rankSites(ordered);
      this.#sortedAt = now;
    }
    const rows = ordered.map((status) => status.site);
    this.#rowSet = new Set(rows);
    if (rows.length !== this.#rows.length || rows.some((code, index) => code !== this.#rows[index])) this.#rows = rows;
  }
}
