/**
 * Deliveries survive a worker killed outright (SPEC §14): a workers process is killed
 * with SIGKILL while its deliveries are still being retried, an alert event is
 * published while no workers process runs at all, and a new process delivers all of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisKeys } from '@pb/shared';
import { api, eventually, REDIS_URL, startTestBoard, type TestBoard } from '../support/test-board.js';
import { HttpReceiver, type ReceivedRequest } from '../support/notification-receivers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUBSCRIPTIONS = 5;

function startWorkersProcess(prefix: string): { child: ChildProcess; output: string[]; exited: Promise<void> } {
  const env = { ...process.env, REDIS_URL, PB_KEY_PREFIX: prefix, PB_WEBHOOK_ALLOW_PRIVATE: '1', PB_WEBHOOK_ALLOW_HTTP: '1', LOG_LEVEL: 'warn' };
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['workers/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
}

describe('notifications across a worker killed with SIGKILL', () => {
  let board: TestBoard;
  let receiver: HttpReceiver;
  let redis: Redis;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    // The server runs here; the workers run as a child process this test can kill.
    board = await startTestBoard({ webhookAllowPrivate: true, webhookAllowHttp: true }, { workers: false });
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await board?.close();
    await Promise.all([receiver?.close(), redis?.quit()]);
  });

  /** The workers are following alert events once their consumer group exists. */
  async function waitForConsumerGroup(): Promise<void> {
    const events = redisKeys(board.prefix).events;
    await eventually(async () => {
      const groups = await redis.xinfo('GROUPS', events).catch(() => []);
      return Array.isArray(groups) && groups.length > 0;
    }, 30_000, 'the workers to follow the event stream');
  }

  const delivered = (requests: ReceivedRequest[], type: string) => requests.some((r) => r.json?.type === type && r.answered === 200);

  it('loses no delivery: retries in flight and events published while no worker ran are all delivered by the next process', async () => {
    let receiverUp = false;
    const paths = Array.from({ length: SUBSCRIPTIONS }, (_, i) => `/k${i}`);
    for (const path of paths) receiver.respond(path, () => ({ status: receiverUp ? 200 : 500 }));
    const ids: string[] = [];
    for (const path of paths) {
      const created = await api(board.url, board.adminKey, 'POST', '/subscriptions', { label: path, channel: 'webhook', target: receiver.url(path), kinds: ['critical_incident'] });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }

    const first = startWorkersProcess(board.prefix);
    children.push(first.child);
    await waitForConsumerGroup();
    const posted = await api(board.url, board.adminKey, 'POST', '/updates', { site: 'RGT01', incident: { level: 'critical', reason: 'cyber attack' } });
    expect(posted.status).toBe(202);
    // Every receiver has been tried (and answered 500): the deliveries are now being retried.
    for (const path of paths) await receiver.waitFor(path, (requests) => requests.length >= 1, 30_000);

    first.child.kill('SIGKILL');
    await first.exited;
    const alerts = (await api(board.url, board.adminKey, 'GET', '/alerts')).body.alerts as { id: string; site: string }[];
    const alert = alerts.find((a) => a.site === 'RGT01')!;
    // Published while no workers process runs: it waits in the stream for the group.
    expect((await api(board.url, board.adminKey, 'POST', `/alerts/${alert.id}/ack`)).status).toBe(200);

    receiverUp = true;
    const second = startWorkersProcess(board.prefix);
    children.push(second.child);
    for (const path of paths) {
      const requests = await receiver.waitFor(path, (all) => delivered(all, 'alert.raised') && delivered(all, 'alert.acknowledged'), 45_000);
      const raised = requests.filter((r) => r.json.type === 'alert.raised');
      // Still the one delivery, tried again under the same id.
      expect(new Set(raised.map((r) => r.headers['x-pb-delivery'])).size).toBe(1);
      expect(raised[0]!.json.alert.id).toBe(alert.id);
    }
    for (const id of ids) {
      const log = await eventually(async () => {
        const entries = (await api(board.url, board.adminKey, 'GET', `/subscriptions/${id}/deliveries`)).body.deliveries as { type: string; state: string }[];
        return entries.length === 2 && entries.every((entry) => entry.state === 'delivered') ? entries : null;
      }, 10_000, `both deliveries of ${id} logged as delivered`);
      expect(log.map((entry) => entry.type).sort()).toEqual(['alert.acknowledged', 'alert.raised']);
    }
    expect(second.child.exitCode).toBeNull();
  }, 120_000);
});
