import { describe, expect, it } from 'vitest';
import { SubscribeRateLimit } from './subscribe-rate-limit.js';

describe('SubscribeRateLimit', () => {
  it('always allows at least 5 subscribes in any 10 s (SPEC §11)', () => {
    const limit = new SubscribeRateLimit();
    // Five at once, then five every 10 s, never refused.
    for (let window = 0; window < 5; window++) {
      for (let i = 0; i < 5; i++) expect(limit.tryTake(window * 10_000 + i)).toBe(true);
    }
  });

  it('refuses a burst beyond the limit, then accepts again once the oldest leaves the window', () => {
    const limit = new SubscribeRateLimit();
    const results = Array.from({ length: 200 }, () => limit.tryTake(1_000));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(results.slice(0, 5).every(Boolean)).toBe(true);
    expect(limit.tryTake(10_999)).toBe(false);
    expect(limit.retryAfterMs(10_999)).toBe(1);
    expect(limit.describe(5_000)).toMatch(/At most 5 subscribes in 10 s .* try again in 6 s/);
    expect(limit.tryTake(11_000)).toBe(true);
  });

  it('does not count refused subscribes against the client', () => {
    const limit = new SubscribeRateLimit(2, 1_000);
    expect(limit.tryTake(0)).toBe(true);
    expect(limit.tryTake(0)).toBe(true);
    for (let t = 1; t < 1_000; t += 50) expect(limit.tryTake(t)).toBe(false);
    expect(limit.tryTake(1_000)).toBe(true);
    expect(limit.tryTake(1_000)).toBe(true);
    expect(limit.tryTake(1_000)).toBe(false);
  });
});
