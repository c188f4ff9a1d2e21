import type { SiteStore } from '../lib/site-store.svelte';
import { rankAttention } from './attention';

/** The list is ranked again at most this often: a wall is read, not watched per update. */
export const RERANK_MS = 2_000;

/**
 * The wallboard's "sites needing attention", ranked on a timer of its own (never inside
 * a `$derived`): live updates mark it out of date, and it ranks again at most every
 * `RERANK_MS`. Each row reads its own site, so its words change at once.
 */
export class AttentionList {
  #codes = $state.raw<readonly string[]>([]);
  #store: SiteStore | null = null;
  #region: string | null = null;
  #rankedAt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** Codes of the sites needing attention, most urgent first. */
  get codes(): readonly string[] {
    return this.#codes;
  }

  /** Follows `store` for `region` (all England when null); returns what stops it. Call from an `$effect`. */
  attach(store: SiteStore, region: string | null): () => void {
    this.#store = store;
    this.#region = region;
    this.#rank();
    const unsubscribe = store.subscribe((_changed, replaced) => (replaced ? this.#rank() : this.#schedule()));
    return () => {
      unsubscribe();
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
      this.#store = null;
    };
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#rank();
    }, Math.max(0, this.#rankedAt + RERANK_MS - performance.now()));
  }

  #rank(): void {
    if (!this.#store) return;
    this.#rankedAt = performance.now();
    const codes = rankAttention(this.#store.statuses(), this.#region).map((status) => status.site);
    if (codes.length !== this.#codes.length || codes.some((code, index) => code !== this.#codes[index])) this.#codes = codes;
  }
}
