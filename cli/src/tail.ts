import { InvalidArgumentError } from '@commander-js/extra-typings';
import pc from 'picocolors';
import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  alertEventSchema,
  boardSnapshotSchema,
  BOARD_NAMESPACE,
  derogationEventSchema,
  meSchema,
  RECONNECT_OPTIONS,
  reconnectDelay,
  sequenceDecision,
  statusEventSchema,
  type Ack,
  type BoardSnapshot,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeRequest,
  type SubscribeResult,
} from '@pb/shared';
import { BoardApi } from './board-api.js';
import { LiveRefusedError } from './cli-errors.js';
import { alertLine, derogationLine, snapshotLine, statusLine, type KnownSite } from './event-lines.js';
import { regionList } from './options.js';
import { londonClock } from './uk-time.js';
import type { Program } from './program.js';

type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const SUBSCRIBE_TIMEOUT_MS = 10_000;

export interface TailOptions {
  region?: string[] | undefined;
  since?: number | undefined;
  json?: boolean | undefined;
}

/** `pressure-board tail`: the board's live events in the terminal, one line each. */
export function registerTail(program: Program): void {
  program
    .command('tail')
    .summary('follow the live board: one line per event, coloured by severity')
    .description(
      'Subscribes to the live board (socket.io /board) and prints one line per event: time, seq, site, severity ' +
        'and what changed. Starts from a one-line snapshot summary, or replays the events after --since. ' +
        'Reconnects by itself (1 s doubling to 4 s) and resumes after the last seq printed, so nothing is ' +
        'missed or printed twice. Connection news goes to stderr; Ctrl-C stops it.',
    )
    .option('--region <codes>', 'only these regions (repeat, or comma-separated)', regionList)
    .option('--since <seq>', 'replay the events after this seq first', wholeNumber)
    .option('--json', 'print each event as one line of JSON ({"event": kind, ...payload})')
    .addHelpText('after', '\nExamples:\n  pressure-board tail\n  pressure-board tail --region Y56 --region Y61\n  pressure-board tail --since 1200 --json | jq .')
    .action(async (options, command) => {
      await new LiveTail(new BoardApi(command.optsWithGlobals()), options).run();
    });
}

/**
 * One terminal following the board (SPEC §5): subscribes on every connect with the last
 * seq it printed, prints events in order, drops ones already printed, and subscribes
 * again with `since` when an unfiltered subscription skips a number.
 */
export class LiveTail {
  readonly #board: BoardApi;
  readonly #options: TailOptions;
  readonly #sites = new Map<string, KnownSite>();
  #last: number | null;
  #filtered = false;
  #socket: BoardSocket | null = null;
  #resubscribing = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retryAttempt = 0;
  #connected = false;
  #finish: ((error?: Error) => void) | null = null;

  constructor(board: BoardApi, options: TailOptions) {
    this.#board = board;
    this.#options = options;
    this.#last = options.since ?? null;
  }

