import type { Redis } from 'ioredis';
import type { RedisKeys } from '@pb/shared';

/** Audit entries kept (approximately: Redis trims the stream in whole nodes). */
const AUDIT_KEPT = 100_000;

export interface AuditEntry {
  actor: string;
  actorKeyId: string;
  action: 'key.created' | 'key.revoked' | 'session.started' | 'session.refused' | 'alert.acknowledged' | 'derogation.created' | 'derogation.changed' | 'subscription.created' | 'subscription.deleted';
  target: string;
  detail?: string;
}

/**
 * Changes that are not status updates (those keep their actor in each site's history)
 * are written to an append-only audit stream, so every change has an actor (SPEC §9).
 */
export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.redis.xadd(this.keys.audit, 'MAXLEN', '~', String(AUDIT_KEPT), '*', 'entry', JSON.stringify({ at: new Date().toISOString(), ...entry }));
  }

  /** Newest first. */
  async recent(limit: number): Promise<(AuditEntry & { at: string })[]> {
    const rows = (await this.redis.xrevrange(this.keys.audit, '+', '-', 'COUNT', limit)) as [string, string[]][];
    return rows.map(([, fields]) => JSON.parse(fields[1] ?? '{}'));
  }
}
