import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger } from '@pb/shared/node';
import { startServer, type RunningServer } from '../../server/src/start-server.js';
import { api, deletePrefix, reference, REDIS_URL, testConfig, uniquePrefix } from '../support/test-board.js';

/** SPEC §4: `PB_ADMIN_KEY` is a bootstrap admin key; revoking it must outlive a restart. */
describe('the bootstrap admin key (PB_ADMIN_KEY)', () => {
  const prefix = uniquePrefix('admin-key');
  const config = testConfig(prefix);
  const adminKey = config.adminKey!;
  const logger = createLogger('test', 'silent');
  const redis = new Redis(REDIS_URL);
  const running: RunningServer[] = [];

  async function start(): Promise<string> {
    const server = await startServer(config, reference, logger);
    running.push(server);
    return `http://127.0.0.1:${server.port}`;
  }

  beforeAll(async () => {
    await deletePrefix(redis, prefix);
  });
  afterAll(async () => {
    for (const server of running) await server.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('stays revoked on the next start, while a new PB_ADMIN_KEY works', async () => {
    const first = await start();
    expect((await api(first, adminKey, 'GET', '/keys')).status).toBe(200);
    // Rotation: an admin issues the replacement, then revokes the bootstrap key.
    const replacement = await api(first, adminKey, 'POST', '/keys', { role: 'admin', label: 'Replacement admin' });
    expect(replacement.status).toBe(201);
    const listed = await api(first, replacement.body.key, 'GET', '/keys');
    const bootstrap = listed.body.keys.find((key: { label: string }) => key.label.includes('PB_ADMIN_KEY'));
    expect(bootstrap).toMatchObject({ role: 'admin' });
    expect((await api(first, replacement.body.key, 'DELETE', `/keys/${bootstrap.id}`)).status).toBe(200);
    expect((await api(first, adminKey, 'GET', '/keys')).status).toBe(401);
    await running.pop()!.close();

    // The same PB_ADMIN_KEY on the next start: still revoked, and not issued again.
    const second = await start();
    expect((await api(second, adminKey, 'GET', '/keys')).status).toBe(401);
    expect((await api(second, undefined, 'POST', '/session', { key: adminKey })).status).toBe(401);
    const after = await api(second, replacement.body.key, 'GET', '/keys');
    expect(after.body.keys.filter((key: { role: string; revokedAt?: string }) => key.role === 'admin' && !key.revokedAt)).toHaveLength(1);
    await running.pop()!.close();

    // A new PB_ADMIN_KEY is a new bootstrap admin.
    const rotated = `admin-rotated-${prefix}`;
    const third = await startServer({ ...config, adminKey: rotated }, reference, logger);
    running.push(third);
    expect((await api(`http://127.0.0.1:${third.port}`, rotated, 'GET', '/keys')).status).toBe(200);
  });
});
