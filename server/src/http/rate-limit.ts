import { rateLimit } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Redis } from 'ioredis';
import { sendCommandFor } from '@pb/shared/node';
import { ApiError } from './api-error.js';

/**
 * Per-key rate limit, counted in Redis so it holds across server processes. A
 * one-second window of `perSecond` gives the sustained rate and the burst of SPEC §10.
 */
export function perKeyRateLimit(redis: Redis, prefix: string, perSecond: number) {
  const sendToBoard = sendCommandFor(redis);
  return rateLimit({
    windowMs: 1000,
    limit: perSecond,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => req.caller?.id ?? 'anonymous',
    store: new RedisStore({
      prefix,
      sendCommand: (command: string, ...args: string[]) => sendToBoard(command, ...args) as Promise<RedisReply>,
    }),
    handler: (_req, _res, next, options) => {
      next(new ApiError(429, 'rate_limited', `More than ${options.limit} requests a second from this key; slow down.`, undefined, { 'Retry-After': '1' }));
    },
  });
}
