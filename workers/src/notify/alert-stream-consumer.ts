import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { alertSchema, type Alert, type RedisKeys } from '@pb/shared';
import type { Logger } from '@pb/shared/node';

/** The consumer group every workers process shares: each stream entry goes to one of them. */
export const NOTIFY_CONSUMER_GROUP = 'notifications';

const entriesSchema = z.array(z.tuple([z.string(), z.array(z.string()).nullable()]));
const readReplySchema = z.array(z.tuple([z.string(), entriesSchema])).nullable();
const claimReplySchema = z.tuple([z.string(), entriesSchema]).rest(z.unknown());
const consumersReplySchema = z.array(z.array(z.union([z.string(), z.number()])));

type StreamEntry = z.infer<typeof entriesSchema>[number];

export interface AlertStreamConsumerOptions {
  /** A connection of its own: it blocks on XREADGROUP. */
  redis: Redis;
  keys: RedisKeys;
  logger: Logger;
  /** Called once per alert event, in stream order; the entry is acknowledged only after it resolves. */
  onAlert: (seq: number, alert: Alert) => Promise<void>;
  /** An entry another consumer read this long ago without acknowledging it is taken over. */
  claimIdleMs?: number;
  /** How often to look for such entries. */
  claimEveryMs?: number;
}

/** Consumers idle this long with nothing pending are forgotten (dead processes). */
const FORGET_CONSUMERS_AFTER_MS = 3600_000;
const READ_COUNT = 200;

function isNoGroupError(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOGROUP');
}

/**
 * Reads the board's event stream for notifications through a Redis consumer group
 * (XREADGROUP + XACK), so that with any number of workers processes each alert event
 * is handled once, and an event read by a process that died before acknowledging it
 * is taken over by another (XAUTOCLAIM) — nothing is lost across worker or Redis
 * restarts (the group's position lives in the stream, in the append-only file).
 *
 * The group starts at the end of the stream the first time it is created: a new board
 * does not notify about alerts from before notifications existed.
 */
export class AlertStreamConsumer {
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly claimIdleMs: number;
  private readonly claimEveryMs: number;
  private nextClaim = 0;
  private nextForget = 0;

  constructor(private readonly options: AlertStreamConsumerOptions) {
    this.claimIdleMs = options.claimIdleMs ?? 15_000;
    this.claimEveryMs = options.claimEveryMs ?? 5_000;
  }

  async start(): Promise<void> {
    await this.ensureGroup();
    this.running = true;
    this.loop = this.follow();
  }

  /** Stops reading; an entry already read but not handled stays pending and is claimed by another consumer. */
  async stop(): Promise<void> {
    this.running = false;
    // A blocked XREADGROUP returns within its BLOCK time; disconnecting ends it at once.
    this.options.redis.disconnect();
    await this.loop;
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.options.redis.xgroup('CREATE', this.options.keys.events, NOTIFY_CONSUMER_GROUP, '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('BUSYGROUP'))) throw error;
    }
  }

  private async follow(): Promise<void> {
    const { redis, keys, logger } = this.options;
    while (this.running) {
      try {
        if (Date.now() >= this.nextClaim) {
          await this.claimAbandoned();
          this.nextClaim = Date.now() + this.claimEveryMs;
        }
        const reply = readReplySchema.parse(
          await redis.xreadgroup('GROUP', NOTIFY_CONSUMER_GROUP, this.consumer, 'COUNT', READ_COUNT, 'BLOCK', Math.min(2000, this.claimEveryMs), 'STREAMS', keys.events, '>'),
        );
        if (reply?.[0]) await this.handle(reply[0][1]);
      } catch (error) {
        if (!this.running) break;
        if (isNoGroupError(error)) {
          // The stream was deleted (or Redis lost it); start again from its end.
          logger.warn('notification consumer group missing; creating it again');
          await this.ensureGroup().catch(() => undefined);
          continue;
        }
        logger.warn({ err: error instanceof Error ? error.message : error }, 'reading alert events for notifications failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Handles entries in order and acknowledges those handled; stops at the first failure (the rest stay pending). */
  private async handle(entries: StreamEntry[]): Promise<void> {
    const done: string[] = [];
    try {
      for (const [id, fields] of entries) {
        const alert = fields ? this.alertOf(id, fields) : null;
        if (alert) await this.options.onAlert(alert.seq, alert.alert);
        done.push(id);
      }
    } finally {
      if (done.length) await this.options.redis.xack(this.options.keys.events, NOTIFY_CONSUMER_GROUP, ...done);
    }
  }

  /** The alert an entry carries, or null for other kinds (and for an unreadable one, which is logged). */
  private alertOf(id: string, fields: string[]): { seq: number; alert: Alert } | null {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
    if (map.get('kind') !== 'alert') return null;
    const seq = Number(id.slice(0, id.indexOf('-')));
    try {
      const parsed = alertSchema.safeParse(JSON.parse(map.get('data') ?? ''));
      if (parsed.success && Number.isInteger(seq) && seq > 0) return { seq, alert: parsed.data };
    } catch {
      // fall through: logged below
    }
    this.options.logger.error({ id }, 'alert event in the stream is not readable; not notified');
    return null;
  }

  /** Takes over entries other consumers read but never acknowledged (their process died). */
  private async claimAbandoned(): Promise<void> {
    const { redis, keys } = this.options;
    let cursor = '0-0';
    do {
      const [next, entries] = claimReplySchema.parse(await redis.xautoclaim(keys.events, NOTIFY_CONSUMER_GROUP, this.consumer, this.claimIdleMs, cursor, 'COUNT', READ_COUNT));
      if (entries.length) await this.handle(entries);
      cursor = next;
    } while (cursor !== '0-0' && this.running);
    if (Date.now() >= this.nextForget) {
      this.nextForget = Date.now() + FORGET_CONSUMERS_AFTER_MS / 4;
      await this.forgetDeadConsumers();
    }
  }

  /** Keeps the group's consumer list bounded: restarted processes leave their old names behind. */
  private async forgetDeadConsumers(): Promise<void> {
    const { redis, keys } = this.options;
    const consumers = consumersReplySchema.parse(await redis.xinfo('CONSUMERS', keys.events, NOTIFY_CONSUMER_GROUP));
    for (const flat of consumers) {
      const info = new Map<string, string | number>();
      for (let i = 0; i + 1 < flat.length; i += 2) info.set(String(flat[i]), flat[i + 1]!);
      const name = String(info.get('name') ?? '');
      if (name && name !== this.consumer && Number(info.get('pending')) === 0 && Number(info.get('idle')) > FORGET_CONSUMERS_AFTER_MS) {
        await redis.xgroup('DELCONSUMER', keys.events, NOTIFY_CONSUMER_GROUP, name);
      }
    }
  }
}
