import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisKeys } from '@pb/shared';
import type { PendingSignIn } from './oidc-client.js';

/** How long a person has to sign in at the provider before the board forgets the attempt. */
export const SIGN_IN_FLOW_SECONDS = 600;

/** Flow ids are 24 random bytes in base64url; anything else is not looked up. */
const FLOW_ID = /^[A-Za-z0-9_-]{32}$/;

const pendingSchema = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() });

/**
 * Sign-ins under way, kept in Redis (so any server process can finish one) under a
 * random id that only the browser that started it holds, in a cookie. Each is read at
 * most once and expires after {@link SIGN_IN_FLOW_SECONDS}: a callback replayed, or
 * sent to someone else's browser, finds nothing.
 */
export class OidcFlowStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async save(pending: PendingSignIn): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await this.redis.set(this.keys.oidcFlow(id), JSON.stringify(pending), 'EX', SIGN_IN_FLOW_SECONDS);
    return id;
  }

  /** The sign-in under this id, removed as it is read; null when unknown, used or expired. */
  async take(id: string | undefined): Promise<PendingSignIn | null> {
    if (id === undefined || !FLOW_ID.test(id)) return null;
    const json = await this.redis.getdel(this.keys.oidcFlow(id));
    if (!json) return null;
    try {
      const parsed = pendingSchema.safeParse(JSON.parse(json));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
