import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@pb/shared/node';
import { eventually } from './test-board.js';

/**
 * A Redis of a test's own, on a free port with its data in a temporary directory and
 * its append-only file on (synced at every write), that the test stops and starts
 * again with its data, as a Redis restart or maintenance does.
 *
 * @example
 * const redis = await PrivateRedis.launch();
 * await redis.stop();
 * await redis.start();
 * await redis.remove();
 */
export class PrivateRedis {
  #child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** A new Redis, started. */
  static async launch(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), 'pb-redis-')));
    try {
      await redis.start();
    } catch (error) {
      await redis.remove();
      throw error;
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server on its data; resolves once it answers PING. */
  async start(): Promise<void> {
    this.#child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    await eventually(async () => {
      const probe = spawn('redis-cli', ['-p', String(this.port), 'ping'], { stdio: 'ignore' });
      return new Promise<boolean>((resolve) => probe.on('exit', (code) => resolve(code === 0)));
    }, 15_000, 'redis to start');
  }

  /** Stops the server (SIGTERM, so it exits as in maintenance); its data stays. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Stops the server and deletes its data. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
