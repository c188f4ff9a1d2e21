/**
 * Runs tasks one at a time per key, in the order they asked, within this process.
 * A task may hold several keys: it waits for every earlier task holding any of them,
 * and as each task registers on all its keys at once, before it waits, a task only
 * ever waits for earlier ones, so two tasks can never wait for each other.
 *
 * @example
 * const sites = new KeyedSerialiser();
 * await sites.run(['RHU03', 'RHM01'], () => applyTheirUpdates());
 */
export class KeyedSerialiser {
  private readonly tails = new Map<string, Promise<void>>();

  /** Keys with a task running or waiting. */
  get busyKeys(): number {
    return this.tails.size;
  }

  async run<T>(keys: Iterable<string>, task: () => Promise<T>): Promise<T> {
    const held = [...new Set(keys)];
    let release!: () => void;
    const finished = new Promise<void>((resolve) => (release = resolve));
    const earlier: Promise<void>[] = [];
    for (const key of held) {
      const tail = this.tails.get(key);
      if (tail) earlier.push(tail);
      this.tails.set(key, finished);
    }
    try {
      if (earlier.length) await Promise.all(earlier);
      return await task();
    } finally {
      release();
      for (const key of held) if (this.tails.get(key) === finished) this.tails.delete(key);
    }
  }
}
