import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ApiKeyInfo, KeyCreate, Me, RedisKeys } from '@pb/shared';

export interface StoredKey extends ApiKeyInfo {
  hash: string;
}

/** Keys are random 192-bit secrets, so a fast hash is enough to keep them safe at rest. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function newSecret(): string {
  return `pb_${randomBytes(24).toString('base64url')}`;
}

export function toMe(key: Me): Me {
  return {
    id: key.id,
    role: key.role,
    label: key.label,
    ...(key.trusts ? { trusts: key.trusts } : {}),
    ...(key.regions ? { regions: key.regions } : {}),
  };
}

function publicInfo({ hash: _hash, ...info }: StoredKey): ApiKeyInfo {
  return info;
}

/**
 * API keys, stored hashed. `key-hashes` maps a secret's hash to its record so each
 * request costs one lookup; revoking removes that entry, so it stops working at once.
 */
export class ApiKeyStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async create(request: KeyCreate, secret = newSecret()): Promise<ApiKeyInfo & { key: string }> {
    const record: StoredKey = {
      id: `k_${randomBytes(6).toString('hex')}`,
      role: request.role,
      label: request.label,
      ...(request.trusts ? { trusts: [...new Set(request.trusts)] } : {}),
      ...(request.regions ? { regions: [...new Set(request.regions)] } : {}),
      createdAt: new Date().toISOString(),
      hash: hashSecret(secret),
    };
    const json = JSON.stringify(record);
    await this.redis.multi().hset(this.keys.apiKeys, record.id, json).hset(this.keys.apiKeyHashes, record.hash, json).exec();
    return { ...publicInfo(record), key: secret };
  }

  /** The key a secret belongs to, or null when unknown or revoked. */
  async findBySecret(secret: string): Promise<ApiKeyInfo | null> {
    return this.findByHash(hashSecret(secret));
  }

  async findByHash(hash: string): Promise<ApiKeyInfo | null> {
    const json = await this.redis.hget(this.keys.apiKeyHashes, hash);
    return json ? publicInfo(JSON.parse(json) as StoredKey) : null;
  }

  /** The keys with these ids (revoked ones included), by id; unknown ids are left out. */
  async byIds(ids: Iterable<string>): Promise<Map<string, ApiKeyInfo>> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return new Map();
    const records = await this.redis.hmget(this.keys.apiKeys, ...wanted);
    const found = new Map<string, ApiKeyInfo>();
    wanted.forEach((id, index) => {
      const json = records[index];
      if (json) found.set(id, publicInfo(JSON.parse(json) as StoredKey));
    });
    return found;
  }

  async list(): Promise<ApiKeyInfo[]> {
    const all = await this.redis.hvals(this.keys.apiKeys);
    return all.map((json) => publicInfo(JSON.parse(json) as StoredKey)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes a key; returns null when there is no such key. */
  async revoke(id: string): Promise<ApiKeyInfo | null> {
    const json = await this.redis.hget(this.keys.apiKeys, id);
    if (!json) return null;
    const record = JSON.parse(json) as StoredKey;
    if (!record.revokedAt) record.revokedAt = new Date().toISOString();
    // The tombstone keeps the secret from being issued again, as PB_ADMIN_KEY on the next start.
    await this.redis
      .multi()
      .hset(this.keys.apiKeys, id, JSON.stringify(record))
      .hdel(this.keys.apiKeyHashes, record.hash)
      .sadd(this.keys.revokedKeyHashes, record.hash)
      .exec();
    return publicInfo(record);
  }

  /** Whether this secret belonged to a key that has been revoked. */
  async wasRevoked(secret: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.revokedKeyHashes, hashSecret(secret))) === 1;
  }

  /** Which of these key ids no longer work; used to drop their live sockets. */
  async revokedAmong(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const records = await this.redis.hmget(this.keys.apiKeys, ...ids);
    return new Set(ids.filter((id, index) => {
      const json = records[index];
      return !json || Boolean((JSON.parse(json) as StoredKey).revokedAt);
    }));
  }

  /**
   * Makes sure an admin key exists. With `PB_ADMIN_KEY` that key is the admin key, unless
   * it has been revoked: revocation sticks across restarts (rotate it by setting a new
   * value). Without it, the first start of a board creates one and returns it so it can
   * be printed once. Returns null when nothing new was created.
   */
  async ensureBootstrapAdmin(adminKey: string | undefined): Promise<string | null> {
    if (adminKey) {
      if (!(await this.findBySecret(adminKey)) && !(await this.wasRevoked(adminKey))) {
        await this.create({ role: 'admin', label: 'Bootstrap admin (PB_ADMIN_KEY)' }, adminKey);
      }
      return null;
    }
    // SET NX makes one process create it even when several start at once.
    const first = await this.redis.set(this.keys.bootstrap, new Date().toISOString(), 'NX');
    if (first !== 'OK') return null;
    const created = await this.create({ role: 'admin', label: 'Bootstrap admin' });
    return created.key;
  }
}
