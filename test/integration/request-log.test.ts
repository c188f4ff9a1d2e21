import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../server/src/start-server.js';
import { startWorkers, type RunningWorkers } from '../../workers/src/start-workers.js';
import { deletePrefix, eventually, reference, REDIS_URL, testConfig, uniquePrefix, waitForUpdate } from '../support/test-board.js';

/** A real pino logger whose JSON lines the test can read back. */
function capturingLogger(name: string) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: pino({ name, level: 'debug' }, stream), lines, raw };
}

describe('structured request logs (pino-http) and the request id into the workers', () => {
  const prefix = uniquePrefix('request-log');
  const config = testConfig(prefix);
  const serverLog = capturingLogger('server');
  const workerLog = capturingLogger('workers');
  const redis = new Redis(REDIS_URL);
  let server: RunningServer;
  let workers: RunningWorkers;
  let url: string;

  beforeAll(async () => {
    workers = await startWorkers(config, reference, workerLog.logger);
    server = await startServer(config, reference, serverLog.logger);
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
    await workers?.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  const post = (headers: Record<string, string>) =>
    fetch(`${url}/api/v1/updates`, { method: 'POST', headers: { authorization: `Bearer ${config.adminKey}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ site: 'RHU03', opel: 2 }) });

  it('logs one line per request with request id, key id, route, status and duration, and never the key', async () => {
    const me = await (await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${config.adminKey}` } })).json();
    const response = await post({ 'x-request-id': 'trace-2026-abc.1' });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-request-id')).toBe('trace-2026-abc.1');
    const line = await eventually(() => serverLog.lines.find((l) => l.requestId === 'trace-2026-abc.1'), 5_000, 'the request log line');
    expect(line).toMatchObject({ keyId: me.id, route: '/api/v1/updates', res: { statusCode: 202 }, req: { method: 'POST', url: '/api/v1/updates' } });
    expect(typeof line.durationMs).toBe('number');
    expect(JSON.stringify(line)).not.toMatch(/authorization|cookie/i);
    expect(serverLog.raw.join('\n')).not.toContain(config.adminKey);
  });

  it('carries the request id into the job and the worker’s log line for it', async () => {
    const response = await post({ 'x-request-id': 'trace-into-worker-7' });
    const { updates } = await response.json();
    await waitForUpdate({ url, adminKey: config.adminKey! }, updates[0].id);
    const jobLine = await eventually(() => workerLog.lines.find((l) => l.requestId === 'trace-into-worker-7' && l.msg === 'job completed'), 5_000, 'the worker’s job line');
    expect(jobLine).toMatchObject({ queue: 'updates' });
    expect(workerLog.raw.join('\n')).not.toContain(config.adminKey);
  });

  it('replaces an insane incoming id, and makes one when there is none', async () => {
    const forged = await post({ 'x-request-id': 'x"} {"level":60 forged' });
    const made = forged.headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    const none = await post({});
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers.get('x-request-id')).not.toBe(made);
    // Errors are logged too, as warnings, with the route that refused them.
    const refused = await fetch(`${url}/api/v1/keys`, { headers: { authorization: 'Bearer not-a-key' } });
    expect(refused.status).toBe(401);
    const id = refused.headers.get('x-request-id');
    const line = await eventually(() => serverLog.lines.find((l) => l.requestId === id), 5_000, 'the 401 line');
    expect(line).toMatchObject({ level: 40, res: { statusCode: 401 } });
    expect(serverLog.raw.join('\n')).not.toContain('not-a-key');
  });
});
