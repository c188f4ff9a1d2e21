import type { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from './api-error.js';

export interface UpdateRateLimitOptions {
  /** Updates a key may queue each second, sustained. */
  perSecond: number;
  /** Updates a key may queue above that in a burst, refilled over `burst / perSecond` seconds. */
  burst: number;
  /** Redis key prefix (inside the board's hash tag). */
  keyPrefix: string;
}

/**
 * The per-key limit on updates queued (SPEC §11): the request limit alone would let
 * one key queue 200 requests × 10,000 rows a second. Counted in Redis, so it holds
 * across server processes; a post is counted whole, before anything is queued.
 */
export class UpdateRateLimit {
  private readonly limiter: RateLimiterRedis | BurstyRateLimiter;

  constructor(redis: Redis, private readonly options: UpdateRateLimitOptions) {
    const sustained = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.keyPrefix}:s`, points: options.perSecond, duration: 1, rejectIfRedisNotReady: true });
    this.limiter =
      options.burst > 0
        ? new BurstyRateLimiter(
            sustained,
            new RateLimiterRedis({ storeClient: redis, keyPrefix: `${options.keyPrefix}:b`, points: options.burst, duration: Math.max(1, Math.ceil(options.burst / options.perSecond)), rejectIfRedisNotReady: true }),
          )
        : sustained;
  }

  /** Counts `updates` against the key, or throws 429 with `Retry-After`. */
  async consume(keyId: string, updates: number): Promise<void> {
    try {
      await this.limiter.consume(keyId, updates);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        `This key may queue ${this.options.perSecond.toLocaleString('en-GB')} updates a second (bursts of ${this.options.burst.toLocaleString('en-GB')}); these ${updates.toLocaleString('en-GB')} would pass that. Try again in ${retryAfter} s.`,
        undefined,
        { 'Retry-After': String(retryAfter) },
      );
    }
  }
}
