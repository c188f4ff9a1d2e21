import { describe, expect, it } from 'vitest';
import { KeyedSerialiser } from './keyed-serialiser.js';

/** A promise with its resolve exposed, so a test decides when a task ends. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('KeyedSerialiser', () => {
  it('runs tasks on the same key one at a time, in the order they asked', async () => {
    const serialiser = new KeyedSerialiser();
    const log: string[] = [];
    const first = gate();
    const a = serialiser.run(['X'], async () => {
      log.push('a starts');
      await first.promise;
      log.push('a ends');
    });
    const b = serialiser.run(['X'], async () => {
      log.push('b runs');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['a starts']);
    first.open();
    await Promise.all([a, b]);
    expect(log).toEqual(['a starts', 'a ends', 'b runs']);
    expect(serialiser.busyKeys).toBe(0);
  });

  it('lets tasks on different keys run together', async () => {
    const serialiser = new KeyedSerialiser();
    const held = gate();
    const log: string[] = [];
    const a = serialiser.run(['X'], async () => {
      await held.promise;
      log.push('a');
    });
    await serialiser.run(['Y'], async () => {
      log.push('b');
    });
    expect(log).toEqual(['b']);
    held.open();
    await a;
    expect(log).toEqual(['b', 'a']);
  });

  it('a task on several keys waits for each earlier task holding any of them, and never deadlocks', async () => {
    const serialiser = new KeyedSerialiser();
    const log: string[] = [];
    const x = gate();
    const y = gate();
    const onX = serialiser.run(['X'], async () => {
      await x.promise;
      log.push('x');
    });
    const onY = serialiser.run(['Y'], async () => {
      await y.promise;
      log.push('y');
    });
    const both = serialiser.run(['Y', 'X'], async () => {
      log.push('both');
    });
    const reversed = serialiser.run(['X', 'Y'], async () => {
      log.push('reversed');
    });
    y.open();
    await onY;
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['y']);
    x.open();
    await Promise.all([onX, both, reversed]);
    expect(log).toEqual(['y', 'x', 'both', 'reversed']);
  });

  it('a failing task releases its keys and passes its error on', async () => {
    const serialiser = new KeyedSerialiser();
    await expect(serialiser.run(['X'], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await serialiser.run(['X'], async () => 'next')).toBe('next');
    expect(serialiser.busyKeys).toBe(0);
  });
});
