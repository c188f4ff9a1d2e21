import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { meSchema, ROLES, type ApiKeyInfo, type Me, type RedisKeys, type Role } from '@pb/shared';
import { hashSecret, toMe, type ApiKeyStore } from './api-keys.js';

export { readCookie, readSessionId, SESSION_COOKIE } from './session-cookie.js';

/** How long a browser session lives: renewed by use, never beyond `maxSeconds` after sign-in. */
export interface SessionLifetime {
  /** A session unused for this long ends. */
  idleSeconds: number;
  /** A session ends this long after sign-in, however much it is used. */
  maxSeconds: number;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * SPEC §12. People's keys get a working day and a night shift at most, and end after a
 * shift unused; a display key's session runs a wallboard for weeks (its socket renews
 * it), and survives a long weekend with the screen switched off.
 */
export const SESSION_LIFETIMES: Readonly<Record<Role, SessionLifetime>> = {
  trust: { idleSeconds: 8 * HOUR, maxSeconds: 14 * HOUR },
  director: { idleSeconds: 8 * HOUR, maxSeconds: 14 * HOUR },
  admin: { idleSeconds: 8 * HOUR, maxSeconds: 14 * HOUR },
  display: { idleSeconds: 7 * DAY, maxSeconds: 90 * DAY },
};

/**
 * A session is renewed at most once a minute: every authenticated request would
 * otherwise cost a Redis write, and a minute is nothing against an idle window of hours.
 */
const RENEW_EVERY_MS = 60_000;

/** Session ids are 24 random bytes in base64url; anything else is not looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{32}$/;

const timesSchema = z.object({
  role: z.enum(ROLES),
  startedAt: z.number(),
  renewedAt: z.number(),
});
/** A session opened with a key: the key is looked up on each use, so revoking it ends the session. */
const keySessionSchema = timesSchema.extend({ keyHash: z.string() });
/**
 * A session opened by single sign-on: the person and what their claims granted at
 * sign-in (no key stands behind it), and the ID token for signing out at the provider.
 */
const ssoSessionSchema = timesSchema.extend({
  user: meSchema.omit({ role: true }),
  idToken: z.string().optional(),
});
const sessionRecordSchema = z.union([keySessionSchema, ssoSessionSchema]);
type SessionRecord = z.infer<typeof sessionRecordSchema>;

/** Who a session speaks for. */
export interface SessionIdentity {
  me: Me;
  /** The key it was opened with; absent for single sign-on, which no key revocation ends. */
  keyId?: string;
}

/** What a signed-out session was, for signing out at the identity provider too. */
export interface EndedSession {
  singleSignOn: boolean;
  idToken?: string;
}

export interface SessionStoreOptions {
  /** The clock, in ms since the epoch (tests move it to see a session age). */
  now?: () => number;
  lifetimes?: Readonly<Record<Role, SessionLifetime>>;
}

/**
 * Browser sessions: the page signs in with a key, or by single sign-on, once and then
 * holds only an httpOnly cookie. A key's session remembers the key's hash, so revoking
 * the key ends it too; a single sign-on session holds the person and what they were
 * granted. Each session is one Redis string whose TTL is its idle deadline (capped by
 * its absolute one), so ended sessions leave nothing behind.
 *
 * @example
 * const { id } = await sessions.create(secret, key);
 * await sessions.find(id); // { me, keyId }, and the session renewed
 */
