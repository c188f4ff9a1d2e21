import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { streamEntryDataSchemas, type LiveEvent, type RedisKeys } from '@pb/shared';
import type { Logger } from '@pb/shared/node';

/** Recent events kept in memory so most resumes and every subscribe race are served without Redis. */
const BUFFER_SIZE = 10_000;
const BLOCK_MS = 5_000;
const YIELD_AFTER_MS = 5;

/** A stream entry as ioredis returns it: the id (`<seq>-0`) and its fields as [name, value, …]. */
export type RawStreamEntry = [id: string, fields: string[]];

/** A stream entry parsed into the event it carries, or why it could not be. */
export type ParsedStreamEntry = { ok: true; event: LiveEvent } | { ok: false; seq: number; reason: string };

/**
 * Turns one stream entry (`<seq>-0`, fields `kind` and `data`, the event's JSON without
 * its seq) into a {@link LiveEvent}, checked against the shared schema of its kind. This
 * is the only place entries are parsed: the tail and replays both go through it.
 *
 * @example
 * const parsed = parseStreamEntry('42-0', ['kind', 'alert', 'data', json]);
 * if (parsed.ok) emitLiveEvent(socket, parsed.event);
 */
export function parseStreamEntry(id: string, fields: string[]): ParsedStreamEntry {
  const seq = Number(id.slice(0, id.indexOf('-')));
  if (!Number.isSafeInteger(seq) || seq < 1) return { ok: false, seq: Number.NaN, reason: `entry id ${id} is not <seq>-0` };
  let kind: string | undefined;
  let json: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'kind') kind = fields[i + 1];
    else if (fields[i] === 'data') json = fields[i + 1];
  }
  let data: unknown;
  try {
    data = JSON.parse(json ?? '');
  } catch {
    return { ok: false, seq, reason: 'data is not JSON' };
  }
  switch (kind) {
    case 'status': {
      const parsed = streamEntryDataSchemas.status.safeParse(data);
      if (!parsed.success) return { ok: false, seq, reason: describeIssues(parsed.error.issues) };
      return { ok: true, event: { kind, seq, region: parsed.data.status.region, payload: { seq, ...parsed.data } } };
    }
    case 'alert': {
      const parsed = streamEntryDataSchemas.alert.safeParse(data);
      if (!parsed.success) return { ok: false, seq, reason: describeIssues(parsed.error.issues) };
      return { ok: true, event: { kind, seq, region: parsed.data.region, payload: { seq, ...parsed.data } } };
    }
    case 'derogation': {
      const parsed = streamEntryDataSchemas.derogation.safeParse(data);
      if (!parsed.success) return { ok: false, seq, reason: describeIssues(parsed.error.issues) };
      return { ok: true, event: { kind, seq, region: parsed.data.derogation.region, payload: { seq, ...parsed.data } } };
    }
    default:
      return { ok: false, seq, reason: `unknown kind ${JSON.stringify(kind ?? null)}` };
  }
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || 'data'}: ${issue.message}`)
    .join('; ');
}

/** A page of the stream read by {@link readEventPage}. */
export interface EventPage {
  /** The events of the page that parsed, in seq order. */
  events: LiveEvent[];
  /** The seq of the page's last entry (the `afterSeq` asked for when the page is empty). */
  endSeq: number;
  /**
   * True when the page holds every seq from `afterSeq + 1` to `endSeq` and every entry
   * parsed. A page that is not intact cannot be replayed without a gap (the stream was
   * trimmed, or an entry is unreadable): the subscriber needs a snapshot instead.
   */
  intact: boolean;
  /** True when the stream may hold entries after `endSeq` (the page was full). */
  more: boolean;
}

/**
 * Reads at most `count` events after `afterSeq` from the stream: replays read the
 * stream in pages like this one, never in one unbounded `XRANGE`.
 */
export async function readEventPage(redis: Redis, keys: RedisKeys, afterSeq: number, count: number, logger: Logger): Promise<EventPage> {
  const entries: RawStreamEntry[] = await redis.xrange(keys.events, `${afterSeq + 1}-0`, '+', 'COUNT', count);
  const events: LiveEvent[] = [];
  let expected = afterSeq + 1;
  let intact = true;
  for (const [id, fields] of entries) {
    const parsed = parseStreamEntry(id, fields);
    const seq = parsed.ok ? parsed.event.seq : parsed.seq;
    if (seq !== expected) intact = false;
    expected = seq + 1;
    if (parsed.ok) events.push(parsed.event);
    else {
      intact = false;
      logger.error({ seq: parsed.seq, id, reason: parsed.reason }, 'skipped an event-stream entry that does not parse');
    }
  }
  const last = entries.at(-1);
  return { events, endSeq: last ? expected - 1 : afterSeq, intact: intact && entries.length > 0, more: entries.length === count };
}

/**
 * Follows the Redis event stream from where it stood at start, in seq order, and
 * emits each event once. Every server process runs one, which is what lets any
 * number of servers share one Redis. An entry that does not parse is logged and
 * skipped (never a crash); the in-memory buffer is restarted after it so that it
 * always holds consecutive seqs, and a resume across the hole gets a snapshot.
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
    const last: RawStreamEntry[] = await this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1);
    const id = last[0]?.[0];
    this.lastSeq = id ? Number(id.slice(0, id.indexOf('-'))) : 0;
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

  /**
   * Buffered events after `seq` (consecutive seqs, oldest first), or null when the
   * buffer no longer reaches back that far.
   */
  eventsAfter(seq: number): LiveEvent[] | null {
    if (seq >= this.lastSeq) return [];
    const first = this.buffer[0];
    if (!first || first.seq > seq + 1) return null;
    const start = seq + 1 - first.seq;
    return this.buffer.slice(start);
  }

  private accept(id: string, fields: string[]): LiveEvent | null {
    const parsed = parseStreamEntry(id, fields);
    if (!parsed.ok) {
      this.logger.error({ id, reason: parsed.reason }, 'skipped an event-stream entry that does not parse');
      if (Number.isFinite(parsed.seq) && parsed.seq > this.lastSeq) this.lastSeq = parsed.seq;
      this.buffer = [];
      return null;
    }
    const event = parsed.event;
    if (event.seq <= this.lastSeq) return null;
    // The buffer holds consecutive seqs only (eventsAfter indexes into it by seq).
    if (event.seq !== this.lastSeq + 1) this.buffer = [];
    this.lastSeq = event.seq;
    this.buffer.push(event);
    return event;
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        const reply: [stream: string, entries: RawStreamEntry[]][] | null = await this.redis.xread('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', this.keys.events, `${this.lastSeq}-0`);
        if (!reply) continue;
        let sliceStart = performance.now();
        for (const [id, fields] of reply[0]![1]) {
          const event = this.accept(id, fields);
          if (!event) continue;
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
