import type { Redis, Result } from 'ioredis';
import { alertSchema, type Alert, type RedisKeys } from '@pb/shared';
import { defineLuaCommand, loadLuaScript } from '@pb/shared/node';

const SCRIPT = loadLuaScript(new URL('./acknowledge-alert.lua', import.meta.url));

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** server/src/alerts/acknowledge-alert.lua: KEYS and ARGV are listed in its header. */
    pbAcknowledgeAlert(alerts: string, seq: string, events: string, seqTimes: string, request: string): Result<string | null, Context>;
  }
}

/** Acknowledges an alert (once); returns null when there is no such alert. */
export async function acknowledgeAlert(redis: Redis, keys: RedisKeys, id: string, by: string): Promise<Alert | null> {
  defineLuaCommand(redis, 'pbAcknowledgeAlert', { numberOfKeys: 4, lua: SCRIPT });
  const now = new Date();
  const request = JSON.stringify({ id, by, at: now.toISOString(), now: now.getTime() });
  const json = await redis.pbAcknowledgeAlert(keys.alerts, keys.seq, keys.events, keys.seqTimes, request);
  return json ? alertSchema.parse(JSON.parse(json)) : null;
}
