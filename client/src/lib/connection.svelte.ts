import { io, type Socket } from 'socket.io-client';
import { BOARD_NAMESPACE, RECONNECT_OPTIONS, reconnectDelay, type Ack, type ClientToServerEvents, type SeqDecision, type ServerToClientEvents, type SubscribeRequest, type SubscribeResult } from '@pb/shared';
import type { BoardState } from './board-state.svelte';

export type ConnectionStatus = 'connecting' | 'live' | 'catching-up' | 'disconnected';

export const CONNECTION_LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  'catching-up': 'Catching up…',
  disconnected: 'Disconnected',
};

const SUBSCRIBE_TIMEOUT_MS = 10_000;

export interface BoardConnectionOptions {
  /** Called when the server refuses the session (signed out or key revoked). */
  onUnauthorised: () => void;
}

/**
 * Keeps a board in step with the server over socket.io (SPEC §5): subscribes on every
 * connect with the last applied seq, applies events in order, re-subscribes on a gap,
 * and reports its state for the header and the wallboard.
 */
export class BoardConnection {
  #status = $state<ConnectionStatus>('connecting');
  #since = $state<string | null>(null);
  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  #resubscribing = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Our own retries since the board was last live (socket.io counts its own). */
  #retryAttempt = 0;
  readonly #board: BoardState;
  readonly #options: BoardConnectionOptions;

  constructor(board: BoardState, options: BoardConnectionOptions) {
    this.#board = board;
    this.#options = options;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  get label(): string {
    return CONNECTION_LABELS[this.#status];
  }

  /** When the connection was lost (ISO), while it is lost. */
  get disconnectedSince(): string | null {
    return this.#since;
  }

  start(): void {
    if (this.#socket) return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(BOARD_NAMESPACE, {
      withCredentials: true,
      ...RECONNECT_OPTIONS,
    });
    this.#socket = socket;

    socket.on('connect', () => {
      this.#status = 'catching-up';
      this.#subscribe();
    });
    socket.on('disconnect', (reason) => {
      this.#lost();
      // The server closed the socket on purpose (e.g. the key was revoked); find out
      // whether the session still holds before trying again.
      if (reason === 'io server disconnect') this.#retryLater(() => this.#options.onUnauthorised());
    });
    socket.on('connect_error', (error) => {
      this.#lost();
      // An error from the server's middleware stops socket.io's own retries. `unavailable`
      // means the server could not reach Redis to check the session: not a sign-in
      // problem, so just try again; anything else may be a revoked key, so ask.
      if (socket.active) return;
      if (error.message === 'unavailable') this.#retryLater(() => undefined);
      else this.#retryLater(() => this.#options.onUnauthorised());
    });

    socket.on('snapshot', (snapshot) => {
      this.#board.applySnapshot(snapshot);
      this.#resubscribing = false;
    });
    socket.on('status', (event) => this.#after(this.#board.handleStatus(event)));
    socket.on('alert', (event) => this.#after(this.#board.handleAlert(event)));
    socket.on('derogation', (event) => this.#after(this.#board.handleDerogation(event)));
  }

  stop(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
  }

  #lost(): void {
    if (this.#status !== 'disconnected') this.#since = new Date().toISOString();
    this.#status = 'disconnected';
    this.#resubscribing = false;
  }

  /** Calls `check` (which may sign the user out), then reconnects if still running. */
  #retryLater(check: () => void): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      check();
      if (this.#socket && !this.#socket.connected) this.#socket.connect();
    }, reconnectDelay(this.#retryAttempt++));
  }

  #after(decision: SeqDecision): void {
    if (decision === 'gap' && !this.#resubscribing) {
      this.#resubscribing = true;
      this.#status = 'catching-up';
      this.#subscribe();
    }
  }

  #subscribe(): void {
    const socket = this.#socket;
    if (!socket?.connected) return;
    const last = this.#board.lastSeq;
    const request: SubscribeRequest = last >= 0 ? { since: last } : {};
    socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', request, (error: Error | null, ack: Ack<SubscribeResult>) => {
      if (socket !== this.#socket) return;
      if (error || !ack.ok) {
        if (!error && !ack.ok && (ack.error.code === 'unauthorized' || ack.error.code === 'unauthorised' || ack.error.code === 'forbidden')) {
          this.#options.onUnauthorised();
        }
        this.#resubscribing = false;
        if (this.#retryTimer) return;
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = null;
          this.#subscribe();
        }, reconnectDelay(this.#retryAttempt++));
        return;
      }
      this.#resubscribing = false;
      this.#retryAttempt = 0;
      this.#since = null;
      this.#status = 'live';
    });
  }
}
