/**
 * The floor for the screens benchmark, in a process of its own like the board's
 * server: a bare socket.io server with a `/board` namespace that acks every
 * `subscribe` and broadcasts whatever event the parent hands it, nothing else.
 * Parent → child: `{ type: 'broadcast', payload }`, or `{ type: 'broadcast-many', payloads }`
 * (each broadcast in turn, as the board's server sends the events of one read of its
 * stream). Child → parent: `{ type: 'listening', port }`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, transports: ['websocket'] });
const board = io.of('/board');
board.on('connection', (socket) => {
  socket.on('subscribe', (_request: unknown, ack: (result: unknown) => void) => {
    void socket.join('all');
    ack({ ok: true, data: { mode: 'snapshot', seq: 0 } });
  });
});
process.on('message', (message: { type: string; payload?: unknown; payloads?: unknown[] }) => {
  if (message.type === 'broadcast') board.to('all').emit('status', message.payload);
  if (message.type === 'broadcast-many') for (const payload of message.payloads ?? []) board.to('all').emit('status', payload);
});
http.listen(0, '127.0.0.1', () => process.send?.({ type: 'listening', port: (http.address() as AddressInfo).port }));
