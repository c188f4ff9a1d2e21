import type { Namespace, Server, Socket } from 'socket.io';
import type { Redis } from 'ioredis';
import {
  BOARD_NAMESPACE,
  isRegionCode,
  subscribeRequestSchema,
  type Ack,
  type ClientToServerEvents,
  type RedisKeys,
  type ServerToClientEvents,
  type SubscribeResult,
} from '@pb/shared';
import type { Logger } from '@pb/shared/node';
import { toMe, type ApiKeyStore } from '../auth/api-keys.js';
import { readableRegions } from '../auth/authenticate.js';
import { readCookie, SESSION_COOKIE, type SessionStore } from '../auth/sessions.js';
import type { BoardReader } from '../board/read-board.js';
import { parseStreamEntry, type EventStreamTail, type LiveEvent } from './event-stream-tail.js';
import type { Me } from '@pb/shared';

export interface SocketData {
  me: Me;
  rooms: string[];
}

type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BoardNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const ALL_REGIONS_ROOM = 'all';
const regionRoom = (region: string) => `region:${region}`;
/** SPEC §10: a revoked key's sockets are dropped within 5 s. */
const REVOCATION_CHECK_MS = 2_000;

export interface BoardNamespaceDeps {
  io: BoardServer;
  redis: Redis;
  keys: RedisKeys;
  tail: EventStreamTail;
  reader: BoardReader;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  logger: Logger;
  onDelivered?: (count: number) => void;
}

/**
 * The `/board` namespace (SPEC §5). Subscribed sockets sit in one room per region
 * (or the all-regions room), so each event is encoded once and sent to exactly the
 * sockets that may see it. A subscribe catches the socket up (replay or snapshot)
 * and joins its rooms in the same tick as the last catch-up event is sent, so no
 * event falls between the two.
 */
export function attachBoardNamespace(deps: BoardNamespaceDeps): { close(): void } {
  const nsp: BoardNamespace = deps.io.of(BOARD_NAMESPACE);

  nsp.use(async (socket, next) => {
    try {
      const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
      const sessionId = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      const key = token ? await deps.apiKeys.findBySecret(token) : sessionId ? await deps.sessions.find(sessionId) : null;
      if (!key) return next(Object.assign(new Error('unauthorized'), { data: { code: 'unauthorized', message: 'Sign in, or pass a valid key as auth.token.' } }));
      socket.data.me = toMe(key);
      socket.data.rooms = [];
      next();
    } catch (error) {
      next(Object.assign(new Error('unavailable'), { data: { code: 'unavailable', message: (error as Error).message } }));
    }
  });

  nsp.on('connection', (socket: BoardSocket) => {
    socket.on('subscribe', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      try {
        reply(await subscribe(socket, request, deps));
      } catch (error) {
        deps.logger.warn({ err: error }, 'subscribe failed');
        reply({ ok: false, error: { code: 'unavailable', message: 'The board could not be read; try again.' } });
      }
    });
  });

  const onEvent = (event: LiveEvent) => {
    const rooms = event.region ? [ALL_REGIONS_ROOM, regionRoom(event.region)] : [ALL_REGIONS_ROOM];
    nsp.to(rooms).emit(event.kind, event.payload as never);
    deps.onDelivered?.(1);
  };
  deps.tail.on('event', onEvent);

  const revocationTimer = setInterval(() => {
    void dropRevokedSockets(nsp, deps).catch((error: unknown) => deps.logger.warn({ err: error }, 'revocation check failed'));
  }, REVOCATION_CHECK_MS);

  return {
    close() {
      clearInterval(revocationTimer);
      deps.tail.off('event', onEvent);
    },
  };
}

async function subscribe(socket: BoardSocket, request: unknown, deps: BoardNamespaceDeps): Promise<Ack<SubscribeResult>> {
  const parsed = subscribeRequestSchema.safeParse(request ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid_request', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ') } };
  const { since } = parsed.data;
  const unknown = (parsed.data.regions ?? []).filter((code) => !isRegionCode(code));
  if (unknown.length) return { ok: false, error: { code: 'invalid_request', message: `unknown region ${unknown.join(', ')}` } };

  const allowed = readableRegions(socket.data.me);
  const asked = parsed.data.regions?.length ? new Set(parsed.data.regions) : null;
  if (allowed && asked && [...asked].some((code) => !allowed.has(code))) {
    return { ok: false, error: { code: 'forbidden', message: 'This key may not read some of those regions.' } };
  }
  const regions = asked ?? allowed;
  const visible = (event: LiveEvent) => regions === null || regions.has(event.region);

  // Leave the old rooms first: until the catch-up below is sent, no live event may reach this socket.
  for (const room of socket.data.rooms) void socket.leave(room);
  socket.data.rooms = [];

  let mode: SubscribeResult['mode'];
  let caughtUpTo: number;
  const replay = since !== undefined ? await replayAfter(since, deps) : null;
  if (replay) {
    mode = 'replay';
    for (const event of replay.events) if (visible(event)) socket.emit(event.kind, event.payload as never);
    caughtUpTo = replay.upTo;
  } else {
    mode = 'snapshot';
    const snapshot = await deps.reader.snapshot(regions);
    socket.emit('snapshot', snapshot);
    caughtUpTo = snapshot.seq;
  }
  await deps.tail.waitFor(caughtUpTo);
  // Whatever the tail saw while we were reading Redis, then join the rooms: all in this tick.
  for (const event of deps.tail.eventsAfter(caughtUpTo) ?? []) if (visible(event)) socket.emit(event.kind, event.payload as never);
  const rooms = regions === null ? [ALL_REGIONS_ROOM] : [...regions].map(regionRoom);
  for (const room of rooms) void socket.join(room);
  socket.data.rooms = rooms;
  return { ok: true, data: { mode, seq: Math.max(caughtUpTo, deps.tail.lastSeq) } };
}

/**
 * The events after `since`, from memory or from the Redis stream, or null when they
 * are no longer retained (or `since` is ahead of the board) and a snapshot is due.
 */
async function replayAfter(since: number, deps: BoardNamespaceDeps): Promise<{ events: LiveEvent[]; upTo: number } | null> {
  const lastSeq = Number((await deps.redis.get(deps.keys.seq)) ?? 0);
  if (since > lastSeq) return null;
  const buffered = deps.tail.eventsAfter(since);
  if (buffered) return { events: buffered, upTo: buffered.at(-1)?.seq ?? Math.max(since, deps.tail.lastSeq) };
  const entries = (await deps.redis.xrange(deps.keys.events, `${since + 1}-0`, '+')) as [string, string[]][];
  const events = entries.map(([id, fields]) => parseStreamEntry(id, fields));
  // The stream was trimmed past `since`: the gap cannot be filled, so send a snapshot.
  if (since < lastSeq && events[0]?.seq !== since + 1) return null;
  return { events, upTo: events.at(-1)?.seq ?? since };
}

async function dropRevokedSockets(nsp: BoardNamespace, deps: BoardNamespaceDeps): Promise<void> {
  const sockets = [...nsp.sockets.values()];
  if (sockets.length === 0) return;
  const revoked = await deps.apiKeys.revokedAmong([...new Set(sockets.map((s) => s.data.me.id))]);
  for (const socket of sockets) {
    if (revoked.has(socket.data.me.id)) socket.disconnect(true);
  }
}
