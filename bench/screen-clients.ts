/**
 * A child process holding many board screens for the screens, storm and soak
 * benchmarks: raw websockets speaking the socket.io protocol to `/board` (so 5,000 of
 * them fit in one process), each keeping its last seq like the real client, and
 * reconnecting after a drop with the client's back-off (1 s doubling to 4 s, jittered, never above 4 s),
 * resubscribing with `since`.
 *
 * Parent → child messages: `{ type: 'report' }` (answer: receipt times of status
 * events by seq, and each screen's state), `{ type: 'count', seq }` (how many screens
 * have that seq's status event), `{ type: 'holding', seq, subscribedAfter? }` (how many
 * screens are subscribed, since that time if given, and hold that seq or a later one), `{ type: 'reset' }` (forget receipt
 * times), `{ type: 'rate-start', step, startedAt, seconds }` (start a sustained-rate
 * step: clear the lag histograms and each screen's missed-event and drop counts) and
 * `{ type: 'rate-report' }` (answer: the step's lag histograms, missed events, drops).
 * Child → parent: `{ type: 'ready' }` once every screen is subscribed.
 *
 * Sustained-rate events carry `rate:<step>:<sent, epoch µs>` as their note (the status's
 * own note comes before `previous` in the event); their lag (receipt − sent) goes into
 * 1 ms histograms instead of the receipt list, so a step of thousands of events to
 * thousands of screens costs a few hundred kilobytes, not a list per receipt.
 */
import WebSocket from 'ws';
import { RECONNECT_FIRST_MS, RECONNECT_JITTER, RECONNECT_MAX_MS } from '@pb/shared';

