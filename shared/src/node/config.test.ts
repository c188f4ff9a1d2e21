import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration from the environment', () => {
  it('has sensible defaults', () => {
    expect(loadConfig({})).toMatchObject({ port: 3000, keyPrefix: 'pb', staleAfterMinutes: 360, rateLimitPerSecond: 200, redisUrl: 'redis://127.0.0.1:6379' });
  });

  it('says what is wrong with each bad variable', () => {
    const attempt = () => loadConfig({ PORT: 'abc', PB_KEY_PREFIX: 'bad prefix', PB_RATE_LIMIT: '10', REDIS_URL: 'localhost:6379' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: must be a port number/);
    expect(attempt).toThrow(/PB_KEY_PREFIX: may hold only/);
    expect(attempt).toThrow(/PB_RATE_LIMIT: must be at least 50/);
    expect(attempt).toThrow(/REDIS_URL: must be a redis:\/\//);
  });

  it('requires REDIS_URL for processes that cannot start their own Redis', () => {
    expect(() => loadConfig({}, { requireRedisUrl: true })).toThrow(/REDIS_URL is required/);
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6380' }, { requireRedisUrl: true }).redisUrl).toBe('redis://10.0.0.5:6380');
  });
});
