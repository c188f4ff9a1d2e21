import type { IncomingHttpHeaders } from 'node:http';
import type { Redis } from 'ioredis';
import { BOARD_NAMESPACE, type LiveEvent, type RedisKeys } from '@pb/shared';
import type { Logger } from '@pb/shared/node';
import { toMe, type ApiKeyStore } from '../auth/api-keys.js';
import { isFromBoardOrigin } from '../auth/same-origin.js';
import { readSessionId, type SessionIdentity, type SessionStore } from '../auth/sessions.js';
import type { BoardReader } from '../board/read-board.js';
import { ALL_REGIONS_ROOM, regionRoom, type BoardNamespace, type BoardServer, type BoardSocket } from './board-socket.js';
import { emitLiveEvent } from './emit-live-event.js';
import type { EventStreamTail } from './event-stream-tail.js';
import { SharedSnapshots } from './shared-snapshots.js';
import { SnapshotDelivery } from './snapshot-delivery.js';
import { subscribeBoard } from './subscribe-board.js';
import { SubscribeRateLimit } from './subscribe-rate-limit.js';

export type { BoardServer, SocketData } from './board-socket.js';

/** SPEC §10, §12: a revoked key's or an ended session's sockets are dropped within 5 s. */
const REVOCATION_CHECK_MS = 2_000;
/**
 * SPEC §12: a live socket keeps its session open (a wallboard may make no other
 * request for weeks). Sessions end after hours unused at the least, so renewing the
 * sessions of connected sockets every few minutes is plenty.
 */
const SESSION_RENEW_MS = 5 * 60_000;

export interface BoardNamespaceDeps {
  io: BoardServer;
  redis: Redis;
  keys: RedisKeys;
  tail: EventStreamTail;
  reader: BoardReader;
  apiKeys: ApiKeyStore;
  sessions: SessionStore;
  logger: Logger;
  /** The board's public URL, when it is served behind a proxy that rewrites `Host` (SPEC §12 origin check). */
  publicUrl?: string;
  onDelivered?: (count: number) => void;
  /** Called each time a snapshot is built for subscribers (shared ones count once). */
  onSnapshotBuilt?: () => void;
}

/** A refused handshake: socket.io hands `message` (the code) and `data` to the client's `connect_error`. */
class HandshakeRefused extends Error {
  constructor(readonly data: { code: string; message: string }) {
    super(data.code);
  }
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
  const snapshots = new SharedSnapshots({ build: (regions) => deps.reader.snapshot(regions), onBuild: deps.onSnapshotBuilt });
  const catchUpDeps = { nsp, redis: deps.redis, keys: deps.keys, tail: deps.tail, logger: deps.logger };
  const delivery = new SnapshotDelivery(catchUpDeps);
  const subscribeDeps = { ...catchUpDeps, snapshots, delivery };

  nsp.use(async (socket, next) => {
    try {
      const { me, keyId, sessionId } = await authenticateHandshake(socket, deps);
      socket.data.me = me;
      if (keyId !== undefined) socket.data.keyId = keyId;
      if (sessionId !== undefined) socket.data.sessionId = sessionId;
      socket.data.rooms = [];
      socket.data.subscription = 0;
      socket.data.subscribing = Promise.resolve();
      socket.data.subscribeLimit = new SubscribeRateLimit();
      next();
    } catch (error) {
      if (error instanceof HandshakeRefused) return next(error);
      deps.logger.warn({ err: error }, 'socket handshake failed');
      next(new HandshakeRefused({ code: 'unavailable', message: 'The board could not check this connection; try again.' }));
    }
  });

