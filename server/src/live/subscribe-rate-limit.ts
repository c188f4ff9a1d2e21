/**
 * SPEC §11: at least 5 subscribes in any 10 s are always allowed. A board subscribes
 * once per connection and once per gap it sees, so 5 is plenty, and each accepted
 * subscribe may replay thousands of events.
 */
export const SUBSCRIBES_ALLOWED = 5;
export const SUBSCRIBE_WINDOW_MS = 10_000;

/**
 * A per-socket sliding-window limit on `subscribe`. Each subscribe may start a replay
 * or a snapshot, so one socket asking in a loop must be answered `rate_limited` at
 * once, before any work. Only accepted subscribes count, so a client that backs off
 * is served again as soon as its oldest accepted one leaves the window. Memory is
 * at most `allowed` timestamps per socket.
 *
 * @example
 * const limit = new SubscribeRateLimit();
 * if (!limit.tryTake(Date.now())) return { ok: false, error: { code: 'rate_limited', message: limit.describe() } };
 */
export class SubscribeRateLimit {
  private readonly accepted: number[] = [];

  constructor(
    readonly allowed = SUBSCRIBES_ALLOWED,
    readonly windowMs = SUBSCRIBE_WINDOW_MS,
  ) {}

  /** Counts one subscribe at `now` (ms) and says whether it may go ahead. */
  tryTake(now: number): boolean {
    while (this.accepted.length > 0 && this.accepted[0]! <= now - this.windowMs) this.accepted.shift();
    if (this.accepted.length >= this.allowed) return false;
    this.accepted.push(now);
    return true;
  }

  /** Milliseconds from `now` until the next subscribe would be accepted (0 if it would be now). */
  retryAfterMs(now: number): number {
    if (this.accepted.length < this.allowed) return 0;
    return Math.max(0, this.accepted[0]! + this.windowMs - now);
  }

  /** The message for a refused subscribe. */
  describe(now: number): string {
    const seconds = Math.ceil(this.retryAfterMs(now) / 1000);
    return `At most ${this.allowed} subscribes in ${this.windowMs / 1000} s per connection; try again in ${seconds} s.`;
  }
}