export class SessionStore {
  private readonly now: () => number;
  private readonly lifetimes: Readonly<Record<Role, SessionLifetime>>;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly apiKeys: ApiKeyStore,
    options: SessionStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.lifetimes = options.lifetimes ?? SESSION_LIFETIMES;
  }

  /** The lifetime of a session of this role. */
  lifetimeOf(role: Role): SessionLifetime {
    return this.lifetimes[role];
  }

  /** Opens a session for a key already checked; `maxAgeSeconds` is for the cookie. */
  async create(secret: string, key: Pick<ApiKeyInfo, 'role'>): Promise<{ id: string; maxAgeSeconds: number }> {
    const now = this.now();
    return this.open({ keyHash: hashSecret(secret), role: key.role, startedAt: now, renewedAt: now });
  }

  /**
   * Opens a session for a person signed in by their organisation's identity provider,
   * with the role and scopes their claims granted. It lives by the same rules as a
   * key's session of that role.
   */
  async createForUser(user: Me, idToken?: string): Promise<{ id: string; maxAgeSeconds: number }> {
    const now = this.now();
    const { role, ...rest } = toMe(user);
    return this.open({ user: rest, role, startedAt: now, renewedAt: now, ...(idToken ? { idToken } : {}) });
  }

  private async open(record: SessionRecord): Promise<{ id: string; maxAgeSeconds: number }> {
    const id = randomBytes(24).toString('base64url');
    await this.redis.set(this.keys.session(id), JSON.stringify(record), 'PX', Math.max(1, this.remainingMs(record, record.startedAt)));
    return { id, maxAgeSeconds: this.lifetimes[record.role].maxSeconds };
  }

  /**
   * Who a live session speaks for, renewing the session; null when it has ended or its
   * key was revoked.
   */
  async find(id: string): Promise<SessionIdentity | null> {
    const record = await this.renew(id);
    if (!record) return null;
    if ('keyHash' in record) {
      const key = await this.apiKeys.findByHash(record.keyHash);
      return key ? { me: toMe(key), keyId: key.id } : null;
    }
    return { me: toMe({ ...record.user, role: record.role }) };
  }

  /**
   * Renews a session in use (a live socket calls this); false once it has ended. Does
   * not look at the key: `ApiKeyStore.revokedAmong` tells revoked keys apart.
   */
  async touch(id: string): Promise<boolean> {
    return (await this.renew(id)) !== null;
  }

  /**
   * Which of these sessions are still open, in one round trip; the live side drops the
   * sockets of the others (signed out or expired).
   */
  async existing(ids: Iterable<string>): Promise<Set<string>> {
    const wanted = [...new Set(ids)].filter((id) => SESSION_ID.test(id));
    if (wanted.length === 0) return new Set();
    const values = await this.redis.mget(wanted.map((id) => this.keys.session(id)));
    const now = this.now();
    return new Set(wanted.filter((_id, index) => {
      const record = parseRecord(values[index]);
      return record !== null && this.remainingMs(record, now) > 0;
    }));
  }

  /** Ends a session (signing out); says what it was, or null when there was none. */
  async destroy(id: string): Promise<EndedSession | null> {
    if (!SESSION_ID.test(id)) return null;
    const record = parseRecord(await this.redis.getdel(this.keys.session(id)));
    if (!record) return null;
    if ('keyHash' in record) return { singleSignOn: false };
    return { singleSignOn: true, ...(record.idToken ? { idToken: record.idToken } : {}) };
  }

  /** The session's record when it is still open, renewed when due. */
  private async renew(id: string): Promise<SessionRecord | null> {
    if (!SESSION_ID.test(id)) return null;
    const key = this.keys.session(id);
    const record = parseRecord(await this.redis.get(key));
    if (!record) return null;
    const now = this.now();
    if (this.remainingMs(record, now) <= 0) return null;
    if (now - record.renewedAt >= RENEW_EVERY_MS) {
      const renewed: SessionRecord = { ...record, renewedAt: now };
      // XX: a session signed out meanwhile is not brought back.
      await this.redis.set(key, JSON.stringify(renewed), 'PX', this.remainingMs(renewed, now), 'XX');
      return renewed;
    }
    return record;
  }

  /** Time left before the idle or the absolute deadline, whichever comes first. */
  private remainingMs(record: SessionRecord, now: number): number {
    const lifetime = this.lifetimes[record.role];
    const deadline = Math.min(record.renewedAt + lifetime.idleSeconds * 1000, record.startedAt + lifetime.maxSeconds * 1000);
    return Math.floor(deadline - now);
  }
}

function parseRecord(json: string | null | undefined): SessionRecord | null {
  if (!json) return null;
  try {
    const parsed = sessionRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    // A value from before sessions were records (a bare key hash) is an ended session.
    return null;
  }
}
