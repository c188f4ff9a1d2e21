import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@pb/shared/node';
import { eventually } from './test-board.js';

/** A real Redis Cluster of three masters on this machine, for one test file. */
export interface RedisCluster {
  /** The product's `REDIS_URL` for it: `redis+cluster://127.0.0.1:A,127.0.0.1:B,127.0.0.1:C`. */
  url: string;
  ports: number[];
  /** Stops every node and removes their files. */
  stop(): Promise<void>;
}

/** Runs `redis-cli` and resolves with what it printed, or rejects with it on a non-zero exit. */
async function redisCli(args: string[]): Promise<string> {
  const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`redis-cli ${args.join(' ')} exited ${code}: ${output}`);
  return output;
}

async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts three `redis-server --cluster-enabled yes` nodes (append-only file on,
 * `noeviction`, as the product demands) in a temporary directory, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0`, and waits for `cluster_state:ok`
 * on every node. The cluster bus ports are chosen free too, not port + 10000.
 */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-redis-cluster-'));
  const nodes: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(nodes.map(stopNode));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < masters; index++) {
      const port = await freePort();
      const busPort = await freePort();
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      ports.push(port);
      const child = spawn(
        'redis-server',
        [
          '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--dir', nodeDir,
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000',
          '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction',
        ],
        { stdio: 'ignore' },
      );
      nodes.push(child);
      await eventually(() => redisCli(['-p', String(port), 'ping']).then((reply) => reply.includes('PONG'), () => false), 15_000, `cluster node ${port} to answer`);
    }
    await redisCli(['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await eventually(() => redisCli(['-p', String(port), 'cluster', 'info']).then((info) => info.includes('cluster_state:ok'), () => false), 30_000, `cluster_state:ok on ${port}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, stop };
}
