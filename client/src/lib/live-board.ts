import type { BoardState } from './board-state.svelte';
import type { BoardConnection } from './connection.svelte';
import { handleError } from './errors.svelte';

/**
 * Asks for the sites, the board and its derogation requests at once and opens the live
 * connection, so the page draws (projecting the map's boundaries) while the data travels.
 * Returns what stops it all when the page goes.
 */
export function openLiveBoard(board: BoardState, connection: BoardConnection): () => void {
  const loading = new AbortController();
  board.loadCatalogue(loading.signal).catch((error: unknown) => handleError(error, 'Could not load the list of sites'));
  board.loadInitial(loading.signal).catch((error: unknown) => handleError(error, 'Could not load the board'));
  connection.start();
  return () => {
    loading.abort();
    connection.stop();
    board.destroy();
  };
}
