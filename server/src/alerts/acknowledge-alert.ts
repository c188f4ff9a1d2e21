import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { alertSchema, type Alert, type RedisKeys } from '@pb/shared';

const SCRIPT = readFileSync(new URL('./acknowledge-alert.lua', import.meta.url), 'utf8');

/** Acknowledges an alert (once); returns null when there is no such alert. */
export async function acknowledgeAlert(redis: Redis, keys: RedisKeys, id: string, by: string): Promise<Alert | null> {
  const now = new Date();
  const json = (await redis.eval(SCRIPT, 4, keys.alerts, keys.seq, keys.events, keys.seqTimes, id, by, now.toISOString(), String(now.getTime()))) as string | null;
  return json ? alertSchema.parse(JSON.parse(json)) : null;
}
