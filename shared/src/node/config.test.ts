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

  it('trusts the proxies PB_TRUST_PROXY names: loopback by default, a hop count, or addresses and ranges', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ PB_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ PB_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
    const attempt = () => loadConfig({ PB_TRUST_PROXY: 'loopback, caddy, 10.0.0.0/33' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PB_TRUST_PROXY: must be a number of proxies.* not "caddy", "10.0.0.0\/33"/);
  });

  it('requires REDIS_URL for processes that cannot start their own Redis', () => {
    expect(() => loadConfig({}, { requireRedisUrl: true })).toThrow(/REDIS_URL is required/);
    expect(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6380' }, { requireRedisUrl: true }).redisUrl).toBe('redis://10.0.0.5:6380');
  });
});
