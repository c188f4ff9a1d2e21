import type { FeedFilter, FeedKind } from '../lib/feed';

/**
 * What the change feed shows: a region ("same as the board", all England, or one
 * region) and kinds of change. Set from the board's toolbar, read by the feed.
 */
export class FeedFilterState {
  #region = $state<string>('board');
  #kinds = $state<Record<FeedKind, boolean>>({ pressure: true, incident: true, ed: true, metrics: true, note: true, alert: true });

  /** `board`, `all`, or a region code. */
  get region(): string {
    return this.#region;
  }

  set region(value: string) {
    this.#region = value;
  }

  shows(kind: FeedKind): boolean {
    return this.#kinds[kind];
  }

  setKind(kind: FeedKind, shown: boolean): void {
    this.#kinds[kind] = shown;
  }

  /** Whether anything is filtered out (the toolbar says so). */
  get active(): boolean {
    return this.#region !== 'board' || Object.values(this.#kinds).some((shown) => !shown);
  }

  /** The filter to apply, given the region the board shows. */
  filterFor(boardRegion: string | null): FeedFilter {
    const region = this.#region === 'board' ? boardRegion : this.#region === 'all' ? null : this.#region;
    return { region, kinds: new Set((Object.keys(this.#kinds) as FeedKind[]).filter((kind) => this.#kinds[kind])) };
  }
}
