/**
 * A board client that sends a burst of `subscribe {since: 0}` from one socket, run
 * by subscribe-limits.test.ts in a process of its own so that the test's process,
 * which hosts the server, measures the server's responsiveness and not this
 * client's work. Arguments: board URL, key, burst size, the seq the board is at.
 * Reports {@link BurstReport} over IPC.
 */
import { io, type Socket } from 'socket.io-client';
import { BOARD_NAMESPACE, type Ack, type ClientToServerEvents, type ServerToClientEvents, type SubscribeResult } from '@pb/shared';

export interface BurstReport {
  acks: Ack<SubscribeResult>[];
  /** The seq of every event received, in arrival order. */
  seqs: number[];
}

const [url, token, burst, boardSeq] = process.argv.slice(2);
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}${BOARD_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
const seqs: number[] = [];
socket.on('alert', (event) => seqs.push(event.seq));
socket.on('status', (event) => seqs.push(event.seq));
process.send!('ready');
await new Promise((resolve) => process.once('message', resolve));
const acks = await Promise.all(Array.from({ length: Number(burst) }, () => socket.timeout(60_000).emitWithAck('subscribe', { since: 0 })));
// Each accepted replay ends with its ack; wait for the events of them all anyway.
const expected = acks.filter((ack) => ack.ok).length * Number(boardSeq);
const deadline = Date.now() + 30_000;
while (seqs.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
const report: BurstReport = { acks, seqs };
process.send!(report, () => {
  socket.disconnect();
  process.exit(0);
});
