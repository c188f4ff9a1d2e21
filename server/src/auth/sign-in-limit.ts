import { rateLimit } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import { sendCommandFor } from '@pb/shared/node';
import { ApiError } from '../http/api-error.js';

/** SPEC §11 default: 10 failed sign-ins a minute from one client address. */
export const SIGN_IN_FAILURES_PER_MINUTE = 10;

/**
 * Limits failed sign-ins per client address, so keys cannot be guessed at speed and
 * failures cannot flood the audit stream. Only failures count (`skipSuccessfulRequests`):
 * staff signing in on a shared address are never held back by each other's successes.
 * Counted in Redis under the board's prefix, so the limit holds across server processes;
 * each counter expires with its one-minute window. Beyond the limit: 429 with
 * `Retry-After` (the seconds left in the window).
 */
export function signInFailureLimit(redis: Redis, prefix: string, failuresPerMinute = SIGN_IN_FAILURES_PER_MINUTE) {
  const sendToBoard = sendCommandFor(redis);
  return rateLimit({
    windowMs: 60_000,
    limit: failuresPerMinute,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: 'sign-in',
    store: new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) => sendToBoard(command, ...args) as Promise<RedisReply>,
    }),
    handler: (_req, _res, next, options) => {
      next(new ApiError(429, 'rate_limited', `More than ${options.limit} failed sign-ins a minute from this address; wait before trying again.`));
    },
  });
}
