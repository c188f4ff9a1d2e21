import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '@pb/shared';
import { hashSecret, type ApiKeyStore } from './api-keys.js';
import type { ApiKeyInfo } from '@pb/shared';

export const SESSION_COOKIE = 'pb_session';
/** A browser session lasts a working day and a night shift. */
export const SESSION_TTL_SECONDS = 14 * 3600;

/**
 * Browser sessions: the page signs in with a key once and then holds only an
 * httpOnly cookie. The session remembers the key's hash, so revoking the key ends
 * the session too.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly apiKeys: ApiKeyStore,
  ) {}

  async create(secret: string): Promise<string> {
    const id = randomBytes(24).toString('base64url');
    await this.redis.set(this.keys.session(id), hashSecret(secret), 'EX', SESSION_TTL_SECONDS);
    return id;
  }

  async find(id: string): Promise<ApiKeyInfo | null> {
    if (!/^[A-Za-z0-9_-]{10,64}$/.test(id)) return null;
    const hash = await this.redis.get(this.keys.session(id));
    return hash ? this.apiKeys.findByHash(hash) : null;
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.keys.session(id));
  }
}

/** Reads one cookie from a Cookie header without a parser dependency on the socket path. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
