import { ApiError, NetworkError } from './api';

export interface Notice {
  id: number;
  message: string;
}

/** Messages shown to the user in the notice area (newest last, at most a few). */
class Notices {
  #items = $state<Notice[]>([]);
  #next = 1;

  get items(): readonly Notice[] {
    return this.#items;
  }

  add(message: string): void {
    if (this.#items.some((item) => item.message === message)) return;
    this.#items = [...this.#items.slice(-3), { id: this.#next++, message }];
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((item) => item.id !== id);
  }
}

export const notices = new Notices();

/** Called when the session has ended (401), so the app can send the user to sign in. */
let onSignedOut: (() => void) | null = null;
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

/**
 * The one error handler of the client: turns any failure into a message for the user.
 * Expected failures (HTTP errors, network loss) are not logged to the console; only a
 * genuine bug is.
 *
 * @example apiFetch('/alerts').catch((error) => handleError(error, 'Could not load alerts'));
 */
export function handleError(error: unknown, context: string): void {
  if (error instanceof DOMException && error.name === 'AbortError') return;
  if (error instanceof ApiError) {
    if (error.status === 401 && onSignedOut) {
      onSignedOut();
      return;
    }
    notices.add(`${context}: ${error.message}`);
    return;
  }
  if (error instanceof NetworkError) {
    notices.add(`${context}: ${error.message}`);
    return;
  }
  notices.add(`${context}: something went wrong.`);
  console.error(context, error);
}
