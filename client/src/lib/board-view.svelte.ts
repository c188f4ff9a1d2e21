import type { Alert, SiteStatus } from '@pb/shared';
import { EMPTY_BOARD, isLoaded, type BoardData } from './board-reducer';
import type { DerogationMap } from './derogations';
import { SiteStore } from './site-store.svelte';

/**
 * One board as the screen shows it: the live board, or the past board of the time
 * machine. Sites are per-site signals in `sites`; the small whole values (seq, "data as
 * of", alerts, derogation requests) change together when a batch of events is shown.
 */
export class BoardView {
  readonly sites = new SiteStore();
  #board = $state.raw<BoardData>(EMPTY_BOARD);

  /** The whole values together (for reducers). */
  get board(): BoardData {
    return this.#board;
  }

  get seq(): number {
    return this.#board.seq;
  }

  get asOf(): string | null {
    return this.#board.asOf;
  }

  get alerts(): Readonly<Record<string, Alert>> {
    return this.#board.alerts;
  }

  get derogations(): DerogationMap {
    return this.#board.derogations;
  }

  get loaded(): boolean {
    return isLoaded(this.#board);
  }

  /** One site's status (reactive on that site only). */
  status(code: string): SiteStatus | undefined {
    return this.sites.status(code);
  }

  /** Shows new whole values; the same object again changes nothing. */
  setBoard(board: BoardData): void {
    if (board !== this.#board) this.#board = board;
  }
}