  nsp.on('connection', (socket: BoardSocket) => {
    socket.on('subscribe', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      try {
        reply(await subscribeBoard(subscribeDeps, socket, request));
      } catch (error) {
        deps.logger.warn({ err: error }, 'subscribe failed');
        reply({ ok: false, error: { code: 'unavailable', message: 'The board could not be read; try again.' } });
      }
    });
  });

  const onEvent = (event: LiveEvent) => {
    const rooms = event.region ? [ALL_REGIONS_ROOM, regionRoom(event.region)] : [ALL_REGIONS_ROOM];
    emitLiveEvent(nsp.to(rooms), event);
    deps.onDelivered?.(1);
  };
  deps.tail.on('event', onEvent);

  const revocationTimer = setInterval(() => {
    void dropEndedSockets(nsp, deps).catch((error: unknown) => deps.logger.warn({ err: error }, 'revocation check failed'));
  }, REVOCATION_CHECK_MS);
  const renewalTimer = setInterval(() => {
    void renewSocketSessions(nsp, deps.sessions).catch((error: unknown) => deps.logger.warn({ err: error }, 'renewing sessions failed'));
  }, SESSION_RENEW_MS);
  renewalTimer.unref();

  return {
    close() {
      clearInterval(revocationTimer);
      clearInterval(renewalTimer);
      deps.tail.off('event', onEvent);
    },
  };
}

/**
 * Who a handshake speaks for: a bearer key in `auth.token`, else the session cookie (a
 * key's session or a single sign-on one), which counts only from the board's own
 * origin (SPEC §12).
 */
async function authenticateHandshake(socket: BoardSocket, deps: BoardNamespaceDeps): Promise<SessionIdentity & { sessionId?: string }> {
  const auth: Record<string, unknown> = socket.handshake.auth;
  const token = auth.token;
  if (typeof token === 'string') {
    const key = await deps.apiKeys.findBySecret(token);
    if (!key) throw new HandshakeRefused({ code: 'unauthorized', message: 'The key in auth.token is unknown or has been revoked.' });
    return { me: toMe(key), keyId: key.id };
  }
  const sessionId = readSessionId(socket.handshake.headers.cookie);
  if (sessionId === undefined) throw new HandshakeRefused({ code: 'unauthorized', message: 'Sign in, or pass a valid key as auth.token.' });
  if (!fromBoardOrigin(socket.handshake.headers, deps.publicUrl)) {
    throw new HandshakeRefused({ code: 'forbidden', message: 'A signed-in connection must come from the board’s own pages (Origin does not match).' });
  }
  const found = await deps.sessions.find(sessionId);
  if (!found) throw new HandshakeRefused({ code: 'unauthorized', message: 'Your session has ended or its key was revoked; sign in again.' });
  return { ...found, sessionId };
}

/**
 * SPEC §12: a signed-in socket must come from the board's own pages: the host the
 * handshake was sent to, or the board's public URL (behind a proxy that rewrites `Host`).
 */
function fromBoardOrigin(headers: IncomingHttpHeaders, publicUrl: string | undefined): boolean {
  return isFromBoardOrigin(headers) || (publicUrl !== undefined && isFromBoardOrigin(headers, new URL(publicUrl).host));
}

/**
 * Disconnects the sockets whose key was revoked or whose session ended (signed out
 * or expired; a single sign-on session has no key): one batched Redis read for the keys and one for the sessions, every
 * {@link REVOCATION_CHECK_MS}.
 */
async function dropEndedSockets(nsp: BoardNamespace, deps: BoardNamespaceDeps): Promise<void> {
  const sockets = [...nsp.sockets.values()];
  if (sockets.length === 0) return;
  const keyIds = new Set<string>();
  const sessionIds = new Set<string>();
  for (const socket of sockets) {
    if (socket.data.keyId !== undefined) keyIds.add(socket.data.keyId);
    if (socket.data.sessionId !== undefined) sessionIds.add(socket.data.sessionId);
  }
  const [revoked, liveSessions] = await Promise.all([deps.apiKeys.revokedAmong([...keyIds]), deps.sessions.existing(sessionIds)]);
  for (const socket of sockets) {
    const { keyId, sessionId } = socket.data;
    if ((keyId !== undefined && revoked.has(keyId)) || (sessionId !== undefined && !liveSessions.has(sessionId))) socket.disconnect(true);
  }
}

/** Renews the session of every connected socket opened with one (SPEC §12: a live socket keeps it open). */
async function renewSocketSessions(nsp: BoardNamespace, sessions: SessionStore): Promise<void> {
  const sessionIds = new Set<string>();
  for (const socket of nsp.sockets.values()) if (socket.data.sessionId !== undefined) sessionIds.add(socket.data.sessionId);
  await Promise.all([...sessionIds].map((id) => sessions.touch(id)));
}
