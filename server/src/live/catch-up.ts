import { once } from 'node:events';
import type { Redis } from 'ioredis';
import type { LiveEvent, RedisKeys } from '@pb/shared';
import type { Logger } from '@pb/shared/node';
import type { BoardNamespace, BoardSocket } from './board-socket.js';
import { emitLiveEvent, type LiveEventTarget } from './emit-live-event.js';
import { readEventPage, type EventStreamTail } from './event-stream-tail.js';

/** Events read from Redis per round trip during a replay. */
export const REPLAY_PAGE_SIZE = 1_000;
/** Sending catch-up events holds the event loop for at most about this long at a time. */
const SLICE_MS = 5;
/**
 * A catch-up sends what is left and joins its rooms in one tick once no more than
 * this many events remain; more than that are sent in slices first.
 */
const FINAL_STEP_MAX_EVENTS = 100;
/** How long a replay waits for a slow socket to take its last slice before sending the next anyway. */
const DRAIN_TIMEOUT_MS = 10_000;

export interface CatchUpDeps {
  nsp: BoardNamespace;
  redis: Redis;
  keys: RedisKeys;
  tail: EventStreamTail;
  logger: Logger;
}

/** A socket being caught up, and the subscription (see `SocketData.subscription`) it is for. */
export interface CatchUpMember {
  socket: BoardSocket;
  generation: number;
}

/**
 * Sockets at the same point that see the same regions: one socket resuming with
 * `since`, or every socket that was just sent the same shared snapshot.
 */
export interface CatchUpRequest {
  members: CatchUpMember[];
  /** The last seq the members have (exclusive start). */
  after: number;
  visible: (event: LiveEvent) => boolean;
  rooms: string[];
}

/** Where a catch-up ended; members no longer current (closed, or resubscribed) are left out of both. */
export type CatchUpOutcome =
  /** Sent every event up to `upTo` and joined the rooms, in one tick. */
  | { kind: 'joined'; upTo: number; members: CatchUpMember[] }
  /** The events after `after` are no longer all in the stream (trimmed, or unreadable): a snapshot is due. */
  | { kind: 'gap'; after: number; members: CatchUpMember[] };

/** True while this subscription is the socket's latest and the socket is connected. */
export function isCurrent({ socket, generation }: CatchUpMember): boolean {
  return socket.connected && socket.data.subscription === generation;
}

/**
 * Sends the members every event after `after` they may see, then joins their rooms
 * in the same tick as the last of them, so no live event falls between the two.
 * Events still in the tail's memory are sent from there; older ones are read from
 * the Redis stream a page at a time (never one unbounded XRANGE). Events go out in
 * slices of a few milliseconds, each as one broadcast to all the members (encoded
 * once); a lone socket's replay also waits for the socket to take each slice, so a
 * long replay holds neither the event loop nor more than a slice of memory.
 */
export async function catchUp(deps: CatchUpDeps, request: CatchUpRequest): Promise<CatchUpOutcome> {
  const { visible } = request;
  let members = request.members;
  let after = request.after;
  for (;;) {
    // `after` may come from Redis, ahead of this process's tail.
    await deps.tail.waitFor(after);
    members = members.filter(isCurrent);
    if (members.length === 0) return { kind: 'joined', upTo: after, members };
    const buffered = deps.tail.eventsAfter(after);
    if (buffered === null) {
      const page = await readEventPage(deps.redis, deps.keys, after, REPLAY_PAGE_SIZE, deps.logger);
      if (!page.intact) return { kind: 'gap', after, members: members.filter(isCurrent) };
      members = await sendInSlices(deps.nsp, members, page.events, visible);
      after = page.endSeq;
      continue;
    }
    if (buffered.length > FINAL_STEP_MAX_EVENTS) {
      members = await sendInSlices(deps.nsp, members, buffered, visible);
      after = buffered.at(-1)!.seq;
      continue;
    }
    emitVisible(targetOf(deps.nsp, members), buffered, visible);
    for (const { socket } of members) joinRooms(socket, request.rooms);
    return { kind: 'joined', upTo: buffered.at(-1)?.seq ?? after, members };
  }
}

/** Sends the events the members may see, yielding every few milliseconds; returns the members still current. */
async function sendInSlices(nsp: BoardNamespace, members: CatchUpMember[], events: readonly LiveEvent[], visible: (event: LiveEvent) => boolean): Promise<CatchUpMember[]> {
  let target = targetOf(nsp, members);
  let sliceStart = performance.now();
  let sentInSlice = 0;
  for (const event of events) {
    if (!visible(event)) continue;
    emitLiveEvent(target, event);
    sentInSlice++;
    if ((sentInSlice & 31) === 0 && performance.now() - sliceStart > SLICE_MS) {
      await yieldAfterSlice(members);
      members = members.filter(isCurrent);
      if (members.length === 0) return members;
      target = targetOf(nsp, members);
      sliceStart = performance.now();
      sentInSlice = 0;
    }
  }
  if (sentInSlice > 0) await yieldAfterSlice(members);
  return members.filter(isCurrent);
}

/** One socket is sent to directly; several get one broadcast, encoded once for all of them. */
function targetOf(nsp: BoardNamespace, members: CatchUpMember[]): LiveEventTarget {
  return members.length === 1 ? members[0]!.socket : nsp.to(members.map(({ socket }) => socket.id));
}

/** Sends the events the target may see; returns how many. */
function emitVisible(target: LiveEventTarget, events: readonly LiveEvent[], visible: (event: LiveEvent) => boolean): number {
  let sent = 0;
  for (const event of events) {
    if (!visible(event)) continue;
    emitLiveEvent(target, event);
    sent++;
  }
  return sent;
}

function joinRooms(socket: BoardSocket, rooms: string[]): void {
  for (const room of rooms) void socket.join(room);
  socket.data.rooms = rooms;
}

/**
 * Lets other work in after a slice. A lone socket is also given time to take what
 * was queued for it (until its transport drains, it closes, or a while passes), so
 * a replay never piles more than a slice onto a slow connection; a group does not
 * wait for its slowest member.
 */
async function yieldAfterSlice(members: CatchUpMember[]): Promise<void> {
  const transport = members.length === 1 ? members[0]!.socket.conn.transport : undefined;
  if (transport && !transport.writable) await sendBufferDrained(transport);
  // A write to a fast socket completes at once and its drain comes in a process.nextTick:
  // without this, slice after slice would run in one turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
}

async function sendBufferDrained(transport: BoardSocket['conn']['transport']): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), DRAIN_TIMEOUT_MS);
  try {
    await Promise.race([once(transport, 'drain', { signal: abort.signal }), once(transport, 'close', { signal: abort.signal })]);
  } catch {
    // Timed out, or the transport failed: the caller checks the socket before going on.
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
