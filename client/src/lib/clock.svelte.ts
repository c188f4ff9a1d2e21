/**
 * A ticking "now" for relative times and the wallboard clock. One interval, cleared by
 * `stop()`, so a page left open for weeks holds no growing timers.
 */
export class Clock {
  #now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #everyMs: number;

  constructor(everyMs: number) {
    this.#everyMs = everyMs;
  }

  get now(): number {
    return this.#now;
  }

  start(): void {
    if (this.#timer) return;
    this.#now = Date.now();
    this.#timer = setInterval(() => {
      this.#now = Date.now();
    }, this.#everyMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
