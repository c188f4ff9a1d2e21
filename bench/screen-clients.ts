/**
 * A child process holding many board screens for the screens, storm and soak
 * benchmarks: raw websockets speaking the socket.io protocol to `/board` (so 5,000 of
 * them fit in one process), each keeping its last seq like the real client, and
 * reconnecting after a drop with the client's back-off (1 s doubling to 4 s, jittered, never above 4 s),
 * resubscribing with `since`.
 *
 * Parent → child messages: `{ type: 'report' }` (answer: receipt times of status
 * events by seq, and each screen's state), `{ type: 'count', seq }` (how many screens
 * have that seq's status event), `{ type: 'reset' }` (forget receipt times).
 * Child → parent: `{ type: 'ready' }` once every screen is subscribed.
 */
import WebSocket from 'ws';

const [urlList, token, countText] = process.argv.slice(2);
const count = Number(countText);
const wsUrls = urlList!.split(',').map((url) => `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 4_000;
const RETRY_JITTER = 0.5;
/** socket.io-client's back-off as the board configures it: ±50 % around the step, then capped. */
const retryDelay = (attempt: number) => Math.min(RETRY_FIRST_MS * 2 ** Math.min(attempt, 16) * (1 - RETRY_JITTER + Math.random() * 2 * RETRY_JITTER), RETRY_MAX_MS);

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
}

const screens: Screen[] = [];
/** seq → receipt times (epoch ms, fractional) of its status event, across all screens. */
let receipts = new Map<number, number[]>();
let announced = false;
const SEQ = /"seq":(\d+)/;

function seqOf(text: string): number | null {
  const match = SEQ.exec(text);
  return match ? Number(match[1]) : null;
}

function connect(index: number): void {
  const screen = screens[index]!;
  const socket = new WebSocket(wsUrls[index % wsUrls.length]!);
  socket.on('message', (data: Buffer) => {
    const now = performance.timeOrigin + performance.now();
    const head = data.toString('latin1', 0, 24);
    if (head === '2') return void socket.send('3'); // engine.io ping → pong
    if (head.startsWith('42/board,["status"') || head.startsWith('42/board,["alert"') || head.startsWith('42/board,["derogation"')) {
      const seq = seqOf(data.toString('utf8'));
      if (seq === null) return;
      if (head.startsWith('42/board,["status"')) {
        let times = receipts.get(seq);
        if (!times) receipts.set(seq, (times = []));
        times.push(now);
      }
      if (seq > screen.lastSeq) screen.lastSeq = seq;
      return;
    }
    if (head.startsWith('42/board,["snapshot"')) {
      const seq = seqOf(data.toString('utf8', 0, 64));
      if (seq !== null) screen.lastSeq = seq;
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
    setTimeout(() => connect(index), retryDelay(screen.attempt++));
  });
  socket.on('error', () => undefined);
}

for (let i = 0; i < count; i++) {
  screens.push({ lastSeq: -1, subscribed: false, attempt: 0, replays: 0, snapshots: 0, subscribedAt: 0 });
  connect(i);
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'count') {
    const { seq } = message as { type: string; seq: number };
    process.send?.({ type: 'count', seq, received: receipts.get(seq)?.length ?? 0 });
  } else if (message.type === 'reset') {
    receipts = new Map();
    process.send?.({ type: 'reset' });
  } else if (message.type === 'report') {
    process.send?.({
      type: 'report',
      receipts: [...receipts.entries()],
      screens: screens.map((s) => ({ lastSeq: s.lastSeq, subscribed: s.subscribed, replays: s.replays, snapshots: s.snapshots, subscribedAt: s.subscribedAt })),
    });
  }
});
