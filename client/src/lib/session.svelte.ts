import { mayAcknowledge, mayPost, type Me, type SignedOut } from '@pb/shared';
import { apiFetch, ApiError } from './api';

/** Who is signed in. `undefined` while it is being found out, `null` when nobody is. */
class Session {
  #me = $state<Me | null | undefined>(undefined);

  get me(): Me | null | undefined {
    return this.#me;
  }

  /** Whether the key may post statuses (the shared rule the server enforces). */
  get canPost(): boolean {
    return mayPost(this.#me);
  }

  /** Whether the key may acknowledge alerts at all (each alert: `mayAcknowledgeAlert`). */
  get canAcknowledge(): boolean {
    return mayAcknowledge(this.#me);
  }

  /** Asks the server who the session cookie belongs to. */
  async load(): Promise<void> {
    try {
      this.#me = await apiFetch<Me>('/me');
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) this.#me = null;
      else throw error;
    }
  }

  /** Exchanges a key for a session cookie; rejects with `ApiError` when the key is wrong. */
  async signIn(key: string): Promise<Me> {
    const me = await apiFetch<Me>('/session', { method: 'POST', body: { key } });
    this.#me = me;
    return me;
  }

  /**
   * Ends the session. After single sign-on, resolves with the identity provider's
   * sign-out address when it has one, for the page to go on to; otherwise with null.
   */
  async signOut(): Promise<string | null> {
    try {
      const answer = await apiFetch<SignedOut | undefined>('/session', { method: 'DELETE' });
      return answer?.logoutUrl ?? null;
    } finally {
      this.#me = null;
    }
  }

  /** The server said 401: the session has ended. */
  expire(): void {
    this.#me = null;
  }
}

export const session = new Session();
