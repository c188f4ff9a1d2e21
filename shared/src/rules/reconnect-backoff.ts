/**
 * How live clients (the board's screens, the command line's `tail`) wait between
 * attempts to reconnect or resubscribe, socket.io's own and theirs alike: 1 s doubling
 * to at most 4 s, each spread at random by up to half. After a deploy every screen in the
 * country loses its socket at the same instant; the spread keeps them from coming back in
 * step (a thundering herd), and the 4 s ceiling brings every screen back within 5 s of
 * the server being ready again.
 */
export const RECONNECT_FIRST_MS = 1_000;
export const RECONNECT_MAX_MS = 4_000;
export const RECONNECT_JITTER = 0.5;

/** The `attempt`-th retry delay (0-based): exponential, capped, then spread over the upper half of the step. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RECONNECT_FIRST_MS * 2 ** Math.min(attempt, 16), RECONNECT_MAX_MS);
  return Math.round(step * (1 - RECONNECT_JITTER * random()));
}

/** socket.io-client's reconnection options for this back-off, never giving up: a wallboard is left for weeks. */
export const RECONNECT_OPTIONS = {
  reconnectionAttempts: Infinity,
  reconnectionDelay: RECONNECT_FIRST_MS,
  reconnectionDelayMax: RECONNECT_MAX_MS,
  randomizationFactor: RECONNECT_JITTER,
} as const;
