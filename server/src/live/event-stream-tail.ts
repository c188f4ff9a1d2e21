import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { RedisKeys, StreamEventKind } from '@pb/shared';
import type { Logger } from '@pb/shared/node';

/** One entry of the event stream, ready to send: `payload` already carries its seq. */
export interface LiveEvent {
  seq: number;
  kind: StreamEventKind;
  region: string;
  payload: Record<string, unknown>;
}

/** Recent events kept in memory so most resumes and every subscribe race are served without Redis. */
const BUFFER_SIZE = 10_000;
const BLOCK_MS = 5_000;
const YIELD_AFTER_MS = 5;

/** Turns a stream entry (`<seq>-0`, [kind, k, data, json]) into a LiveEvent. */
export function parseStreamEntry(id: string, fields: string[]): LiveEvent {
  const seq = Number(id.slice(0, id.indexOf('-')));
  const map: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) map[fields[i]!] = fields[i + 1]!;
  const kind = map.kind as StreamEventKind;
  const data = JSON.parse(map.data ?? '{}') as Record<string, unknown>;
  const region = regionOf(kind, data);
  return { seq, kind, region, payload: { seq, ...data } };
}

function regionOf(kind: StreamEventKind, data: Record<string, unknown>): string {
  if (kind === 'status') return String((data.status as { region?: string } | undefined)?.region ?? '');
  if (kind === 'derogation') return String((data.derogation as { region?: string } | undefined)?.region ?? '');
  return String(data.region ?? '');
}

/**
 * Follows the Redis event stream from where it stood at start, in seq order, and
 * emits each event once. Every server process runs one, which is what lets any
 * number of servers share one Redis.
 */
export class EventStreamTail extends EventEmitter<{ event: [LiveEvent] }> {
  private buffer: LiveEvent[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  /** The highest seq this process has seen. */
  lastSeq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    super();
    // Every subscribe in flight waits on this emitter for a moment.
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const last = (await this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1)) as [string, string[]][];
    this.lastSeq = last[0] ? parseStreamEntry(last[0][0], last[0][1]).seq : 0;
    this.running = true;
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    // A blocked XREAD returns within BLOCK_MS; disconnecting ends it at once.
    this.redis.disconnect();
    await this.loop;
  }

  /**
   * Resolves once this tail has seen `seq` (or after `timeoutMs`), so a socket caught
   * up from Redis is not handed events it already has when it joins its rooms.
   */
  async waitFor(seq: number, timeoutMs = 5_000): Promise<void> {
    if (this.lastSeq >= seq) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const onEvent = () => {
        if (this.lastSeq >= seq) done();
      };
      function done() {
        clearTimeout(timer);
        tail.off('event', onEvent);
        resolve();
      }
      const tail = this;
      this.on('event', onEvent);
    });
  }

  /** Buffered events after `seq`, or null when the buffer no longer reaches back that far. */
  eventsAfter(seq: number): LiveEvent[] | null {
    if (seq >= this.lastSeq) return [];
    const first = this.buffer[0];
    if (!first || first.seq > seq + 1) return null;
    const start = seq + 1 - first.seq;
    return this.buffer.slice(start);
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        const reply = (await this.redis.xread('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', this.keys.events, `${this.lastSeq}-0`)) as
          | [string, [string, string[]][]][]
          | null;
        if (!reply) continue;
        let sliceStart = performance.now();
        for (const [id, fields] of reply[0]![1]) {
          const event = parseStreamEntry(id, fields);
          if (event.seq <= this.lastSeq) continue;
          this.lastSeq = event.seq;
          this.buffer.push(event);
          this.emit('event', event);
          // Sending events to every socket takes a while: after a few milliseconds, let
          // waiting requests in rather than hold them behind a whole backlog. Events
          // sent within one slice leave each socket in one write.
          if (performance.now() - sliceStart > YIELD_AFTER_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
          }
        }
        if (this.buffer.length > BUFFER_SIZE * 1.5) this.buffer = this.buffer.slice(-BUFFER_SIZE);
      } catch (error) {
        if (!this.running) break;
        this.logger.warn({ err: error }, 'reading the event stream failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
