import type { BroadcastOperator, Namespace, Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Me, ServerToClientEvents } from '@pb/shared';
import type { SubscribeRateLimit } from './subscribe-rate-limit.js';

/** What the server keeps about each `/board` socket. */
export interface SocketData {
  me: Me;
  /** The key the socket speaks for (bearer, or behind its session); absent for a single sign-on session. */
  keyId?: string;
  /** The browser session the socket was opened with; absent for a bearer key (`auth.token`). */
  sessionId?: string;
  /** The rooms the socket's current subscription listens in. */
  rooms: string[];
  /** Bumped by each subscribe; a catch-up stops once it no longer matches (or the socket closed). */
  subscription: number;
  /** Settles when the subscribes queued so far on this socket have been answered. */
  subscribing: Promise<void>;
  subscribeLimit: SubscribeRateLimit;
}

type NoServerEvents = Record<string, never>;
export type BoardServer = Server<ClientToServerEvents, ServerToClientEvents, NoServerEvents, SocketData>;
export type BoardNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, NoServerEvents, SocketData>;
export type BoardSocket = Socket<ClientToServerEvents, ServerToClientEvents, NoServerEvents, SocketData>;
export type BoardBroadcast = BroadcastOperator<ServerToClientEvents, SocketData>;

/** Subscribers to every region listen here. */
export const ALL_REGIONS_ROOM = 'all';
/** Subscribers to one region listen here (a socket may sit in several). */
export const regionRoom = (region: string): string => `region:${region}`;