const [urlList, token, countText] = process.argv.slice(2);
const count = Number(countText);
const wsUrls = urlList!.split(',').map((url) => `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);

/** socket.io-client's back-off as the board configures it (the shared reconnect rule): ±50 % around the step, then capped. */
const retryDelay = (attempt: number) => Math.min(RECONNECT_FIRST_MS * 2 ** Math.min(attempt, 16) * (1 - RECONNECT_JITTER + Math.random() * 2 * RECONNECT_JITTER), RECONNECT_MAX_MS);
/** Receipt times are kept for this many of the latest seqs, so a long run's memory stays bounded. */
const RECEIPT_SEQS = 1_000;
/** Lag histogram: 1 ms buckets; the last one holds every lag of a minute or more. */
const LAG_BUCKETS = 60_001;

/** What one screen knows: its last applied seq, and whether it is subscribed now. */
interface Screen {
  lastSeq: number;
  subscribed: boolean;
  attempt: number;
  /** Subscriptions answered with a replay, and with a snapshot. */
  replays: number;
  snapshots: number;
  /** When the latest subscription was acknowledged (epoch ms). */
  subscribedAt: number;
  /** Events never received: seqs skipped over between two consecutive events (since the last rate-start). */
  missed: number;
  /** Sockets closed (since the last rate-start). */
  drops: number;
}

const screens: Screen[] = [];
/** seq → receipt times (epoch ms, fractional) of its status event, across all screens. */
let receipts = new Map<number, number[]>();
let announced = false;

/** The sustained-rate step being measured: lags of its events, over the whole step and its first and last thirds. */
let rate: { step: number; startedAt: number; seconds: number; all: Uint32Array; first: Uint32Array; last: Uint32Array; max: number } | null = null;

const SEQ_KEY = Buffer.from('"seq":');
const RATE_KEY = Buffer.from('"note":"rate:');

/** The decimal integer at `from` (exact below 2^53), or -1 if there is no digit there. */
function integerAt(data: Buffer, from: number): { value: number; end: number } {
  let value = 0;
  let end = from;
  for (; end < data.length; end++) {
    const c = data[end]!;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  return { value: end === from ? -1 : value, end };
}

function seqOf(data: Buffer): number {
  const at = data.indexOf(SEQ_KEY);
  return at < 0 ? -1 : integerAt(data, at + SEQ_KEY.length).value;
}

/** A sustained-rate event's lag into the step's histograms; false if it is not one of the step's events. */
function recordRateLag(data: Buffer, now: number): boolean {
  const at = data.indexOf(RATE_KEY);
  if (at < 0) return false;
  const step = integerAt(data, at + RATE_KEY.length);
  if (!rate || step.value !== rate.step) return true;
  const sentMicros = integerAt(data, step.end + 1).value;
  const sent = sentMicros / 1000;
  const lag = Math.max(0, now - sent);
  const bucket = Math.min(Math.floor(lag), LAG_BUCKETS - 1);
  rate.all[bucket]!++;
  const third = (sent - rate.startedAt) / (rate.seconds * 1000);
  if (third < 1 / 3) rate.first[bucket]!++;
  else if (third >= 2 / 3) rate.last[bucket]!++;
  if (lag > rate.max) rate.max = lag;
  return true;
}

function recordReceipt(seq: number, now: number): void {
  let times = receipts.get(seq);
  if (!times) {
    receipts.set(seq, (times = []));
    if (receipts.size > RECEIPT_SEQS) receipts.delete(receipts.keys().next().value!);
  }
  times.push(now);
}

function connect(index: number): void {
  const screen = screens[index]!;
  const socket = new WebSocket(wsUrls[index % wsUrls.length]!);
  socket.on('message', (data: Buffer) => {
    const now = performance.timeOrigin + performance.now();
    const head = data.toString('latin1', 0, 24);
    if (head === '2') return void socket.send('3'); // engine.io ping → pong
    const status = head.startsWith('42/board,["status"');
    if (status || head.startsWith('42/board,["alert"') || head.startsWith('42/board,["derogation"')) {
      const seq = seqOf(data);
      if (seq < 0) return;
      if (status && !recordRateLag(data, now)) recordReceipt(seq, now);
      if (seq > screen.lastSeq) {
        // Events arrive in seq order on one socket: a jump is an event this screen never got.
        if (screen.lastSeq >= 0 && seq > screen.lastSeq + 1) screen.missed += seq - screen.lastSeq - 1;
        screen.lastSeq = seq;
      }
      return;
    }
    if (head.startsWith('42/board,["snapshot"')) {
      const seq = seqOf(data.subarray(0, 64));
      if (seq >= 0) screen.lastSeq = seq;
      screen.snapshots++;
      return;
    }
    if (head.startsWith('0{')) return void socket.send(`40/board,${JSON.stringify({ token })}`);
    if (head.startsWith('40/board,')) {
      const request = screen.lastSeq >= 0 ? { since: screen.lastSeq } : {};
      return void socket.send(`42/board,0["subscribe",${JSON.stringify(request)}]`);
    }
    if (head.startsWith('43/board,0')) {
      const text = data.toString('utf8');
      if (!text.includes('"ok":true')) return void socket.close();
      if (text.includes('"mode":"replay"')) screen.replays++;
      screen.subscribed = true;
      screen.attempt = 0;
      screen.subscribedAt = performance.timeOrigin + performance.now();
      if (!announced && screens.every((s) => s.subscribed)) {
        announced = true;
        process.send?.({ type: 'ready' });
      }
    }
  });
  // 'close' comes once per socket, after any 'error': back off, then a new socket.
  socket.on('close', () => {
    screen.subscribed = false;
    screen.drops++;
    setTimeout(() => connect(index), retryDelay(screen.attempt++));
  });
  socket.on('error', () => undefined);
}

for (let i = 0; i < count; i++) {
  screens.push({ lastSeq: -1, subscribed: false, attempt: 0, replays: 0, snapshots: 0, subscribedAt: 0, missed: 0, drops: 0 });
  connect(i);
}

process.on('message', (message: { type: string; seq?: number; subscribedAfter?: number; step?: number; startedAt?: number; seconds?: number }) => {
  if (message.type === 'count') {
    process.send?.({ type: 'count', seq: message.seq, received: receipts.get(message.seq!)?.length ?? 0 });
  } else if (message.type === 'holding') {
    const seq = message.seq!;
    const after = message.subscribedAfter ?? 0;
    let holding = 0;
    for (const s of screens) if (s.subscribed && s.lastSeq >= seq && s.subscribedAt >= after) holding++;
    process.send?.({ type: 'holding', seq, holding });
  } else if (message.type === 'reset') {
    receipts = new Map();
    process.send?.({ type: 'reset' });
  } else if (message.type === 'rate-start') {
    rate = { step: message.step!, startedAt: message.startedAt!, seconds: message.seconds!, all: new Uint32Array(LAG_BUCKETS), first: new Uint32Array(LAG_BUCKETS), last: new Uint32Array(LAG_BUCKETS), max: 0 };
    for (const s of screens) {
      s.missed = 0;
      s.drops = 0;
    }
    process.send?.({ type: 'rate-start' });
  } else if (message.type === 'rate-report') {
    // Histograms go as [bucket, count] pairs of their non-empty buckets.
    const sparse = (histogram: Uint32Array | undefined) => {
      const pairs: [number, number][] = [];
      histogram?.forEach((n, bucket) => n > 0 && pairs.push([bucket, n]));
      return pairs;
    };
    process.send?.({
      type: 'rate-report',
      all: sparse(rate?.all),
      first: sparse(rate?.first),
      last: sparse(rate?.last),
      max: rate?.max ?? 0,
      missed: screens.reduce((sum, s) => sum + s.missed, 0),
      screensMissing: screens.filter((s) => s.missed > 0).length,
      drops: screens.reduce((sum, s) => sum + s.drops, 0),
    });
  } else if (message.type === 'report') {
    process.send?.({
      type: 'report',
      receipts: [...receipts.entries()],
      screens: screens.map((s) => ({ lastSeq: s.lastSeq, subscribed: s.subscribed, replays: s.replays, snapshots: s.snapshots, subscribedAt: s.subscribedAt, missed: s.missed, drops: s.drops })),
    });
  }
});
