import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createLogger } from '@pb/shared/node';
import { startServer, type RunningServer } from '../../server/src/start-server.js';
import { startWorkers, type RunningWorkers } from '../../workers/src/start-workers.js';
import { api, connectBoard, deletePrefix, eventually, reference, REDIS_URL, subscribe, testConfig, uniquePrefix, waitForUpdate, type BoardClient } from '../support/test-board.js';

/** The value of one sample line (`name{labels} value`) of a Prometheus text exposition. */
function sample(text: string, nameAndLabels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${nameAndLabels} `));
  return line === undefined ? undefined : Number(line.slice(nameAndLabels.length + 1));
}

describe('metrics from servers and workers (SPEC §15)', () => {
  const prefix = uniquePrefix('metrics');
  const config = testConfig(prefix);
  const logger = createLogger('test', 'silent');
  const redis = new Redis(REDIS_URL);
  const note = `note-that-must-not-leak-${prefix}`;
  let server: RunningServer;
  let workers: RunningWorkers;
  let url: string;
  let socket: BoardClient;

  beforeAll(async () => {
    workers = await startWorkers(config, reference, logger, { metricsPort: 0 });
    server = await startServer(config, reference, logger);
    url = `http://127.0.0.1:${server.port}`;
    socket = await connectBoard(url, config.adminKey!);
    await subscribe(socket);
  });
  afterAll(async () => {
    socket?.close();
    await server?.close();
    await workers?.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('reports queue depth, job durations, POST → event latency, events and sockets, and no notes or keys', async () => {
    const label = `metrics key ${prefix}`;
    const trustKey = await api(url, config.adminKey, 'POST', '/keys', { role: 'trust', label, trusts: ['RHU'] });
    const statusEvent = new Promise((resolve) => socket.once('status', resolve));
    const posted = await api(url, trustKey.body.key, 'POST', '/updates', { site: 'RHU03', opel: 3, note });
    expect(posted.status).toBe(202);
    await waitForUpdate({ url, adminKey: config.adminKey! }, posted.body.updates[0].id);
    await statusEvent;

    const serverText = await eventually(async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return (sample(text, 'pb_post_to_event_seconds_count') ?? 0) >= 1 ? text : null;
    }, 5_000, 'a POST → event observation');
    expect(sample(serverText, 'pb_queue_jobs{queue="updates",state="waiting"}')).toBe(0);
    expect(sample(serverText, 'pb_queue_jobs{queue="notifications",state="failed"}')).toBe(0);
    expect(sample(serverText, 'pb_events_published_total{kind="status"}')).toBeGreaterThanOrEqual(1);
    expect(sample(serverText, 'pb_board_sockets')).toBe(1);
    expect(serverText).toContain('pb_notification_deliveries');

    const workerResponse = await fetch(`http://127.0.0.1:${workers.metricsPort}/metrics`);
    expect(workerResponse.status).toBe(200);
    const workerText = await workerResponse.text();
    expect(sample(workerText, 'pb_job_duration_seconds_count{queue="updates",outcome="completed"}')).toBeGreaterThanOrEqual(1);
    expect(sample(workerText, 'pb_queue_jobs{queue="updates",state="active"}')).toBeDefined();
    expect((await fetch(`http://127.0.0.1:${workers.metricsPort}/other`)).status).toBe(404);

    for (const text of [serverText, workerText]) {
      expect(text).not.toContain(note);
      expect(text).not.toContain(label);
      expect(text).not.toContain(trustKey.body.key);
      expect(text).not.toContain(config.adminKey);
    }
  });
});