  /** Runs until Ctrl-C (resolves) or the board refuses this key (rejects). */
  async run(): Promise<void> {
    // Checks the key over HTTP first (a clear 401 or 403), and learns whether the key itself is region-scoped.
    const me = await this.#board.json('GET', '/me', meSchema);
    this.#filtered = Boolean(this.#options.region?.length || me.regions?.length);
    if (this.#last !== null) {
      // Resuming without a snapshot: learn site names and severities for alert lines.
      this.#remember(await this.#board.json('GET', '/board', boardSnapshotSchema, { query: { region: this.#options.region?.join(',') } }));
    }
    const done = new Promise<void>((resolve, reject) => {
      this.#finish = (error) => (error ? reject(error) : resolve());
    });
    const stop = () => this.#stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    this.#connect();
    try {
      await done;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  }

  #connect(): void {
    const base = this.#board.baseUrl;
    const socket: BoardSocket = io(new URL(BOARD_NAMESPACE, base.origin).href, {
      path: `${base.pathname}socket.io`,
      auth: { token: this.#board.key },
      // Websocket only: no long-polling, so no sticky sessions needed behind a load balancer.
      transports: ['websocket'],
      ...RECONNECT_OPTIONS,
    });
    this.#socket = socket;

    socket.on('connect', () => {
      this.#connected = true;
      this.#subscribe();
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.#lost(`connection lost (${reason})`);
      // The server closed the socket on purpose (e.g. the key was revoked), which stops
      // socket.io's own retries: connect again, and the handshake says whether the key still holds.
      if (reason === 'io server disconnect') this.#retryLater(() => socket.connect());
    });
    socket.on('connect_error', (error) => {
      if (socket.active) {
        this.#lost(`cannot reach ${base.origin} (${error.message})`);
        return;
      }
      // Refused by the server's handshake: `unavailable` is Redis trouble there, worth a retry; anything else is this key.
      const data = refusalData(error);
      if (error.message === 'unavailable') {
        this.#lost(`the board is unavailable (${data.message}); retrying`);
        this.#retryLater(() => socket.connect());
        return;
      }
      this.#fail(new LiveRefusedError(error.message, data.message));
    });

    socket.on('snapshot', (payload) => {
      const snapshot = parsed(boardSnapshotSchema, payload, 'snapshot');
      if (!snapshot) return;
      this.#remember(snapshot);
      this.#last = snapshot.seq;
      this.#resubscribing = false;
      this.#print(this.#options.json ? JSON.stringify({ event: 'snapshot', ...snapshot }) : snapshotLine(snapshot, pc));
    });
    socket.on('status', (payload) => {
      const event = parsed(statusEventSchema, payload, 'status');
      if (!event || !this.#accept(event.seq)) return;
      this.#sites.set(event.site, { name: event.status.name, severity: event.status.severity });
      this.#print(this.#options.json ? JSON.stringify({ event: 'status', ...event }) : statusLine(event, pc));
    });
    socket.on('alert', (payload) => {
      const event = parsed(alertEventSchema, payload, 'alert');
      if (!event || !this.#accept(event.seq)) return;
      this.#print(this.#options.json ? JSON.stringify({ event: 'alert', ...event }) : alertLine(event, this.#sites.get(event.site), pc));
    });
    socket.on('derogation', (payload) => {
      const event = parsed(derogationEventSchema, payload, 'derogation');
      if (!event || !this.#accept(event.seq)) return;
      this.#print(this.#options.json ? JSON.stringify({ event: 'derogation', ...event }) : derogationLine(event, this.#sites.get(event.derogation.site), pc));
    });
  }

  /** Whether to print the event numbered `seq`; a gap starts catching up instead. */
  #accept(seq: number): boolean {
    const decision = sequenceDecision(this.#last, seq, this.#filtered);
    if (decision === 'duplicate') return false;
    if (decision === 'gap') {
      if (!this.#resubscribing) {
        this.#resubscribing = true;
        notice(`missed events after #${this.#last}; catching up`);
        this.#subscribe();
      }
      return false;
    }
    this.#last = seq;
    return true;
  }

  #subscribe(): void {
    const socket = this.#socket;
    if (!socket?.connected) return;
    const since = this.#last;
    const request: SubscribeRequest = {
      ...(this.#options.region?.length ? { regions: this.#options.region } : {}),
      ...(since === null ? {} : { since }),
    };
    socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', request, (error: Error | null, ack: Ack<SubscribeResult>) => {
      if (socket !== this.#socket || !socket.connected) return;
      if (error || !ack.ok) {
        const code = error ? 'timeout' : ack.ok ? '' : ack.error.code;
        const message = error ? 'no answer to subscribe' : ack.ok ? '' : ack.error.message;
        if (code === 'unauthorized' || code === 'forbidden' || code === 'invalid_request') {
          this.#fail(new LiveRefusedError(code, message));
          return;
        }
        if (code === 'superseded') return;
        notice(`subscribe failed (${code}: ${message}); retrying`);
        this.#resubscribing = false;
        this.#retryLater(() => this.#subscribe());
        return;
      }
      this.#resubscribing = false;
      this.#retryAttempt = 0;
      const regions = this.#options.region?.length ? this.#options.region.join(', ') : 'every region this key may read';
      const from = ack.data.mode === 'replay' && since !== null ? `resumed after #${since}` : 'from a snapshot';
      notice(`live: ${regions}, ${from}; the board is at #${ack.data.seq}`);
    });
  }

  #lost(why: string): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#resubscribing = false;
    notice(`${why}; reconnecting, then resuming after #${this.#last ?? '—'}`);
  }

  #retryLater(action: () => void): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#socket) action();
    }, reconnectDelay(this.#retryAttempt++));
  }

  #remember(snapshot: BoardSnapshot): void {
    for (const site of snapshot.sites) this.#sites.set(site.site, { name: site.name, severity: site.severity });
  }

  #print(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  #stop(): void {
    this.#close();
    this.#finish?.();
  }

  #fail(error: Error): void {
    this.#close();
    this.#finish?.(error);
  }

  #close(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    socket?.removeAllListeners();
    socket?.disconnect();
  }
}

/** Connection news, on stderr so that stdout holds only events. */
function notice(message: string): void {
  process.stderr.write(`${pc.dim(londonClock(new Date().toISOString()))}  ${message}\n`);
}

/** An event checked against the shared schema of its kind; one that does not parse is reported and skipped. */
function parsed<S extends z.ZodType>(schema: S, payload: unknown, kind: string): z.infer<S> | null {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  notice(`skipped a ${kind} event this command cannot read: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return null;
}

/** socket.io hands a refused handshake's `data` ({code, message}) to `connect_error`. */
function refusalData(error: Error): { message: string } {
  const data: unknown = 'data' in error ? error.data : undefined;
  if (typeof data === 'object' && data !== null && 'message' in data && typeof data.message === 'string') return { message: data.message };
  return { message: error.message };
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return number;
}
